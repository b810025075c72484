/**
 * The ad's CSS, scoped by its shadow root: page CSS cannot reach in and this cannot leak out.
 * Installed as a constructed stylesheet, which a strict `style-src` allows (a <style> element
 * it would block); `<style>` is the fallback only where constructed sheets do not exist.
 */
export const AD_CSS = `
:host { display: block; contain: content; }
* { box-sizing: border-box; }
.ad { position: relative; overflow: hidden; width: 100%; height: 100%; min-height: inherit;
  border: 1px solid #d0d4da; border-radius: 8px; background: #fff; color: #1d232b;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; }
.label { position: absolute; top: 8px; right: 8px; z-index: 1; font-size: 11px; font-weight: 600;
  line-height: 16px; color: #3f4852; background: #fff; border: 1px solid #9aa3ad; border-radius: 3px; padding: 0 5px; }
.creative { display: flex; flex-direction: column; gap: 6px; height: 100%; padding: 12px 14px 40px;
  color: inherit; text-decoration: none; }
a.creative:hover .title { text-decoration: underline; }
.creative:focus-visible, button:focus-visible { outline: 2px solid #2459d6; outline-offset: -2px; }
.head { display: flex; align-items: center; gap: 10px; min-width: 0; padding-right: 36px; }
.image { flex: none; width: 48px; height: 48px; border-radius: 6px; object-fit: cover; background: #f1f3f5; }
.advertiser { margin: 0; font-size: 12px; color: #5b6470; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.title { margin: 0; font-weight: 650; font-size: 16px; line-height: 1.3; color: #14181d;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; }
.body { margin: 0; color: #39414a; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 4; overflow: hidden; }
.why { position: absolute; left: 8px; bottom: 8px; z-index: 1; font: inherit; font-size: 12px; line-height: 20px;
  color: #1f4fbf; background: #fff; border: 0; border-radius: 4px; padding: 2px 6px; cursor: pointer; text-decoration: underline; }
.panel { position: absolute; inset: 0; z-index: 2; overflow: auto; padding: 12px 14px; background: #fff; font-size: 13px; }
.panel[hidden] { display: none; }
.panel h2 { margin: 0 36px 6px 0; font-size: 14px; }
.panel p, .panel ul { margin: 0 0 6px; }
.panel ul { padding-left: 18px; }
.panel .interests li { margin: 2px 0; }
.panel .meter { display: inline-block; vertical-align: middle; height: 6px; margin-left: 6px; border-radius: 3px; background: #2459d6; }
.panel .fine { color: #5b6470; font-size: 12px; }
.panel a { color: #1f4fbf; }
.close { position: absolute; top: 6px; right: 6px; width: 28px; height: 28px; font-size: 18px; line-height: 1;
  color: #3f4852; background: transparent; border: 1px solid #c3c8ce; border-radius: 4px; cursor: pointer; }

/* Leaderboards and mobile banners: the image beside the headline and the advertiser. */
.ad.banner .creative { display: grid; grid-template-columns: auto minmax(0, 1fr); align-content: center;
  column-gap: 12px; row-gap: 2px; padding: 6px 96px 6px 10px; }
.ad.banner .head { display: contents; }
.ad.banner .image { grid-column: 1; grid-row: 1 / span 2; }
.ad.banner .title { grid-column: 2; grid-row: 1; font-size: 15px; }
.ad.banner .advertiser { grid-column: 2; grid-row: 2; }
.ad.banner .body { display: none; }
.ad.banner .why { left: auto; right: 6px; bottom: 4px; font-size: 11px; padding: 0 4px; }
.ad.skyscraper .body { -webkit-line-clamp: 12; }
`;

const sheets = new WeakMap<Document, CSSStyleSheet>();

/** Adds the ad's stylesheet to a shadow root: one shared constructed sheet per document. */
export function adoptAdStyles(root: ShadowRoot, doc: Document): void {
  const view = doc.defaultView as (Window & { CSSStyleSheet?: typeof CSSStyleSheet }) | null;
  const Sheet = view?.CSSStyleSheet;
  if (Sheet && 'adoptedStyleSheets' in root && typeof Sheet.prototype.replaceSync === 'function') {
    let sheet = sheets.get(doc);
    if (!sheet) {
      sheet = new Sheet();
      sheet.replaceSync(AD_CSS);
      sheets.set(doc, sheet);
    }
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = doc.createElement('style');
  style.textContent = AD_CSS;
  root.prepend(style);
}

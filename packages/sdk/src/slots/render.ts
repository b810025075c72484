import type { RankedAd } from '../types.js';

const STYLE = `
:host { display: block; }
.ad { box-sizing: border-box; height: 100%; min-height: inherit; padding: 12px 14px; border: 1px solid #d0d4da;
  border-radius: 8px; background: #fff; color: #1d232b; font: 14px/1.45 system-ui, sans-serif; position: relative; }
.label { position: absolute; top: 6px; right: 8px; font-size: 11px; color: #5c6570; border: 1px solid #c3c8ce;
  border-radius: 3px; padding: 0 4px; }
.advertiser { font-size: 12px; color: #5c6570; margin: 0 0 4px; }
a { color: inherit; text-decoration: none; display: block; }
a:focus-visible { outline: 2px solid #2459d6; outline-offset: 2px; }
.title { font-weight: 600; font-size: 16px; margin: 0 0 6px; }
.body { margin: 0; }
`;

/** Splits "Headline. Body copy." into a title and the rest. */
function headline(text: string): { title: string; body: string } {
  const end = text.search(/[.!?](\s|$)/);
  if (end < 0 || end > 90) return { title: text, body: '' };
  return { title: text.slice(0, end + 1), body: text.slice(end + 1).trim() };
}

/**
 * Renders an ad into the slot's shadow root, so page CSS cannot break it and its CSS cannot
 * leak into the page. Text is set with textContent: ad copy is never parsed as HTML.
 */
export function renderAd(slot: HTMLElement, ranked: RankedAd, onClick: () => void): void {
  const root = slot.shadowRoot ?? slot.attachShadow({ mode: 'open' });
  const doc = slot.ownerDocument;
  const style = doc.createElement('style');
  style.textContent = STYLE;

  const box = doc.createElement('div');
  box.className = 'ad';
  box.setAttribute('role', 'complementary');
  box.setAttribute('aria-label', 'Advertisement');
  box.dataset.adId = ranked.id;

  const label = doc.createElement('span');
  label.className = 'label';
  label.textContent = 'Ad';

  const link = doc.createElement('a');
  link.href = ranked.ad.landingUrl ?? '#';
  link.rel = 'sponsored noopener';
  link.target = '_blank';
  link.addEventListener('click', onClick);

  const { title, body } = headline(ranked.ad.text);
  const advertiser = doc.createElement('p');
  advertiser.className = 'advertiser';
  advertiser.textContent = ranked.ad.advertiser ?? '';
  const titleEl = doc.createElement('p');
  titleEl.className = 'title';
  titleEl.textContent = title;
  const bodyEl = doc.createElement('p');
  bodyEl.className = 'body';
  bodyEl.textContent = body;

  link.append(advertiser, titleEl, bodyEl);
  box.append(label, link);
  root.replaceChildren(style, box);
  slot.dataset.locusAd = ranked.id;
}

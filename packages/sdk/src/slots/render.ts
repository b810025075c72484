import { LocusError } from '../errors.js';
import type { RankedAd } from '../types.js';
import { layoutFor, type SlotSize } from './sizes.js';
import { adoptAdStyles } from './styles.js';
import { whyThisAd } from './why-panel.js';

export interface RenderOptions {
  /** The reserved size; the ad box takes exactly this height, so filling shifts nothing. */
  size?: SlotSize | undefined;
  /** Called for every click (or middle click) on the ad's link. */
  onClick: () => void;
  /** A link in the "Why this ad?" panel to the publisher's privacy page. */
  privacyUrl?: string | undefined;
}

export interface RenderedAd {
  link: HTMLAnchorElement | undefined;
  whyButton: HTMLButtonElement;
}

/**
 * An absolute http(s) URL, or undefined. Catalogs come from the publisher, but a `javascript:`
 * or `data:` URL in one must still never become a link or an image in the page.
 */
export function safeUrl(value: string | undefined, base: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Splits "Headline. Body copy." into a title and the rest. */
export function headline(text: string): { title: string; body: string } {
  const end = text.search(/[.!?](\s|$)/);
  if (end < 0 || end > 90) return { title: text, body: '' };
  return { title: text.slice(0, end + 1), body: text.slice(end + 1).trim() };
}

function paragraph(doc: Document, className: string, text: string): HTMLParagraphElement {
  const p = doc.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}

function shadowOf(slot: HTMLElement): ShadowRoot {
  if (slot.shadowRoot) return slot.shadowRoot;
  try {
    return slot.attachShadow({ mode: 'open' });
  } catch (err) {
    throw new LocusError('slot-failed', `slot "${slot.dataset.locusSlot}" cannot hold an ad (shadow root)`, {
      cause: err,
    });
  }
}

/**
 * Renders an ad into the slot's shadow root, so page CSS cannot break it and its CSS cannot
 * leak into the page. Accessible: a labelled region with a visible "Ad" label, the headline as
 * the link's text, and a "Why this ad?" button. Ad copy is set with textContent, never parsed
 * as HTML; links and images must be http(s).
 */
export function renderAd(slot: HTMLElement, ranked: RankedAd, options: RenderOptions): RenderedAd {
  const root = shadowOf(slot);
  const doc = slot.ownerDocument;
  const base = doc.baseURI;
  const { ad } = ranked;

  const box = doc.createElement('div');
  box.className = `ad ${layoutFor(options.size)}`;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-roledescription', 'advertisement');
  box.setAttribute('aria-label', ad.advertiser ? `Ad from ${ad.advertiser}` : 'Ad');
  box.dataset.adId = ranked.id;
  if (options.size) box.style.height = `${options.size.height}px`;

  const label = doc.createElement('span');
  label.className = 'label';
  label.textContent = 'Ad';

  const { title, body } = headline(ad.text);
  const head = doc.createElement('div');
  head.className = 'head';
  const image = safeUrl(ad.imageUrl, base);
  if (image) {
    const img = doc.createElement('img');
    img.className = 'image';
    img.src = image;
    img.alt = '';
    img.width = 48;
    img.height = 48;
    img.decoding = 'async';
    // Images load without a click: they must not tell the advertiser which page is open.
    img.referrerPolicy = 'no-referrer';
    head.append(img);
  }
  head.append(paragraph(doc, 'advertiser', ad.advertiser ?? ''));
  const content = [head, paragraph(doc, 'title', title), paragraph(doc, 'body', body)];

  const href = safeUrl(ad.landingUrl, base);
  let link: HTMLAnchorElement | undefined;
  let creative: HTMLElement;
  if (href) {
    link = doc.createElement('a');
    link.className = 'creative';
    link.href = href;
    link.rel = 'sponsored noopener';
    link.target = '_blank';
    link.addEventListener('click', () => options.onClick());
    link.addEventListener('auxclick', (event) => {
      if (event.button === 1) options.onClick();
    });
    creative = link;
  } else {
    creative = doc.createElement('div');
    creative.className = 'creative';
  }
  creative.append(...content);

  const why = whyThisAd(doc, ranked, { privacyUrl: options.privacyUrl });
  box.append(label, creative, why.button, why.panel);
  root.replaceChildren(box);
  adoptAdStyles(root, doc);
  slot.dataset.locusAd = ranked.id;
  return { link, whyButton: why.button };
}

import type { RankedAd } from '../types.js';
import { explainInWords } from './explain.js';

export interface WhyPanelOptions {
  /** The publisher's page where readers see and control what Locus keeps (a link in the panel). */
  privacyUrl?: string | undefined;
  /** Called when the panel opens (for the page's own measurement; nothing is tracked by Locus). */
  onOpen?: () => void;
}

let panelCount = 0;

function element<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The "Why this ad?" disclosure: a real <button> (keyboard and screen-reader operable) that
 * shows a panel over the ad explaining the choice in plain words. Escape or the close button
 * hides it and gives focus back to the button. Text is set with textContent only.
 */
export function whyThisAd(
  doc: Document,
  ranked: Pick<RankedAd, 'pctr' | 'explanation'>,
  options: WhyPanelOptions = {},
): { button: HTMLButtonElement; panel: HTMLElement } {
  const id = `locus-why-${++panelCount}`;
  const words = explainInWords(ranked);

  const button = element(doc, 'button', 'why', 'Why this ad?');
  button.type = 'button';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', id);

  const panel = element(doc, 'div', 'panel');
  panel.id = id;
  panel.hidden = true;
  panel.tabIndex = -1;
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-labelledby', `${id}-title`);

  const title = element(doc, 'h2', '', 'Why you are seeing this ad');
  title.id = `${id}-title`;
  const close = element(doc, 'button', 'close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close the explanation');
  panel.append(close, title, element(doc, 'p', 'basis', words.basis));

  if (words.interests.length > 0) {
    panel.append(element(doc, 'p', '', 'Your interests that drew it:'));
    const list = element(doc, 'ul', 'interests');
    for (const interest of words.interests) {
      const item = element(doc, 'li', '', `${interest.label} (${interest.percent}%)`);
      const meter = element(doc, 'span', 'meter');
      meter.setAttribute('aria-hidden', 'true');
      meter.style.width = `${Math.max(4, Math.round(interest.percent * 0.6))}px`;
      item.append(meter);
      list.append(item);
    }
    panel.append(list);
  }
  const details = element(doc, 'ul', 'details');
  for (const line of words.details) details.append(element(doc, 'li', '', line));
  panel.append(details);
  if (options.privacyUrl) {
    const link = element(doc, 'a', '', 'See or delete what this browser keeps');
    link.href = options.privacyUrl;
    panel.append(element(doc, 'p', 'fine'));
    panel.lastElementChild?.append(link);
  }

  const setOpen = (open: boolean, restoreFocus: boolean) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) {
      panel.focus();
      options.onOpen?.();
    } else if (restoreFocus) button.focus();
  };
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    setOpen(panel.hidden, false);
  });
  close.addEventListener('click', (event) => {
    event.stopPropagation();
    setOpen(false, true);
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    setOpen(false, true);
  });
  return { button, panel };
}

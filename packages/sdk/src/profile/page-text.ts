/** Elements whose text says nothing about what the page is about. */
const SKIP =
  'script, style, noscript, template, nav, footer, header, aside, form, button, [hidden], [aria-hidden="true"], [data-locus-slot]';

const MAX_CHARS = 8000;

/**
 * The readable text of a page: title, meta description and the main content (the `<article>`
 * or `<main>` when there is one), without navigation, footers, scripts or hidden elements.
 */
export function pageText(doc: Document): string {
  const parts: string[] = [doc.title];
  const description = doc.querySelector('meta[name="description"]')?.getAttribute('content');
  if (description) parts.push(description);

  const root = doc.querySelector('article') ?? doc.querySelector('main') ?? doc.body;
  if (root) {
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement?.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    let length = 0;
    for (let node = walker.nextNode(); node && length < MAX_CHARS; node = walker.nextNode()) {
      const text = node.nodeValue?.trim();
      if (text) {
        parts.push(text);
        length += text.length;
      }
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim().slice(0, MAX_CHARS);
}

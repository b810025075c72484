/**
 * The readable text of a page: title, meta description and the main content, without
 * navigation, footers, scripts, forms, ads or anything the reader cannot see.
 */

/** Elements (and ARIA landmarks) whose text says nothing about what the page is about. */
const SKIP = [
  'script, style, noscript, template, svg, canvas, iframe, object, button, select, form, dialog',
  'nav, footer, aside, menu',
  '[role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], [role="search"], [role="dialog"]',
  '[hidden], [aria-hidden="true"], [inert], [data-locus-slot]',
].join(', ');

/** Headers of the whole page (site banner); a header inside an article is its headline. */
const PAGE_HEADER = 'body > header, body > div > header, [role="banner"]';

const MAX_CHARS = 8000;
/** A short block where most text is links is a menu, a tag cloud or a "related" list. */
const LINK_DENSITY = 0.5;
const LINK_BLOCKS = new Set(['UL', 'OL', 'DIV', 'SECTION', 'TABLE', 'DL', 'P']);

function isHidden(el: Element): boolean {
  const style = (el as HTMLElement).style;
  if (style && (style.display === 'none' || style.visibility === 'hidden')) return true;
  // Chromium 105+ / Firefox 106+: CSS-hidden (display, visibility, content-visibility) elements.
  const check = (el as { checkVisibility?: (options?: object) => boolean }).checkVisibility;
  if (typeof check === 'function') {
    try {
      return !check.call(el, { visibilityProperty: true, contentVisibilityAuto: false });
    } catch {
      return false;
    }
  }
  return false;
}

function isLinkDense(el: Element): boolean {
  if (!LINK_BLOCKS.has(el.tagName)) return false;
  const links = el.querySelectorAll('a');
  if (links.length === 0) return false;
  const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().length;
  if (text === 0 || text > 1000) return false;
  let linked = 0;
  for (const link of links) linked += (link.textContent ?? '').replace(/\s+/g, ' ').trim().length;
  return linked / text > LINK_DENSITY;
}

function skipped(el: Element): boolean {
  return el.matches(SKIP) || el.matches(PAGE_HEADER) || isHidden(el) || isLinkDense(el);
}

/**
 * Where the content is: the page's only `<article>`, else `<main>`, else the element holding
 * the most paragraph text (a light version of Readability's scoring: a paragraph counts fully
 * for its parent and half for its grandparent).
 */
export function contentRoot(doc: Document): Element | null {
  const articles = doc.querySelectorAll('article');
  if (articles.length === 1) return articles[0]!;
  const main = doc.querySelector('main, [role="main"]');
  if (main) return main;
  const scores = new Map<Element, number>();
  for (const p of doc.querySelectorAll('p')) {
    const length = (p.textContent ?? '').trim().length;
    if (length < 25 || p.closest(SKIP)) continue;
    const parent = p.parentElement;
    if (parent) scores.set(parent, (scores.get(parent) ?? 0) + length);
    const grandparent = parent?.parentElement;
    if (grandparent) scores.set(grandparent, (scores.get(grandparent) ?? 0) + length / 2);
  }
  let best: Element | null = null;
  let bestScore = 0;
  for (const [element, score] of scores) {
    if (score > bestScore) [best, bestScore] = [element, score];
  }
  return best ?? doc.body;
}

export function pageText(doc: Document): string {
  const parts: string[] = [doc.title];
  const description =
    doc.querySelector('meta[name="description"]')?.getAttribute('content') ??
    doc.querySelector('meta[property="og:description"]')?.getAttribute('content');
  if (description) parts.push(description);

  const root = contentRoot(doc);
  if (root) {
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => {
        if (node.nodeType === 3) return NodeFilter.FILTER_ACCEPT;
        // REJECT skips the element's whole subtree; SKIP walks into it.
        return node !== root && skipped(node as Element) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      },
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

/** The page's address as Locus keeps it: origin + path (query and fragment often carry ids). */
export function pageAddress(href: string): string {
  try {
    const url = new URL(href);
    return `${url.origin}${url.pathname}`;
  } catch {
    return href;
  }
}

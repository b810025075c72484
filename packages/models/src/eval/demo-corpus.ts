// The demo publisher site as an evaluation set: its article pages (demo/<topic>/*.html, the topic is
// the folder) and its ad catalog (demo/public/ads.json). Page text follows the SDK's pageText(): the
// title, the meta description and the <article> text without header, nav, aside, footer, forms,
// scripts and hidden elements, whitespace collapsed, at most 8000 characters.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './data.js';

export interface DemoPage {
  path: string;
  topic: string;
  text: string;
}

export interface DemoAd {
  id: string;
  category: string;
  text: string;
}

export interface DemoCorpus {
  pages: DemoPage[];
  ads: DemoAd[];
}

const MAX_CHARS = 8000;
const SKIPPED = [
  'script',
  'style',
  'noscript',
  'template',
  'nav',
  'footer',
  'header',
  'aside',
  'form',
  'button',
];
const NOT_TOPIC_FOLDERS = new Set(['public', 'src', 'scripts', 'node_modules', 'dist']);

export function loadDemoCorpus(root: string = repoRoot()): DemoCorpus {
  const demo = join(root, 'demo');
  const pages: DemoPage[] = [];
  for (const topic of readdirSync(demo).sort()) {
    const folder = join(demo, topic);
    if (NOT_TOPIC_FOLDERS.has(topic) || !statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).sort()) {
      if (!file.endsWith('.html')) continue;
      const text = pageText(readFileSync(join(folder, file), 'utf8'));
      pages.push({ path: `demo/${topic}/${file}`, topic, text });
    }
  }
  const ads = (JSON.parse(readFileSync(join(demo, 'public', 'ads.json'), 'utf8')) as DemoAd[]).map(
    ({ id, category, text }) => ({ id, category, text }),
  );
  if (pages.length === 0 || ads.length === 0) throw new Error(`no demo pages or ads under ${demo}`);
  return { pages, ads };
}

/** The SDK's pageText() for static HTML (no DOM in Node): enough for the demo's well-formed pages. */
export function pageText(html: string): string {
  const title = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '';
  const description = /<meta\s+name="description"\s+content="([^"]*)"/i.exec(html)?.[1] ?? '';
  const root =
    /<article\b[^>]*>([\s\S]*?)<\/article>/i.exec(html)?.[1] ??
    /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html)?.[1] ??
    /<body\b[^>]*>([\s\S]*?)<\/body>/i.exec(html)?.[1] ??
    '';
  let body = root.replace(/<!--[\s\S]*?-->/g, ' ');
  for (const tag of SKIPPED) body = body.replace(new RegExp(`<${tag}\\b[\\s\\S]*?</${tag}>`, 'gi'), ' ');
  body = body.replace(
    /<([a-z0-9]+)\b[^>]*\b(hidden|aria-hidden="true"|data-locus-slot)[^>]*>[\s\S]*?<\/\1>/gi,
    ' ',
  );
  const text = [title, description, body.replace(/<[^>]+>/g, ' ')].map(decodeEntities).join(' ');
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_CHARS);
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return s.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return named[e.toLowerCase()] ?? m;
  });
}

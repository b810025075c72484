import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Checks the demo content: the ad catalog (public/ads.json) and every html page.

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const MAIN_CATEGORIES = ['sports', 'cooking', 'travel'] as const;
const CATEGORIES = new Set<string>([...MAIN_CATEGORIES, 'finance']);
const ALLOWED_KEYS = new Set(['id', 'text', 'advertiser', 'category', 'bid', 'landingUrl', 'imageUrl']);
const EXAMPLE_HOSTS = new Set(['example.com', 'example.org', 'example.net']);

const ARTICLES = [
  'sports/marathon-training.html',
  'sports/football-tactics.html',
  'sports/tennis-serve.html',
  'cooking/sourdough.html',
  'cooking/weeknight-pasta.html',
  'cooking/spice-guide.html',
  'travel/lisbon-weekend.html',
  'travel/alpine-rail.html',
  'travel/packing-light.html',
];

const SNIPPET = [
  '<script>',
  'window.locus = window.locus || { cmd: [] };',
  "locus.cmd.push(function () { locus.init({ catalog: '/ads.json', aggregator: { url: '/fl' }, slots: { privacyUrl: '/privacy.html' } }); });",
  '</script>',
  '<script async src="/locus/locus.js"></script>',
].join(' ');
/** The IAB's __tcfapi stub must come before Locus, so Locus finds the CMP. */
const CMP = '<script src="/consent/tcf-stub.js"></script> <script type="module" src="/src/cmp.ts"></script>';
/** The privacy page is not content: Locus does not read it as an interest. */
const PRIVACY_SNIPPET = SNIPPET.replace("slots: { privacyUrl: '/privacy.html' }", 'observePage: false');
/** Pages without Locus: the operators' federation page. */
const WITHOUT_LOCUS = new Set(['federation.html']);

interface Ad {
  id: string;
  text: string;
  advertiser: string;
  category: string;
  bid: number;
  landingUrl: string;
}

const ads = JSON.parse(readFileSync(join(demoDir, 'public', 'ads.json'), 'utf8')) as unknown[];

function htmlPages(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || ['node_modules', 'public', 'dist'].includes(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) htmlPages(full, out);
    else if (entry.name.endsWith('.html')) out.push(relative(demoDir, full).split(sep).join('/'));
  }
  return out.sort();
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Words of visible text: tags stripped, entities decoded enough to count. */
function words(html: string): string[] {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/gi, ' ');
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

function count<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('public/ads.json', () => {
  it('is an array of well-formed ads', () => {
    expect(Array.isArray(ads)).toBe(true);
    for (const raw of ads) {
      expect(typeof raw, JSON.stringify(raw)).toBe('object');
      const ad = raw as Record<string, unknown>;
      const label = String(ad.id);
      expect(
        Object.keys(ad).filter((k) => !ALLOWED_KEYS.has(k)),
        label,
      ).toEqual([]);
      expect(ad.id, label).toMatch(/^ad-[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(typeof ad.text, label).toBe('string');
      // "Headline. One or two sentences of body copy."
      expect(ad.text as string, label).toMatch(/^[^.]+\. \S/);
      if (ad.imageUrl !== undefined) {
        expect(ad.imageUrl, label).toMatch(/^\/ads\/[a-z-]+\.svg$/);
        expect(existsSync(join(demoDir, 'public', ad.imageUrl as string)), label).toBe(true);
      }
      expect((ad.text as string).length, label).toBeLessThanOrEqual(200);
      expect(typeof ad.advertiser === 'string' && ad.advertiser.trim().length > 0, label).toBe(true);
      expect(CATEGORIES.has(ad.category as string), label).toBe(true);
      expect(typeof ad.bid === 'number' && ad.bid >= 0.5 && ad.bid <= 3, label).toBe(true);
      const url = new URL(ad.landingUrl as string);
      expect(url.protocol, label).toBe('https:');
      expect(EXAMPLE_HOSTS.has(url.hostname), label).toBe(true);
    }
  });

  it('has unique ids', () => {
    const ids = (ads as Ad[]).map((ad) => ad.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has at least 12 ads and 3 advertisers per main category, plus finance distractors', () => {
    const list = ads as Ad[];
    const perCategory = count(list, (ad) => ad.category);
    for (const category of MAIN_CATEGORIES) {
      expect(perCategory.get(category), category).toBeGreaterThanOrEqual(12);
      const advertisers = new Set(list.filter((ad) => ad.category === category).map((ad) => ad.advertiser));
      expect(advertisers.size, category).toBeGreaterThanOrEqual(3);
    }
    expect(perCategory.get('finance')).toBeGreaterThanOrEqual(4);
  });

  it('has at least 60 ads from at least 10 advertisers, each in a single category', () => {
    const list = ads as Ad[];
    expect(list.length).toBeGreaterThanOrEqual(60);
    const advertisers = new Set(list.map((ad) => ad.advertiser));
    expect(advertisers.size).toBeGreaterThanOrEqual(10);
    for (const advertiser of advertisers) {
      const categories = new Set(list.filter((ad) => ad.advertiser === advertiser).map((ad) => ad.category));
      expect(categories.size, advertiser).toBe(1);
    }
  });
});

describe('html pages', () => {
  const pages = htmlPages(demoDir);

  it('include the home, about, privacy and federation pages and all nine articles', () => {
    expect(pages).toEqual(
      [...ARTICLES, 'about.html', 'federation.html', 'index.html', 'privacy.html'].sort(),
    );
  });

  for (const page of pages) {
    const html = readFileSync(join(demoDir, page), 'utf8');
    const withLocus = !WITHOUT_LOCUS.has(page);

    it(`${page}: ${withLocus ? 'loads the CMP stub, then the SDK with the publisher snippet' : 'does not load Locus'}`, () => {
      if (!withLocus) {
        expect(html).not.toContain('/locus/locus.js');
        return;
      }
      const flat = squash(html);
      const snippet = page === 'privacy.html' ? PRIVACY_SNIPPET : SNIPPET;
      expect(flat).toContain(snippet);
      expect(flat.indexOf(CMP)).toBeGreaterThan(-1);
      expect(flat.indexOf(CMP)).toBeLessThan(flat.indexOf(snippet));
      expect(html.match(/\/locus\/locus\.js/g)).toHaveLength(1);
    });

    const slots = ARTICLES.includes(page) ? 2 : ['index.html', 'about.html'].includes(page) ? 1 : 0;
    it(`${page}: has ${slots} slot(s): a 300x250 sidebar in an aside${slots === 2 ? ' and one in the article' : ''}`, () => {
      expect(html.match(/data-locus-slot=/g) ?? []).toHaveLength(slots);
      if (slots === 0) return;
      const aside = html.match(/<aside\b[^>]*>([\s\S]*?)<\/aside>/)?.[1] ?? '';
      expect(aside).toContain('<div data-locus-slot="sidebar" data-locus-sizes="300x250"></div>');
      if (slots === 2)
        expect(html).toContain('<div data-locus-slot="in-article" data-locus-sizes="640x120,300x250"></div>');
    });

    it(`${page}: has a title, meta description, nav, main and footer, and the shared stylesheet`, () => {
      expect(html).toMatch(/<title>[^<]{10,}<\/title>/);
      expect(html).toMatch(/<meta name="description" content="[^"]{50,}"/);
      expect(html).toMatch(/<nav\b/);
      expect(html).toMatch(/<main\b/);
      expect(html).toMatch(/<footer\b/);
      expect(html).toContain('<link rel="stylesheet" href="/src/site.css" />');
      expect(html.match(/<h1\b/g)).toHaveLength(1);
    });
  }

  for (const page of ARTICLES) {
    it(`${page}: has 350-600 words of article text`, () => {
      const html = readFileSync(join(demoDir, page), 'utf8');
      const article = html.match(/<article\b[^>]*>([\s\S]*?)<\/article>/)?.[1];
      expect(article, 'an <article> element').toBeDefined();
      const n = words(article ?? '').length;
      expect(n).toBeGreaterThanOrEqual(350);
      expect(n).toBeLessThanOrEqual(600);
      expect(article?.match(/<p\b/g)?.length ?? 0).toBeGreaterThanOrEqual(5);
      expect(article).not.toMatch(/<(nav|footer|aside)\b/);
    });
  }
});

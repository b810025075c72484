import { describe, expect, it } from 'vitest';
import { type PageItem, selectPage } from './diversity.js';
import { seededRandom } from './random.js';

/** The rule stated plainly: walk the ads best first, take one when its advertiser is new. */
function reference(items: PageItem[], size: number, total: number): number[] {
  const sorted = [...items].sort((a, b) => b.score - a.score || a.index - b.index);
  const page: PageItem[] = [];
  const advertisers = new Set<string>();
  for (const item of sorted) {
    if (page.length >= size) break;
    if (item.advertiser !== undefined && advertisers.has(item.advertiser)) continue;
    page.push(item);
    if (item.advertiser !== undefined) advertisers.add(item.advertiser);
  }
  const rest = sorted.filter((item) => !page.includes(item));
  return [...page, ...rest].slice(0, Math.max(page.length, total)).map((i) => i.index);
}

describe('selectPage', () => {
  it('matches the plain rule on random catalogs, ties and missing advertisers included', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 60);
      const items: PageItem[] = Array.from({ length: n }, (_, index) => {
        const item: PageItem = { index, score: Math.floor(random() * 10) / 10 };
        if (random() < 0.8) item.advertiser = `adv-${Math.floor(random() * 5)}`;
        return item;
      });
      const size = Math.floor(random() * 6);
      const total = size + Math.floor(random() * 5);
      const selection = selectPage(items, size, total);
      expect(selection.order).toEqual(reference(items, size, total));
      const pageAdvertisers = selection.order
        .slice(0, selection.pageLength)
        .map((i) => items[i]!.advertiser)
        .filter((a) => a !== undefined);
      expect(new Set(pageAdvertisers).size).toBe(pageAdvertisers.length);
    }
  });

  it('lets advertisers repeat when uniqueness is off', () => {
    const items = [
      { index: 0, score: 3, advertiser: 'a' },
      { index: 1, score: 2, advertiser: 'a' },
      { index: 2, score: 1, advertiser: 'b' },
    ];
    expect(selectPage(items, 2, 2, { uniqueAdvertisers: false }).order).toEqual([0, 1]);
    expect(selectPage(items, 2, 2).order).toEqual([0, 2]);
    expect(selectPage(items, 2, 2).sameAdvertiser).toEqual([1]);
  });
});

import { describe, expect, it } from 'vitest';
import { checkCatalog } from './validate.js';

describe('checkCatalog', () => {
  it('keeps well-formed ads and names each skipped entry', () => {
    const { ads, rejected } = checkCatalog([
      { id: 'a', text: 'Trail shoes', bid: 1.2, advertiser: 'Stride' },
      { text: 'no id' },
      { id: 'b', text: 42 },
      { id: 'c', text: 'ok', bid: Number.NaN },
      { id: 'a', text: 'duplicate id' },
      null,
      { id: 'd', text: 'Fresh pasta', category: 7 },
      { id: 'e', text: 'Cheap flights', landingUrl: 'https://example.com/', extra: 'dropped' },
    ]);
    expect(ads.map((ad) => ad.id)).toEqual(['a', 'e']);
    expect(ads[1]).toEqual({ id: 'e', text: 'Cheap flights', landingUrl: 'https://example.com/' });
    expect(rejected.map((e) => e.code)).toEqual(Array(6).fill('invalid-catalog-entry'));
    expect(rejected.map((e) => e.message)).toEqual([
      'catalog entry 1 skipped: it has no string "id"',
      'catalog entry 2 ("b") skipped: it has no string "text"',
      'catalog entry 3 ("c") skipped: "bid" is not a finite non-negative number',
      'catalog entry 4 ("a") skipped: it repeats id "a"',
      'catalog entry 5 skipped: it is not an object',
      'catalog entry 6 ("d") skipped: "category" is not a string',
    ]);
  });

  it('rejects a catalog that is not an array', () => {
    const { ads, rejected } = checkCatalog({ id: 'a', text: 'x' });
    expect(ads).toEqual([]);
    expect(rejected[0]?.message).toBe('catalog is not an array');
  });
});

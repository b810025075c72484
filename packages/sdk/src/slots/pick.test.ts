import { describe, expect, it } from 'vitest';
import type { RankedAd } from '../types.js';
import { pickAds } from './pick.js';

const ranked = (entries: [string, string | undefined][]): RankedAd[] =>
  entries.map(([id, advertiser], i) => ({
    id,
    score: 1 - i / 10,
    pctr: 0.1,
    ad: { id, text: id, ...(advertiser ? { advertiser } : {}) },
    explanation: { interests: [], features: { similarity: 0, signal: 'context' } },
  }));

describe('pickAds', () => {
  it('never repeats an ad, and avoids a second ad of an advertiser while another advertiser is left', () => {
    const list = ranked([
      ['a1', 'A'],
      ['a2', 'A'],
      ['b1', 'B'],
      ['c1', undefined],
    ]);
    const shown = { ads: new Set<string>(), advertisers: new Set<string>() };
    const picks = pickAds(list, 3, shown);
    expect(picks.map((p) => [p?.ranked.id, p?.position])).toEqual([
      ['a1', 0],
      ['b1', 2],
      ['c1', 3],
    ]);
    // A later slot on the same page: only A's second ad is left, so the advertiser repeats.
    expect(pickAds(list, 2, shown).map((p) => p?.ranked.id)).toEqual(['a2', undefined]);
  });
});

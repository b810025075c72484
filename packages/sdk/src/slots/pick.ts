import type { RankedAd } from '../types.js';

/** What the page already shows: no ad twice, and no advertiser twice while others remain. */
export interface PageShown {
  ads: Set<string>;
  advertisers: Set<string>;
}

export interface Pick {
  ranked: RankedAd;
  /** The ad's place in the ranking it was chosen from (0 = best). */
  position: number;
}

/**
 * Chooses an ad for each of `count` slots from a ranking (best first), updating `shown`: the
 * best ad not on the page from an advertiser not on the page; if every remaining ad's advertiser
 * is already shown, the best ad not on the page. A slot gets undefined when no ad is left.
 */
export function pickAds(ranked: RankedAd[], count: number, shown: PageShown): (Pick | undefined)[] {
  const picks: (Pick | undefined)[] = [];
  for (let slot = 0; slot < count; slot++) {
    let choice: Pick | undefined;
    let fallback: Pick | undefined;
    for (const [position, candidate] of ranked.entries()) {
      if (shown.ads.has(candidate.id)) continue;
      const advertiser = candidate.ad.advertiser;
      if (advertiser === undefined || !shown.advertisers.has(advertiser)) {
        choice = { ranked: candidate, position };
        break;
      }
      fallback ??= { ranked: candidate, position };
    }
    const picked = choice ?? fallback;
    if (picked) {
      shown.ads.add(picked.ranked.id);
      if (picked.ranked.ad.advertiser !== undefined) shown.advertisers.add(picked.ranked.ad.advertiser);
    }
    picks.push(picked);
  }
  return picks;
}

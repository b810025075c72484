import type { AdCandidate, RankedAd } from '../types.js';
import type { UserSignal } from './user-vector.js';

export interface ScoredAd {
  ad: AdCandidate;
  pctr: number;
  similarity: number;
}

/** eCPM when the ad bids, else pCTR. */
export function adScore(pctr: number, bid: number | undefined): number {
  return bid === undefined ? pctr : bid * pctr;
}

/** Orders scored ads best first (ties broken by id, so the order is deterministic). */
export function orderAds(scored: ScoredAd[], user: UserSignal, limit = Number.POSITIVE_INFINITY): RankedAd[] {
  return scored
    .filter(({ pctr }) => Number.isFinite(pctr))
    .map(({ ad, pctr, similarity }): RankedAd => {
      const features: RankedAd['explanation']['features'] = { similarity, signal: user.signal };
      if (ad.bid !== undefined) features.bid = ad.bid;
      return { id: ad.id, score: adScore(pctr, ad.bid), pctr, ad, explanation: { interests: [], features } };
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.max(0, limit));
}

import { type ExposureRecord, recentExposures } from './exposures.js';

export interface ExposureShare {
  key: string;
  impressions: number;
  share: number;
}

export interface ExposureFairnessReport {
  days: number;
  impressions: number;
  advertisers: ExposureShare[];
  categories: ExposureShare[];
  /**
   * Herfindahl–Hirschman index of advertiser shares: 1/n when n advertisers are shown equally,
   * 1 when one takes every impression. A single number to watch for concentration.
   */
  advertiserConcentration: number;
}

/** Label for records that carry no advertiser or category. */
export const UNKNOWN = '(unknown)';

function shares(
  records: readonly ExposureRecord[],
  key: (r: ExposureRecord) => string | undefined,
): ExposureShare[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = key(r) ?? UNKNOWN;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .map(([k, impressions]) => ({ key: k, impressions, share: impressions / records.length }))
    .sort((a, b) => b.impressions - a.impressions || (a.key < b.key ? -1 : 1));
}

/** Share of impressions per advertiser and per category over the last `days` (for info()). */
export function exposureFairness(
  records: readonly ExposureRecord[],
  now: number,
  days = 30,
): ExposureFairnessReport {
  const window = recentExposures(records, now, days);
  const advertisers = shares(window, (r) => r.advertiser);
  return {
    days,
    impressions: window.length,
    advertisers,
    categories: shares(window, (r) => r.category),
    advertiserConcentration: advertisers.reduce((sum, a) => sum + a.share * a.share, 0),
  };
}

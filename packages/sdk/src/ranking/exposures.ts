import type { CandidateExposure } from '../ctr/features.js';

/** One time an ad was shown to this user (the profile keeps these; nothing leaves the device). */
export interface ExposureRecord {
  adId: string;
  advertiser?: string;
  category?: string;
  /** Epoch milliseconds. */
  time: number;
  /** The page session it was shown in (for per-session caps). */
  sessionId?: string;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Exposure records no older than `days` and not in the future. */
export function recentExposures(
  records: readonly ExposureRecord[],
  now: number,
  days: number,
): ExposureRecord[] {
  const since = now - days * DAY_MS;
  return records.filter((r) => Number.isFinite(r.time) && r.time >= since && r.time <= now);
}

/**
 * Per-ad count and recency over the last `days`, in the form the CTR model's exposure features
 * read (aligned with `adIds`; undefined = not shown in the window).
 */
export function candidateExposures(
  adIds: readonly string[],
  records: readonly ExposureRecord[],
  now: number,
  days = 30,
): (CandidateExposure | undefined)[] {
  const byAd = new Map<string, { count: number; last: number }>();
  for (const r of recentExposures(records, now, days)) {
    const entry = byAd.get(r.adId);
    if (entry) {
      entry.count++;
      entry.last = Math.max(entry.last, r.time);
    } else byAd.set(r.adId, { count: 1, last: r.time });
  }
  return adIds.map((id) => {
    const entry = byAd.get(id);
    return entry ? { count: entry.count, hoursSinceLast: (now - entry.last) / HOUR_MS } : undefined;
  });
}

/** The model's exposure features from the profile store's counters (total and last showing). */
export function exposuresFromCounts(
  adIds: readonly string[],
  counts: ReadonlyMap<string, { total?: number; dayCount: number; lastAt?: number }>,
  now: number,
): (CandidateExposure | undefined)[] {
  return adIds.map((id) => {
    const c = counts.get(id);
    const count = c ? (c.total ?? c.dayCount) : 0;
    if (!c || !(count > 0)) return undefined;
    return c.lastAt !== undefined && Number.isFinite(c.lastAt)
      ? { count, hoursSinceLast: Math.max(0, now - c.lastAt) / HOUR_MS }
      : { count };
  });
}

import { DAY_MS, type ExposureRecord } from './exposures.js';

/** At most this many impressions per rolling 24 hours and per page session (omitted = no cap). */
export interface CapLimits {
  day?: number;
  session?: number;
}

export interface FrequencyCaps {
  ad?: CapLimits;
  advertiser?: CapLimits;
}

/**
 * How often one ad or advertiser was shown, as the profile store keeps it: today's and this
 * session's counts as of now (its ExposureRecord has these fields), the total and the last time.
 */
export interface ExposureCount {
  dayCount: number;
  sessionCount: number;
  total?: number;
  lastAt?: number;
}

/** Counters by ad id and by advertiser: the alternative to raw impression records. */
export interface ExposureCounts {
  ads?: ReadonlyMap<string, ExposureCount>;
  advertisers?: ReadonlyMap<string, ExposureCount>;
}

interface Counts {
  day: ReadonlyMap<string, number>;
  session: ReadonlyMap<string, number>;
}

function fromCounters(counters: ReadonlyMap<string, ExposureCount> | undefined): Counts {
  const day = new Map<string, number>();
  const session = new Map<string, number>();
  for (const [key, c] of counters ?? []) {
    if (Number.isFinite(c.dayCount)) day.set(key, c.dayCount);
    if (Number.isFinite(c.sessionCount)) session.set(key, c.sessionCount);
  }
  return { day, session };
}

function count(
  records: readonly ExposureRecord[],
  key: (r: ExposureRecord) => string | undefined,
  now: number,
  sessionId?: string,
): Counts {
  const day = new Map<string, number>();
  const session = new Map<string, number>();
  for (const r of records) {
    const k = key(r);
    if (k === undefined || !Number.isFinite(r.time) || r.time > now) continue;
    if (r.time > now - DAY_MS) day.set(k, (day.get(k) ?? 0) + 1);
    if (sessionId !== undefined && r.sessionId === sessionId) session.set(k, (session.get(k) ?? 0) + 1);
  }
  return { day, session };
}

function exceeded(
  limits: CapLimits | undefined,
  counts: Counts,
  key: string | undefined,
  what: string,
): string | undefined {
  if (!limits || key === undefined) return undefined;
  const day = counts.day.get(key) ?? 0;
  if (limits.day !== undefined && day >= limits.day)
    return `${what} shown ${day} times today (cap ${limits.day})`;
  const session = counts.session.get(key) ?? 0;
  if (limits.session !== undefined && session >= limits.session) {
    return `${what} shown ${session} times this session (cap ${limits.session})`;
  }
  return undefined;
}

/**
 * Which candidates have reached a frequency cap, with the reason. From raw records, "per day" is
 * a rolling 24 hours and "per session" counts records carrying the current `sessionId`; from
 * counters, the day and session are whatever the store counted in (calendar day, 30-minute gap).
 */
export function frequencyCapped(
  candidates: readonly { id: string; advertiser?: string }[],
  source:
    | { records: readonly ExposureRecord[]; now: number; sessionId?: string }
    | { counts: ExposureCounts },
  caps: FrequencyCaps,
): Map<string, string> {
  const capped = new Map<string, string>();
  if (!caps.ad && !caps.advertiser) return capped;
  const [byAd, byAdvertiser] =
    'counts' in source
      ? [fromCounters(source.counts.ads), fromCounters(source.counts.advertisers)]
      : [
          count(source.records, (r) => r.adId, source.now, source.sessionId),
          count(source.records, (r) => r.advertiser, source.now, source.sessionId),
        ];
  for (const c of candidates) {
    const reason =
      exceeded(caps.ad, byAd, c.id, `ad ${c.id}`) ??
      exceeded(caps.advertiser, byAdvertiser, c.advertiser, `advertiser ${c.advertiser}`);
    if (reason) capped.set(c.id, reason);
  }
  return capped;
}

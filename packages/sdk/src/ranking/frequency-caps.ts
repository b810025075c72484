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

interface Counts {
  day: Map<string, number>;
  session: Map<string, number>;
}

function count(
  records: readonly ExposureRecord[],
  key: (r: ExposureRecord) => string | undefined,
  now: number,
  sessionId?: string,
): Counts {
  const counts: Counts = { day: new Map(), session: new Map() };
  for (const r of records) {
    const k = key(r);
    if (k === undefined || !Number.isFinite(r.time) || r.time > now) continue;
    if (r.time > now - DAY_MS) counts.day.set(k, (counts.day.get(k) ?? 0) + 1);
    if (sessionId !== undefined && r.sessionId === sessionId)
      counts.session.set(k, (counts.session.get(k) ?? 0) + 1);
  }
  return counts;
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
    return `${what} shown ${day} times in 24 h (cap ${limits.day})`;
  const session = counts.session.get(key) ?? 0;
  if (limits.session !== undefined && session >= limits.session) {
    return `${what} shown ${session} times this session (cap ${limits.session})`;
  }
  return undefined;
}

/**
 * Which candidates have reached a frequency cap, with the reason. "Per day" is a rolling 24 hours
 * (no time-zone questions); "per session" counts records carrying the current `sessionId`.
 */
export function frequencyCapped(
  candidates: readonly { id: string; advertiser?: string }[],
  records: readonly ExposureRecord[],
  caps: FrequencyCaps,
  now: number,
  sessionId?: string,
): Map<string, string> {
  const capped = new Map<string, string>();
  if (!caps.ad && !caps.advertiser) return capped;
  const byAd = count(records, (r) => r.adId, now, sessionId);
  const byAdvertiser = count(records, (r) => r.advertiser, now, sessionId);
  for (const c of candidates) {
    const reason =
      exceeded(caps.ad, byAd, c.id, `ad ${c.id}`) ??
      exceeded(caps.advertiser, byAdvertiser, c.advertiser, `advertiser ${c.advertiser}`);
    if (reason) capped.set(c.id, reason);
  }
  return capped;
}

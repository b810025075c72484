import type { ExposureRecord } from './schema.js';

/** Without an exposure for this long, the next one starts a new session (the usual analytics gap). */
export const SESSION_GAP_MS = 30 * 60_000;

/** The local calendar day of a time, as yyyymmdd (frequency caps count per day as the user lives it). */
export function dayOf(time: number): number {
  const date = new Date(time);
  return date.getFullYear() * 10_000 + (date.getMonth() + 1) * 100 + date.getDate();
}

/**
 * The exposure record after `increment` more impressions at `now`: the day count restarts on a
 * new day, the session count after a 30-minute gap. With increment 0 it reads the counts as
 * they stand at `now` (yesterday's count is 0 today).
 */
export function nextExposure(
  previous: ExposureRecord | undefined,
  identity: Pick<ExposureRecord, 'key' | 'kind' | 'id'>,
  now: number,
  increment = 1,
): ExposureRecord {
  const day = dayOf(now);
  const sameDay = previous?.day === day;
  const sameSession = previous !== undefined && now - previous.lastAt < SESSION_GAP_MS;
  return {
    key: identity.key,
    kind: identity.kind,
    id: identity.id,
    day,
    dayCount: (sameDay ? previous.dayCount : 0) + increment,
    sessionStart: sameSession ? previous.sessionStart : now,
    sessionCount: (sameSession ? previous.sessionCount : 0) + increment,
    lastAt: increment > 0 || !previous ? now : previous.lastAt,
    total: (previous?.total ?? 0) + increment,
  };
}

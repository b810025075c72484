const DAY_MS = 86_400_000;

/** The factor an interest signal keeps after `elapsedMs`, for a half-life in days. */
export function decayFactor(elapsedMs: number, halfLifeDays: number): number {
  if (elapsedMs <= 0) return 1;
  return 2 ** (-elapsedMs / (halfLifeDays * DAY_MS));
}

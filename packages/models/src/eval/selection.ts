// Which locus-glove-sif variant the build uses. The public-data score of a variant is the mean of its
// taxonomy accuracies (names and documents, each task weighted equally). Differences of a point or two
// are within sampling noise at ~150-330 names per task, so a paired, stratified bootstrap over the
// names decides which variants the best one does not clearly beat; among those, the demo's page↔ad
// separation (same-topic minus cross-topic mean cosine: the shared direction of long pages is the
// weakness being fixed) decides. The demo never overrides a clear public-data difference.
import { xorshift32 } from '../linalg.js';

export const BOOTSTRAP_SAMPLES = 1000;
export const BOOTSTRAP_SEED = 2018;
/** A variant is tied with the best when the best does not beat it in at least this share of resamples. */
export const TIE_LEVEL = 0.05;

export interface Candidate {
  /** Per-item credits (0..1) of each public score, the same items in the same order for every candidate. */
  groups: number[][];
  demoGap: number;
}

export interface Selection {
  /** Mean of the group means, per candidate. */
  scores: number[];
  /** Index of the best public score. */
  best: number;
  /** Share of resamples in which the best candidate does not score higher, per candidate. */
  notBeaten: number[];
  tied: boolean[];
  /** The chosen candidate: the largest demo gap among the tied ones. */
  chosen: number;
}

const score = (groups: number[][], pick: (g: number, i: number) => number) =>
  groups.reduce(
    (sum, items, g) => sum + items.reduce((s, _, i) => s + items[pick(g, i)]!, 0) / items.length,
    0,
  ) / groups.length;

export function selectCandidate(
  candidates: Candidate[],
  samples = BOOTSTRAP_SAMPLES,
  seed = BOOTSTRAP_SEED,
): Selection {
  if (candidates.length === 0) throw new RangeError('no candidates');
  const sizes = candidates[0]!.groups.map((g) => g.length);
  for (const c of candidates) {
    if (c.groups.length !== sizes.length || c.groups.some((g, i) => g.length !== sizes[i])) {
      throw new RangeError('candidates must be scored on the same items');
    }
  }
  const scores = candidates.map((c) => score(c.groups, (_, i) => i));
  const best = scores.indexOf(Math.max(...scores));
  const next = xorshift32(seed);
  const notBeatenCount = new Array<number>(candidates.length).fill(0);
  for (let b = 0; b < samples; b++) {
    const draws = sizes.map((n) => Array.from({ length: n }, () => next() % n));
    const resampled = candidates.map((c) => score(c.groups, (g, i) => draws[g]![i]!));
    resampled.forEach((s, v) => {
      if (resampled[best]! <= s) notBeatenCount[v]!++;
    });
  }
  const notBeaten = notBeatenCount.map((n) => n / samples);
  const tied = notBeaten.map((x) => x >= TIE_LEVEL);
  const chosen = candidates.reduce(
    (keep, c, v) => (tied[v] && c.demoGap > candidates[keep]!.demoGap ? v : keep),
    best,
  );
  return { scores, best, notBeaten, tied, chosen };
}

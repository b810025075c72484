import { cosine } from '../util/vector.js';
import type { Random } from './random.js';

export interface DiversityOptions {
  /** No two ads of the same advertiser on one page (default true). */
  uniqueAdvertisers?: boolean;
  /**
   * Maximal marginal relevance (Carbonell & Goldstein 1998): each next ad maximizes
   * λ·relevance − (1 − λ)·(max cosine to ads already on the page). 1 = relevance only (default).
   */
  mmrLambda?: number;
}

export interface PageItem {
  index: number;
  /** What relevance means here: eCPM or pCTR (after any Thompson draw). */
  score: number;
  advertiser?: string;
  embedding?: Float32Array;
}

export interface PageSelection {
  /** Indices of the page's ads, in slot order. */
  page: number[];
  /** Which of them an epsilon-greedy draw placed. */
  explored: Set<number>;
  /** Left off the page because their advertiser was already on it. */
  sameAdvertiser: number[];
  /** Every index, best score first (ties by index): what follows the page when more is asked. */
  byScore: number[];
}

/**
 * Fills `size` slots greedily under the diversity rules. With `epsilon` > 0, each slot is, with
 * that probability, given to a uniformly drawn eligible ad instead (epsilon-greedy exploration).
 */
export function selectPage(
  items: readonly PageItem[],
  size: number,
  options: DiversityOptions = {},
  epsilon = 0,
  random?: Random,
): PageSelection {
  const unique = options.uniqueAdvertisers ?? true;
  const lambda = Math.min(1, Math.max(0, options.mmrLambda ?? 1));
  let best = 0;
  for (const item of items) best = Math.max(best, item.score);
  const sorted = [...items].sort((a, b) => b.score - a.score || a.index - b.index);
  const taken = new Set<number>();
  const page: PageItem[] = [];
  const explored = new Set<number>();
  const advertisers = new Set<string>();
  const eligible = (item: PageItem) =>
    !taken.has(item.index) && (!unique || item.advertiser === undefined || !advertisers.has(item.advertiser));
  let cursor = 0; // sorted[0..cursor) are taken or ineligible for good (their advertiser is placed)
  while (page.length < size) {
    let chosen: PageItem | undefined;
    if (epsilon > 0 && random && random() < epsilon) {
      const open = sorted.filter(eligible);
      chosen = open[Math.floor(random() * open.length)];
      if (chosen) explored.add(chosen.index);
    } else if (lambda < 1 && page.length > 0) {
      chosen = mostMarginal(sorted.filter(eligible), page, lambda, best);
    } else {
      // Relevance only: the best eligible item is the first one past the cursor. Skipped items
      // stay skipped, as their advertiser is on the page: one pass over the list in total.
      while (cursor < sorted.length && !eligible(sorted[cursor]!)) cursor++;
      chosen = sorted[cursor];
    }
    if (!chosen) break;
    page.push(chosen);
    taken.add(chosen.index);
    if (chosen.advertiser !== undefined) advertisers.add(chosen.advertiser);
  }
  const sameAdvertiser = unique
    ? sorted
        .filter(
          (item) =>
            !taken.has(item.index) && item.advertiser !== undefined && advertisers.has(item.advertiser),
        )
        .map((i) => i.index)
    : [];
  return { page: page.map((i) => i.index), explored, sameAdvertiser, byScore: sorted.map((i) => i.index) };
}

/** The MMR choice: λ·relevance − (1 − λ)·(max cosine to the page). */
function mostMarginal(
  open: PageItem[],
  page: PageItem[],
  lambda: number,
  best: number,
): PageItem | undefined {
  let bestValue = Number.NEGATIVE_INFINITY;
  let chosen: PageItem | undefined;
  for (const item of open) {
    const relevance = best > 0 ? item.score / best : 0;
    let redundancy = 0;
    if (item.embedding) {
      for (const placed of page) {
        if (placed.embedding) redundancy = Math.max(redundancy, cosine(item.embedding, placed.embedding));
      }
    }
    const value = lambda * relevance - (1 - lambda) * redundancy;
    if (value > bestValue) {
      bestValue = value;
      chosen = item;
    }
  }
  return chosen;
}

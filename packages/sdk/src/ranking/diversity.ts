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
  /** Indices in output order: the page's ads in slot order, then (up to `total`) the rest by score. */
  order: number[];
  /** How many of `order` form the page. */
  pageLength: number;
  /** Which of them an epsilon-greedy draw placed. */
  explored: Set<number>;
  /** Left off the page because their advertiser was already on it. */
  sameAdvertiser: number[];
}

const better = (a: PageItem, b: PageItem) => b.score - a.score || a.index - b.index;

/**
 * Items best first, produced lazily from a binary heap: a page of 3 out of 10,000 ads costs
 * O(n + k log n), not a full sort.
 */
class ByScore {
  private readonly heap: PageItem[];
  private sorted: PageItem[] | undefined;

  constructor(items: readonly PageItem[]) {
    this.heap = [...items];
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && better(heap[l]!, heap[top]!) < 0) top = l;
      if (r < heap.length && better(heap[r]!, heap[top]!) < 0) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  }

  /** The best item not yet taken from the heap. */
  next(): PageItem | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Everything left, best first (for the paths that must look at every item). */
  rest(): PageItem[] {
    this.sorted ??= [...this.heap].sort(better);
    return this.sorted;
  }
}

/**
 * Fills `size` slots greedily under the diversity rules, then continues in score order up to
 * `total` items. With `epsilon` > 0, each slot is, with that probability, given to a uniformly
 * drawn eligible ad instead (epsilon-greedy exploration).
 */
export function selectPage(
  items: readonly PageItem[],
  size: number,
  total: number,
  options: DiversityOptions = {},
  epsilon = 0,
  random?: Random,
): PageSelection {
  const unique = options.uniqueAdvertisers ?? true;
  const lambda = Math.min(1, Math.max(0, options.mmrLambda ?? 1));
  const exploring = epsilon > 0 && random !== undefined;
  let best = 0;
  for (const item of items) best = Math.max(best, item.score);
  const order = new ByScore(items);
  const taken = new Set<number>();
  const page: PageItem[] = [];
  const explored = new Set<number>();
  const advertisers = new Set<string>();
  const free = (item: PageItem) => item.advertiser === undefined || !advertisers.has(item.advertiser);
  const eligible = (item: PageItem) => !taken.has(item.index) && (!unique || free(item));
  // Items popped from the heap that could not go on the page; they may still follow it.
  const passed: PageItem[] = [];
  while (page.length < size) {
    let chosen: PageItem | undefined;
    if (exploring && random() < epsilon) {
      const open = [...passed, ...order.rest()].filter(eligible);
      chosen = open[Math.floor(random() * open.length)];
      if (chosen) explored.add(chosen.index);
    } else if (lambda < 1 && page.length > 0) {
      chosen = mostMarginal([...passed, ...order.rest()].filter(eligible), page, lambda, best);
    } else if (exploring || lambda < 1) {
      chosen = [...passed, ...order.rest()].filter(eligible).sort(better)[0];
    } else {
      // Relevance only: pop until an eligible item; what is skipped has its advertiser on the page.
      for (let next = order.next(); next; next = order.next()) {
        if (eligible(next)) {
          chosen = next;
          break;
        }
        passed.push(next);
      }
    }
    if (!chosen) break;
    page.push(chosen);
    taken.add(chosen.index);
    if (chosen.advertiser !== undefined) advertisers.add(chosen.advertiser);
  }
  const indices = page.map((item) => item.index);
  // After the page: the best of what is left, in score order.
  const following = [...passed.filter((item) => !taken.has(item.index))];
  if (exploring || lambda < 1) {
    for (const item of order.rest()) if (!taken.has(item.index)) following.push(item);
  } else {
    while (following.length < total - indices.length) {
      const next = order.next();
      if (!next) break;
      following.push(next);
    }
  }
  following.sort(better);
  for (const item of following) {
    if (indices.length >= total) break;
    indices.push(item.index);
  }
  const sameAdvertiser = unique
    ? items.filter((item) => !taken.has(item.index) && !free(item)).map((item) => item.index)
    : [];
  return { order: indices, pageLength: page.length, explored, sameAdvertiser };
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

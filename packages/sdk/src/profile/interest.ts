import type { InterestState } from './schema.js';

const DAY_MS = 86_400_000;

/** The factor an interest signal keeps after `elapsedMs`, for a half-life in days. */
export function decayFactor(elapsedMs: number, halfLifeDays: number): number {
  if (elapsedMs <= 0) return 1;
  return 2 ** (-elapsedMs / (halfLifeDays * DAY_MS));
}

/**
 * Adds one page view to the interest state: the old evidence decays with time, the new page
 * embedding (unit length) is added with weight 1. Pure: returns a new state.
 */
export function addPageView(
  state: InterestState | undefined,
  page: Float32Array,
  modelId: string,
  now: number,
  halfLifeDays: number,
): InterestState {
  // A different encoder means a different vector space: start again rather than mix spaces.
  if (!state || state.modelId !== modelId || state.vector.length !== page.length) {
    return { modelId, vector: Float32Array.from(page), weight: 1, updatedAt: now, pageViews: 1 };
  }
  const keep = decayFactor(now - state.updatedAt, halfLifeDays);
  const vector = new Float32Array(page.length);
  for (let i = 0; i < page.length; i++) vector[i] = state.vector[i]! * keep + page[i]!;
  return { modelId, vector, weight: state.weight * keep + 1, updatedAt: now, pageViews: state.pageViews + 1 };
}

import { addToClusters, type ClusterOptions, DEFAULT_CLUSTER_OPTIONS } from './clusters.js';
import { decayFactor } from './decay.js';
import type { InterestState } from './schema.js';

export { decayFactor };

export interface PageViewOptions extends Partial<Omit<ClusterOptions, 'halfLifeDays'>> {
  /** How much this evidence counts (1 = one page read; dwell adds fractions of a page). */
  weight?: number;
  /** Whether it is a new page view (dwell reinforcement is not). */
  countsAsView?: boolean;
}

/**
 * Adds one page view to the interest state: the old evidence decays with time, the new page
 * embedding (unit length) is added with `weight`, and the page joins its interest cluster.
 * Pure: returns a new state.
 */
export function addPageView(
  state: InterestState | undefined,
  page: Float32Array,
  modelId: string,
  now: number,
  halfLifeDays: number,
  options: PageViewOptions = {},
): InterestState {
  const weight = options.weight ?? 1;
  const countsAsView = options.countsAsView ?? true;
  const clusterOptions: ClusterOptions = { ...DEFAULT_CLUSTER_OPTIONS, ...options, halfLifeDays };
  // A different encoder means a different vector space: start again rather than mix spaces.
  if (!state || state.modelId !== modelId || state.vector.length !== page.length) {
    return {
      modelId,
      vector: Float32Array.from(page, (x) => x * weight),
      weight,
      updatedAt: now,
      pageViews: countsAsView ? 1 : 0,
      clusters: addToClusters([], page, weight, countsAsView, now, clusterOptions),
    };
  }
  const keep = decayFactor(now - state.updatedAt, halfLifeDays);
  const vector = new Float32Array(page.length);
  for (let i = 0; i < page.length; i++) vector[i] = state.vector[i]! * keep + page[i]! * weight;
  return {
    modelId,
    vector,
    weight: state.weight * keep + weight,
    updatedAt: Math.max(now, state.updatedAt),
    pageViews: state.pageViews + (countsAsView ? 1 : 0),
    clusters: addToClusters(state.clusters, page, weight, countsAsView, now, clusterOptions),
  };
}

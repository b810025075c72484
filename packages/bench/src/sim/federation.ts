import type { RankingMetrics } from '../eval/metrics.js';
import type { LocalUpdate } from './movielens-clients.js';

/** The clients of a simulation and how the global model is judged (MovieLensFederation is one). */
export interface Federation {
  readonly clientCount: number;
  readonly parameterCount: number;
  /** Version 0 of the global model. */
  initialWeights(): Float32Array;
  /** Client `client` trains from `global` on its own data only and returns Δ = w_local − w_global. */
  localUpdate(client: number, global: Float32Array, random: () => number): Promise<LocalUpdate>;
  /** HR@10 / NDCG@10 of `weights` on the held-out test items. */
  evaluate(weights: Float32Array): Promise<RankingMetrics>;
}

/** Id of the global click-through-rate model that the aggregator trains and serves. */
export const CTR_MODEL_ID = 'locus-ctr';

/** Public description of one published version of a global model. */
export interface ModelInfo {
  /** Stable model id, e.g. {@link CTR_MODEL_ID}. */
  modelId: string;
  /** Monotonic version of the global weights: 0 is the initial model, each round publishes v+1. */
  version: number;
  /** Version of the flat weight-vector layout (parameter order and shapes) the weights follow. */
  layoutVersion: number;
  /** When this version was published, ISO 8601 in UTC (e.g. `2025-01-31T12:00:00.000Z`). */
  updatedAt: string;
}

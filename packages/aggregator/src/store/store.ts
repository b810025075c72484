/**
 * Persistence seam of the aggregator. The embedded default is {@link SqliteStore}; a PostgreSQL
 * adapter can implement the same interface, which is why every method is asynchronous.
 */
export interface Store {
  /** Latest published version of the global CTR model (version 0 exists from the first open). */
  currentModel(): Promise<ModelRecord>;
  /** Releases the database; further calls reject. Safe to call twice. */
  close(): Promise<void>;
}

/** One stored version of a global model, without its weights (those can be large). */
export interface ModelRecord {
  modelId: string;
  version: number;
  layoutVersion: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** Whether the row carries weights; version 0 has none (clients start from their built-in init). */
  hasWeights: boolean;
}

/** The store could not be opened or used; `message` is one line, fit for a terminal. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

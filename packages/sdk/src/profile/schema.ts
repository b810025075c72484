import type { DBSchema } from 'idb';
import type { TrackEventType } from '../types.js';

/** The decayed sum of the page embeddings a user read, for one encoder model. */
export interface InterestState {
  modelId: string;
  /** Sum of unit page embeddings, each decayed by 2^(-age / halfLife). */
  vector: Float32Array;
  /** The same decayed sum of 1 per page: how much evidence the vector holds. */
  weight: number;
  updatedAt: number;
  pageViews: number;
}

export interface StoredEvent {
  id?: number;
  type: TrackEventType;
  time: number;
  adId?: string;
  slot?: string;
  value?: number;
}

export interface CachedEmbedding {
  /** `${modelId}|${dtype}|${textHash}` */
  key: string;
  vector: Float32Array;
  createdAt: number;
}

export interface LocusDB extends DBSchema {
  interest: { key: 'main'; value: InterestState };
  events: { key: number; value: StoredEvent; indexes: { byTime: number } };
  embeddings: { key: string; value: CachedEmbedding };
}

export const DB_VERSION = 1;

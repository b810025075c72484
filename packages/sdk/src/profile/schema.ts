import type { DBSchema, StoreNames } from 'idb';
import type { ConsentChoice, TrackEventType } from '../types.js';

/**
 * The on-device database. Every store is listed here with its key and value types, so each
 * read and write is checked by the compiler (idb's DBSchema). The layout changes only through
 * a new entry in `migrations.ts` and a bump of DB_VERSION.
 */

/** One interest centroid: the running mean of the page embeddings assigned to it. */
export interface InterestCluster {
  /** Weighted mean of the (unit) page embeddings assigned to this cluster. */
  centroid: Float32Array;
  /** Decayed count of the pages behind it (same decay as the interest vector). */
  weight: number;
  pageViews: number;
  updatedAt: number;
}

/** The decayed sum of the page embeddings a user read, for one encoder model. */
export interface InterestState {
  modelId: string;
  /** Sum of unit page embeddings, each decayed by 2^(-age / halfLife). */
  vector: Float32Array;
  /** The same decayed sum of 1 per page: how much evidence the vector holds. */
  weight: number;
  updatedAt: number;
  pageViews: number;
  /** A few interest centroids, so two distinct interests are not averaged into neither. */
  clusters: InterestCluster[];
}

export interface StoredEvent {
  id?: number;
  type: TrackEventType;
  time: number;
  /** Hash of the page's origin + path (never the URL itself). */
  urlHash?: string;
  adId?: string;
  slot?: string;
  /** Visible time on the page, for `dwell` events. */
  dwellMs?: number;
  value?: number;
}

/** Text embedding cache (mostly ads): `${modelId}|${dtype}|${textHash}` -> vector. */
export interface CachedEmbedding {
  key: string;
  vector: Float32Array;
  createdAt: number;
}

/** The embedding of a page the user read, by URL: reused when the page is seen or dwelt on again. */
export interface PageRecord {
  /** `${modelId}|${urlHash}` */
  key: string;
  modelId: string;
  urlHash: string;
  textHash: string;
  vector: Float32Array;
  /** Last time the page was read. */
  time: number;
  visits: number;
  /** Total visible time measured on this page. */
  dwellMs: number;
}

export type ExposureKind = 'ad' | 'advertiser';

/** How often one ad (or advertiser) was shown: today and in the current session (frequency caps). */
export interface ExposureRecord {
  /** `${kind}|${id}` */
  key: string;
  kind: ExposureKind;
  id: string;
  /** Local calendar day of `dayCount`, as yyyymmdd. */
  day: number;
  dayCount: number;
  /** A session ends after 30 minutes without an exposure of anything from this ad. */
  sessionStart: number;
  sessionCount: number;
  lastAt: number;
  total: number;
}

/**
 * One impression as a labelled example for the CTR model: label 0 when shown, 1 once clicked.
 * The features are the CTR model's business (its layout may change), so they are optional here.
 */
export interface TrainingExample {
  id?: number;
  adId: string;
  time: number;
  label: 0 | 1;
  slot?: string;
  position?: number;
  features?: Float32Array;
}

/** CTR weights as a flat vector, with the layout and model version that give it meaning. */
export interface ModelWeights {
  modelId: string;
  weights: Float32Array;
  layoutVersion: number;
  modelVersion: number;
  updatedAt: number;
}

/** The explicit choice the page made with `setConsent` (kept only while storage is allowed). */
export interface ConsentRecord {
  key: 'choice';
  choice: ConsentChoice;
  updatedAt: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Small cached measurements, e.g. which backend was fastest for a model in this browser. */
export interface Measurement {
  key: string;
  value: JsonValue;
  updatedAt: number;
}

export interface LocusDB extends DBSchema {
  interest: { key: 'main'; value: InterestState };
  events: { key: number; value: StoredEvent; indexes: { byTime: number } };
  embeddings: { key: string; value: CachedEmbedding; indexes: { byCreated: number } };
  pages: { key: string; value: PageRecord; indexes: { byTime: number } };
  exposures: { key: string; value: ExposureRecord; indexes: { byLast: number } };
  examples: { key: number; value: TrainingExample; indexes: { byTime: number; byAd: string } };
  models: { key: string; value: ModelWeights };
  consent: { key: 'choice'; value: ConsentRecord };
  measurements: { key: string; value: Measurement };
}

export type StoreName = StoreNames<LocusDB>;

export const STORE_NAMES = [
  'interest',
  'events',
  'embeddings',
  'pages',
  'exposures',
  'examples',
  'models',
  'consent',
  'measurements',
] as const satisfies readonly StoreName[];

/** The current layout; `migrations.ts` has one step per version. */
export const DB_VERSION = 2;

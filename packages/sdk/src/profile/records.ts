import type { TrackEventType } from '../types.js';
import type {
  CachedEmbedding,
  ConsentRecord,
  ExposureRecord,
  InterestCluster,
  InterestState,
  Measurement,
  ModelWeights,
  PageRecord,
  StoredEvent,
  TrainingExample,
} from './schema.js';

/**
 * Checks for records read back from IndexedDB. The database outlives this code: another
 * version of Locus, an extension or a half-finished write may have left something unexpected
 * in it, and one bad record must be skipped (and reported), never crash the page.
 */

type Guard<T> = (value: unknown) => value is T;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';
const optional =
  <T>(guard: (v: unknown) => v is T) =>
  (v: unknown): v is T | undefined =>
    v === undefined || guard(v);

export function isFiniteVector(v: unknown, length?: number): v is Float32Array {
  if (!(v instanceof Float32Array) || (length !== undefined && v.length !== length)) return false;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

const TRACK_TYPES: ReadonlySet<string> = new Set<TrackEventType>(['view', 'click', 'conversion', 'dwell']);

/** The v1 interest record (no clusters), as the walking skeleton wrote it. */
export function isInterestStateV1(v: unknown): v is Omit<InterestState, 'clusters'> {
  return (
    isObject(v) &&
    isString(v.modelId) &&
    isFiniteVector(v.vector) &&
    v.vector.length > 0 &&
    isFiniteNumber(v.weight) &&
    v.weight >= 0 &&
    isFiniteNumber(v.updatedAt) &&
    isCount(v.pageViews)
  );
}

function isCluster(v: unknown, dim: number): v is InterestCluster {
  return (
    isObject(v) &&
    isFiniteVector(v.centroid, dim) &&
    isFiniteNumber(v.weight) &&
    v.weight >= 0 &&
    isCount(v.pageViews) &&
    isFiniteNumber(v.updatedAt)
  );
}

export const isInterestState: Guard<InterestState> = (v): v is InterestState =>
  isInterestStateV1(v) &&
  Array.isArray((v as InterestState).clusters) &&
  (v as InterestState).clusters.every((c) => isCluster(c, (v as InterestState).vector.length));

export const isStoredEvent: Guard<StoredEvent> = (v): v is StoredEvent =>
  isObject(v) &&
  isString(v.type) &&
  TRACK_TYPES.has(v.type) &&
  isFiniteNumber(v.time) &&
  optional(isString)(v.urlHash) &&
  optional(isString)(v.adId) &&
  optional(isString)(v.slot) &&
  optional(isFiniteNumber)(v.dwellMs) &&
  optional(isFiniteNumber)(v.value);

export const isCachedEmbedding: Guard<CachedEmbedding> = (v): v is CachedEmbedding =>
  isObject(v) && isString(v.key) && isFiniteVector(v.vector) && isFiniteNumber(v.createdAt);

export const isPageRecord: Guard<PageRecord> = (v): v is PageRecord =>
  isObject(v) &&
  isString(v.key) &&
  isString(v.modelId) &&
  isString(v.urlHash) &&
  isString(v.textHash) &&
  isFiniteVector(v.vector) &&
  isFiniteNumber(v.time) &&
  isCount(v.visits) &&
  isFiniteNumber(v.dwellMs);

export const isExposureRecord: Guard<ExposureRecord> = (v): v is ExposureRecord =>
  isObject(v) &&
  isString(v.key) &&
  (v.kind === 'ad' || v.kind === 'advertiser') &&
  isString(v.id) &&
  isCount(v.day) &&
  isCount(v.dayCount) &&
  isFiniteNumber(v.sessionStart) &&
  isCount(v.sessionCount) &&
  isFiniteNumber(v.lastAt) &&
  isCount(v.total);

export const isTrainingExample: Guard<TrainingExample> = (v): v is TrainingExample =>
  isObject(v) &&
  isString(v.adId) &&
  isFiniteNumber(v.time) &&
  (v.label === 0 || v.label === 1) &&
  optional(isString)(v.slot) &&
  optional(isFiniteNumber)(v.position) &&
  (v.features === undefined || isFiniteVector(v.features));

export const isModelWeights: Guard<ModelWeights> = (v): v is ModelWeights =>
  isObject(v) &&
  isString(v.modelId) &&
  isFiniteVector(v.weights) &&
  isCount(v.layoutVersion) &&
  isCount(v.modelVersion) &&
  isFiniteNumber(v.updatedAt);

export const isConsentRecord: Guard<ConsentRecord> = (v): v is ConsentRecord =>
  isObject(v) &&
  v.key === 'choice' &&
  isObject(v.choice) &&
  Object.values(v.choice).every((x) => x === undefined || typeof x === 'boolean') &&
  isFiniteNumber(v.updatedAt);

export const isMeasurement: Guard<Measurement> = (v): v is Measurement =>
  isObject(v) && isString(v.key) && isFiniteNumber(v.updatedAt) && 'value' in v;

/**
 * Approximate payload bytes of a record as stored: typed arrays by their byte length, strings
 * by length, numbers as 8 bytes. The browser's own overhead (keys, indexes, compression) is not
 * in here; `navigator.storage.estimate()` reports that side.
 */
export function recordBytes(value: unknown): number {
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return value.length;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + recordBytes(item), 0);
  if (isObject(value)) {
    let sum = 0;
    for (const [key, item] of Object.entries(value))
      if (item !== undefined) sum += key.length + recordBytes(item);
    return sum;
  }
  return 0;
}

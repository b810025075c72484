import type { ProfileExport, StorageUsage } from '../types.js';
import {
  isCachedEmbedding,
  isConsentRecord,
  isExposureRecord,
  isInterestState,
  isMeasurement,
  isModelWeights,
  isPageRecord,
  isStoredEvent,
  isTrainingExample,
  recordBytes,
} from './records.js';
import { DB_VERSION, STORE_NAMES, type StoreName } from './schema.js';

type Dump = { [S in StoreName]: unknown[] };

const list = (v: Float32Array): number[] => Array.from(v);

/** An export of a device with nothing stored. */
export function emptyExport(now = Date.now()): ProfileExport {
  return {
    format: 'locus-profile',
    version: DB_VERSION,
    exportedAt: now,
    consent: null,
    interest: null,
    events: [],
    pages: [],
    exposures: [],
    examples: [],
    models: [],
    measurements: [],
    embeddings: [],
  };
}

/**
 * Turns a snapshot of every store into JSON: typed arrays become number arrays, internal keys
 * are dropped, unreadable records are skipped and counted (the caller reports them).
 */
export function toExport(
  dump: Dump,
  now = Date.now(),
): { data: ProfileExport; skipped: Record<string, number> } {
  const skipped: Record<string, number> = {};
  const valid = <T>(store: StoreName, guard: (v: unknown) => v is T): T[] => {
    const rows = dump[store].filter(guard);
    if (rows.length < dump[store].length) skipped[store] = dump[store].length - rows.length;
    return rows;
  };
  const data = emptyExport(now);
  const [consent] = valid('consent', isConsentRecord);
  if (consent) data.consent = { choice: { ...consent.choice }, updatedAt: consent.updatedAt };
  const [interest] = valid('interest', isInterestState);
  if (interest) {
    data.interest = {
      vector: list(interest.vector),
      weight: interest.weight,
      updatedAt: interest.updatedAt,
      pageViews: interest.pageViews,
      modelId: interest.modelId,
      clusters: interest.clusters.map((c) => ({ ...c, centroid: list(c.centroid) })),
    };
  }
  data.events = valid('events', isStoredEvent)
    .sort((a, b) => a.time - b.time || (a.id ?? 0) - (b.id ?? 0))
    .map(({ id: _id, ...event }) => event);
  data.pages = valid('pages', isPageRecord).map(({ key: _key, vector, ...page }) => ({
    ...page,
    vector: list(vector),
  }));
  data.exposures = valid('exposures', isExposureRecord).map(({ key: _key, ...exposure }) => exposure);
  data.examples = valid('examples', isTrainingExample).map(({ id: _id, features, ...example }) =>
    features ? { ...example, features: list(features) } : example,
  );
  data.models = valid('models', isModelWeights).map(({ weights, ...model }) => ({
    ...model,
    weights: list(weights),
  }));
  data.measurements = valid('measurements', isMeasurement).map(({ key, value, updatedAt }) => ({
    key,
    value,
    updatedAt,
  }));
  data.embeddings = valid('embeddings', isCachedEmbedding).map(({ vector, ...row }) => ({
    ...row,
    vector: list(vector),
  }));
  return { data, skipped };
}

/** Records and payload bytes per store (see `recordBytes` for what is counted). */
export function usageOf(dump: Dump): StorageUsage {
  const stores: StorageUsage['stores'] = {};
  let bytes = 0;
  for (const name of STORE_NAMES) {
    const rows = dump[name];
    const size = rows.reduce((sum: number, row) => sum + recordBytes(row), 0);
    stores[name] = { records: rows.length, bytes: size };
    bytes += size;
  }
  return { bytes, stores };
}

/** Whether an export holds nothing at all (what `clear()` must leave behind). */
export function isEmptyExport(data: ProfileExport): boolean {
  return (
    data.consent === null &&
    data.interest === null &&
    [
      data.events,
      data.pages,
      data.exposures,
      data.examples,
      data.models,
      data.measurements,
      data.embeddings,
    ].every((rows) => rows.length === 0)
  );
}

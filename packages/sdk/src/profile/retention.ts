import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { LocusDB, StoreName } from './schema.js';

const DAY_MS = 86_400_000;

export interface StoreLimits {
  /** Events, training examples, pages and exposures older than this are deleted. */
  retentionDays: number;
  /** The most events kept; the oldest go first. */
  maxEvents: number;
  /** The most cached text embeddings kept; the oldest go first. */
  maxEmbeddings: number;
  /** The most page embeddings kept; the least recently read go first. */
  maxPages: number;
  /** The most training examples kept; the oldest go first. */
  maxExamples: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  retentionDays: 90,
  maxEvents: 10_000,
  maxEmbeddings: 5_000,
  maxPages: 500,
  maxExamples: 5_000,
};

type TimeIndexed = 'events' | 'pages' | 'examples' | 'embeddings' | 'exposures';
const TIME_INDEX = {
  events: 'byTime',
  pages: 'byTime',
  examples: 'byTime',
  embeddings: 'byCreated',
  exposures: 'byLast',
} as const;

type Tx<Stores extends StoreName[]> = IDBPTransaction<LocusDB, Stores, 'readwrite'>;

/** Deletes the `count` oldest records of a store (by its time index). Returns how many went. */
export async function deleteOldest<Stores extends StoreName[], S extends TimeIndexed & Stores[number]>(
  tx: Tx<Stores>,
  store: S,
  count: number,
): Promise<number> {
  if (count <= 0) return 0;
  const index = tx.objectStore(store).index(TIME_INDEX[store] as never);
  let deleted = 0;
  for (let cursor = await index.openCursor(); cursor && deleted < count; cursor = await cursor.continue()) {
    await cursor.delete();
    deleted++;
  }
  return deleted;
}

/** Keeps at most `max` records in a store, deleting the oldest. */
export async function trimTo<Stores extends StoreName[], S extends TimeIndexed & Stores[number]>(
  tx: Tx<Stores>,
  store: S,
  max: number,
): Promise<number> {
  const count = await tx.objectStore(store).count();
  return deleteOldest(tx, store, count - max);
}

/** Deletes the records of a store older than `cutoff` (by its time index). */
export async function deleteBefore<Stores extends StoreName[], S extends TimeIndexed & Stores[number]>(
  tx: Tx<Stores>,
  store: S,
  cutoff: number,
): Promise<number> {
  const index = tx.objectStore(store).index(TIME_INDEX[store] as never);
  let deleted = 0;
  const range = IDBKeyRange.upperBound(cutoff, true);
  for (let cursor = await index.openCursor(range); cursor; cursor = await cursor.continue()) {
    await cursor.delete();
    deleted++;
  }
  return deleted;
}

export interface SweepResult {
  deleted: number;
  /** Whether the interest state itself was older than the retention period (and deleted). */
  interestExpired: boolean;
}

/**
 * Enforces retention and size limits in one transaction: records older than the retention
 * period go, then each store is trimmed to its maximum, oldest first. Idempotent, so two tabs
 * sweeping one after the other is harmless.
 */
export async function sweep(
  db: IDBPDatabase<LocusDB>,
  limits: StoreLimits,
  now: number,
): Promise<SweepResult> {
  const stores = ['interest', 'events', 'pages', 'examples', 'embeddings', 'exposures'] as const;
  const tx = db.transaction([...stores], 'readwrite');
  const cutoff = now - limits.retentionDays * DAY_MS;
  let deleted = 0;
  for (const store of ['events', 'pages', 'examples', 'embeddings', 'exposures'] as const) {
    deleted += await deleteBefore(tx, store, cutoff);
  }
  deleted += await trimTo(tx, 'events', limits.maxEvents);
  deleted += await trimTo(tx, 'examples', limits.maxExamples);
  deleted += await trimTo(tx, 'pages', limits.maxPages);
  deleted += await trimTo(tx, 'embeddings', limits.maxEmbeddings);

  // The interest state is one decayed record: past the retention period all its evidence is.
  const interest = tx.objectStore('interest');
  const state = await interest.get('main');
  let interestExpired = false;
  if (state && typeof state.updatedAt === 'number' && state.updatedAt < cutoff) {
    await interest.delete('main');
    interestExpired = true;
  }
  await tx.done;
  return { deleted, interestExpired };
}

/**
 * What to give up when the browser says the origin's quota is full, in order: first the caches
 * (they can be recomputed), then the oldest half of the events and examples. Each step returns
 * how many records it freed; a step that frees nothing is skipped.
 */
export const QUOTA_RELIEF: { name: string; run(db: IDBPDatabase<LocusDB>): Promise<number> }[] = [
  {
    name: 'cached embeddings',
    async run(db) {
      const tx = db.transaction(['embeddings', 'pages'], 'readwrite');
      const freed = (await tx.objectStore('embeddings').count()) + (await tx.objectStore('pages').count());
      await Promise.all([tx.objectStore('embeddings').clear(), tx.objectStore('pages').clear()]);
      await tx.done;
      return freed;
    },
  },
  {
    name: 'the oldest half of the events',
    async run(db) {
      const tx = db.transaction(['events', 'examples'], 'readwrite');
      const events = await tx.objectStore('events').count();
      const examples = await tx.objectStore('examples').count();
      const freed =
        (await deleteOldest(tx, 'events', Math.ceil(events / 2))) +
        (await deleteOldest(tx, 'examples', Math.ceil(examples / 2)));
      await tx.done;
      return freed;
    },
  },
];

export function isQuotaError(err: unknown): boolean {
  let e = err as { name?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (e.name === 'QuotaExceededError') return true;
  }
  return false;
}

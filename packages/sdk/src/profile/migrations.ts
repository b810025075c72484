import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { isInterestStateV1 } from './records.js';
import { DB_VERSION, type InterestState, type LocusDB } from './schema.js';

type UpgradeTransaction = IDBPTransaction<LocusDB, StoreNames<LocusDB>[], 'versionchange'>;

export interface MigrationContext {
  db: IDBPDatabase<LocusDB>;
  tx: UpgradeTransaction;
  /** Something was wrong with an old record: it was skipped, and the page is told why. */
  skipped(message: string): void;
}

/**
 * One step per database version: MIGRATIONS[n] takes a database at version n to n + 1.
 * A shipped step never changes (databases in the wild were made by it); a new layout is a new
 * step. Steps run inside the versionchange transaction, so a failing step aborts the upgrade
 * and leaves the old database as it was.
 */
export const MIGRATIONS: ((context: MigrationContext) => Promise<void>)[] = [
  // v1: the walking skeleton's profile.
  async ({ db }) => {
    db.createObjectStore('interest');
    db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('byTime', 'time');
    db.createObjectStore('embeddings', { keyPath: 'key' });
  },

  // v2: caches with eviction, exposures, training examples, model weights, consent, measurements;
  // the interest state gains clusters (an existing profile becomes its first cluster).
  async ({ db, tx, skipped }) => {
    tx.objectStore('embeddings').createIndex('byCreated', 'createdAt');
    db.createObjectStore('pages', { keyPath: 'key' }).createIndex('byTime', 'time');
    db.createObjectStore('exposures', { keyPath: 'key' }).createIndex('byLast', 'lastAt');
    const examples = db.createObjectStore('examples', { keyPath: 'id', autoIncrement: true });
    examples.createIndex('byTime', 'time');
    examples.createIndex('byAd', 'adId');
    db.createObjectStore('models', { keyPath: 'modelId' });
    db.createObjectStore('consent', { keyPath: 'key' });
    db.createObjectStore('measurements', { keyPath: 'key' });

    const interest = tx.objectStore('interest');
    const old: unknown = await interest.get('main');
    if (old === undefined) return;
    if (!isInterestStateV1(old)) {
      await interest.delete('main');
      skipped('an unreadable interest record from version 1 was dropped during the upgrade');
      return;
    }
    const centroid = Float32Array.from(old.vector, (x) => (old.weight > 0 ? x / old.weight : 0));
    const migrated: InterestState = {
      ...old,
      clusters:
        old.weight > 0
          ? [{ centroid, weight: old.weight, pageViews: old.pageViews, updatedAt: old.updatedAt }]
          : [],
    };
    await interest.put(migrated, 'main');
  },
];

if (MIGRATIONS.length !== DB_VERSION) throw new Error('every database version needs its migration step');

/** Runs the steps from `oldVersion` up to `newVersion` in order. */
export async function migrate(
  context: MigrationContext,
  oldVersion: number,
  newVersion: number,
): Promise<void> {
  for (let version = oldVersion; version < newVersion; version++) await MIGRATIONS[version]!(context);
}

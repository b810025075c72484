import { type IDBPDatabase, openDB } from 'idb';
import { LocusError } from '../errors.js';
import type { ProfileExport } from '../types.js';
import { addPageView } from './interest.js';
import {
  type CachedEmbedding,
  DB_VERSION,
  type InterestState,
  type LocusDB,
  type StoredEvent,
} from './schema.js';

/** The on-device profile: interests, events and the embedding cache, in IndexedDB. */
export class ProfileStore {
  private constructor(
    private readonly db: IDBPDatabase<LocusDB>,
    readonly dbName: string,
  ) {}

  /** Opens (and creates or migrates) the database; a typed error says why it cannot. */
  static async open(dbName: string): Promise<ProfileStore> {
    if (typeof indexedDB === 'undefined' || !indexedDB)
      throw new LocusError('storage-unavailable', 'IndexedDB is not available in this browser');
    try {
      const db = await openDB<LocusDB>(dbName, DB_VERSION, {
        upgrade(database, oldVersion) {
          if (oldVersion < 1) {
            database.createObjectStore('interest');
            database
              .createObjectStore('events', { keyPath: 'id', autoIncrement: true })
              .createIndex('byTime', 'time');
            database.createObjectStore('embeddings', { keyPath: 'key' });
          }
        },
        // A newer tab wants to upgrade: step aside instead of blocking it.
        blocking() {
          db.close();
        },
      });
      return new ProfileStore(db, dbName);
    } catch (err) {
      throw new LocusError('storage-unavailable', `IndexedDB "${dbName}" could not be opened`, {
        cause: err,
      });
    }
  }

  async interest(): Promise<InterestState | undefined> {
    return this.db.get('interest', 'main');
  }

  /** Read-modify-write in one transaction, so two writers cannot lose a page view. */
  async addPageView(
    page: Float32Array,
    modelId: string,
    now: number,
    halfLifeDays: number,
  ): Promise<InterestState> {
    const tx = this.db.transaction('interest', 'readwrite');
    const next = addPageView(await tx.store.get('main'), page, modelId, now, halfLifeDays);
    await tx.store.put(next, 'main');
    await tx.done;
    return next;
  }

  async addEvent(event: StoredEvent): Promise<void> {
    await this.db.add('events', event);
  }

  async countEvents(): Promise<number> {
    return this.db.count('events');
  }

  async cachedEmbeddings(keys: string[]): Promise<(Float32Array | undefined)[]> {
    const tx = this.db.transaction('embeddings');
    const rows = await Promise.all(keys.map((key) => tx.store.get(key)));
    await tx.done;
    return rows.map((row) => row?.vector);
  }

  async cacheEmbeddings(rows: CachedEmbedding[]): Promise<void> {
    const tx = this.db.transaction('embeddings', 'readwrite');
    await Promise.all([...rows.map((row) => tx.store.put(row)), tx.done]);
  }

  async export(): Promise<ProfileExport> {
    const tx = this.db.transaction(['interest', 'events']);
    const [interest, events] = await Promise.all([
      tx.objectStore('interest').get('main'),
      tx.objectStore('events').getAll(),
    ]);
    await tx.done;
    return {
      interest: interest
        ? {
            vector: Array.from(interest.vector),
            weight: interest.weight,
            updatedAt: interest.updatedAt,
            pageViews: interest.pageViews,
            modelId: interest.modelId,
          }
        : null,
      events: events.map(({ id: _id, ...event }) => event),
    };
  }

  /** Deletes everything Locus stored: the profile, the events and the caches. */
  async clear(): Promise<void> {
    const tx = this.db.transaction(['interest', 'events', 'embeddings'], 'readwrite');
    await Promise.all([
      tx.objectStore('interest').clear(),
      tx.objectStore('events').clear(),
      tx.objectStore('embeddings').clear(),
      tx.done,
    ]);
  }

  close(): void {
    this.db.close();
  }
}

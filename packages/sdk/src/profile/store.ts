import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { LocusError } from '../errors.js';
import { Connection, type ConnectionStatus } from './connection.js';
import { nextExposure } from './exposure.js';
import { createWriteLock, type WriteLock } from './locks.js';
import {
  isCachedEmbedding,
  isConsentRecord,
  isInterestState,
  isModelWeights,
  isPageRecord,
  isStoredEvent,
} from './records.js';
import {
  DEFAULT_LIMITS,
  isQuotaError,
  QUOTA_RELIEF,
  type StoreLimits,
  type SweepResult,
  sweep,
  trimTo,
} from './retention.js';
import {
  type CachedEmbedding,
  type ConsentRecord,
  type ExposureRecord,
  type InterestState,
  type JsonValue,
  type LocusDB,
  type ModelWeights,
  type PageRecord,
  STORE_NAMES,
  type StoredEvent,
  type StoreName,
  type TrainingExample,
} from './schema.js';

/**
 * What a write is for; consent decides per purpose whether it may happen. `necessary` is the
 * user's consent choice itself: remembering a refusal is what makes it last.
 */
export type WritePurpose = 'storage' | 'profiling' | 'measurement' | 'necessary';

/** The purposes consent decides on. */
export type GatedPurpose = Exclude<WritePurpose, 'necessary'>;

/** The stores holding each purpose's data: what a withdrawal of that purpose deletes. */
export const STORES_OF: Record<GatedPurpose, readonly StoreName[]> = {
  storage: STORE_NAMES.filter((name) => name !== 'consent'),
  // Page embeddings and the text cache reveal what was read; local model weights were trained on it.
  profiling: ['interest', 'pages', 'examples', 'embeddings', 'models'],
  measurement: ['events', 'exposures'],
};

export interface ProfileStoreOptions {
  /** Non-fatal problems: skipped records, blocked upgrades, quota relief that did not help. */
  report: (error: LocusError) => void;
  /** Consent: whether a write for this purpose may happen now. Checked inside the write lock. */
  allows?: (purpose: GatedPurpose) => boolean;
  limits?: Partial<StoreLimits>;
  blockedGraceMs?: number;
  /** Serializes writes; defaults to a Web Lock named after the database. */
  lock?: WriteLock;
}

type ReadWrite<S extends StoreName[]> = IDBPTransaction<LocusDB, S, 'readwrite'>;

/**
 * The interest update a caller computes from the stored state (pure, so it can be retried);
 * undefined writes nothing.
 */
export type InterestUpdate = (
  state: InterestState | undefined,
  page: PageRecord | undefined,
) => { state: InterestState; page: PageRecord } | undefined;

/**
 * The on-device profile in IndexedDB, one typed method per operation. Every write is
 * serialized by a cross-tab lock, checked against consent, and atomic: an aborted transaction
 * leaves nothing half-written. Records read back are validated; a bad one is skipped and
 * reported, never returned.
 */
export class ProfileStore {
  readonly limits: StoreLimits;
  private readonly lock: WriteLock;
  private readonly channel: BroadcastChannel | undefined;
  private readonly remoteListeners = new Set<(stores: StoreName[]) => void>();
  private readonly reportedCorrupt = new Set<StoreName>();
  /**
   * The interest state as last read or written: every ranking needs it, and reading it back from
   * IndexedDB (a structured clone of its vectors) cost about half a millisecond per ranking.
   * Dropped once a write of this tab or another one to the interest store has committed (a read
   * that began before the commit may still see the old state, as IndexedDB would give it).
   */
  private interestMemo: Promise<InterestState | undefined> | undefined;

  private constructor(
    private readonly connection: Connection,
    readonly dbName: string,
    private readonly options: ProfileStoreOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.lock = options.lock ?? createWriteLock(`locus:${dbName}`);
    // Other tabs learn that the profile changed (their counts and summaries go stale).
    this.channel =
      typeof BroadcastChannel === 'function' ? new BroadcastChannel(`locus:${dbName}`) : undefined;
    (this.channel as { unref?: () => void } | undefined)?.unref?.();
    this.channel?.addEventListener('message', (event: MessageEvent<{ stores?: StoreName[] }>) => {
      const stores = event.data?.stores ?? [...STORE_NAMES];
      this.forgetInterestIfIn(stores);
      for (const listener of this.remoteListeners) listener(stores);
    });
  }

  /** Opens (creating or migrating) the database; rejects with a typed error when it cannot. */
  static async open(
    dbName: string,
    options: ProfileStoreOptions = { report: () => {} },
  ): Promise<ProfileStore> {
    const connection = await Connection.open(dbName, {
      report: options.report,
      blockedGraceMs: options.blockedGraceMs,
    });
    return new ProfileStore(connection, dbName, options);
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** Called when another tab wrote to the profile. */
  onRemoteChange(listener: (stores: StoreName[]) => void): () => void {
    this.remoteListeners.add(listener);
    return () => this.remoteListeners.delete(listener);
  }

  private db(): Promise<IDBPDatabase<LocusDB>> {
    return this.connection.get();
  }

  private allows(purpose: WritePurpose): boolean {
    return purpose === 'necessary' || (this.options.allows?.(purpose) ?? true);
  }

  /** Reports unreadable records once per store (a bad record is read again on every call until replaced). */
  private corrupt(store: StoreName, count: number): void {
    if (count === 0 || this.reportedCorrupt.has(store)) return;
    this.reportedCorrupt.add(store);
    this.options.report(
      new LocusError('storage-corrupt-record', `${count} unreadable record(s) in "${store}" were skipped`),
    );
  }

  /**
   * Runs `task` in one readwrite transaction under the write lock. Without consent for
   * `purpose` it writes nothing and resolves undefined. When the quota is full it frees space
   * (caches first, then the oldest events) and retries; when nothing helps it reports and
   * rejects with `storage-quota`.
   */
  private write<S extends StoreName[], T>(
    purpose: WritePurpose,
    stores: S,
    task: (tx: ReadWrite<S>) => Promise<T>,
  ): Promise<T | undefined> {
    return this.lock(async () => {
      if (!this.allows(purpose)) return undefined;
      // A cache never pushes out the user's events: for it, only the caches are given up.
      const isCache = stores.every((name) => name === 'embeddings' || name === 'measurements');
      const relief = isCache ? QUOTA_RELIEF.slice(0, 1) : [...QUOTA_RELIEF];
      for (;;) {
        const db = await this.db();
        const tx = db.transaction(stores, 'readwrite');
        tx.done.catch(() => {}); // observed below; an abort must not become an unhandled rejection
        try {
          const result = await task(tx);
          await tx.done;
          this.committed(stores);
          return result;
        } catch (err) {
          abortQuietly(tx);
          if (!isQuotaError(err)) throw err;
          if (!(await this.relieveQuota(db, relief))) {
            const error = new LocusError(
              'storage-quota',
              isCache
                ? 'the storage quota is full even after evicting the caches; the cache write was dropped'
                : 'the storage quota is full even after evicting the caches and the oldest events; the write was dropped',
              { cause: err },
            );
            this.options.report(error);
            throw error;
          }
        }
      }
    });
  }

  private async relieveQuota(db: IDBPDatabase<LocusDB>, steps: typeof QUOTA_RELIEF): Promise<boolean> {
    while (steps.length > 0) {
      const step = steps.shift()!;
      if ((await step.run(db)) > 0) return true;
    }
    return false;
  }

  // ---- interest and pages -------------------------------------------------------------------

  /** After a committed write: what this tab kept goes, and the other tabs hear of it. */
  private committed(stores: readonly StoreName[]): void {
    this.forgetInterestIfIn(stores);
    this.channel?.postMessage({ stores });
  }

  private forgetInterestIfIn(stores: readonly StoreName[]): void {
    if (stores.includes('interest')) this.interestMemo = undefined;
  }

  /** The interest state (shared with other callers: read it, never change it in place). */
  interest(): Promise<InterestState | undefined> {
    if (!this.interestMemo) {
      const read = this.readInterest();
      this.interestMemo = read;
      read.catch(() => {
        if (this.interestMemo === read) this.interestMemo = undefined; // retry on the next call
      });
    }
    return this.interestMemo;
  }

  private async readInterest(): Promise<InterestState | undefined> {
    const state: unknown = await (await this.db()).get('interest', 'main');
    if (state === undefined) return undefined;
    if (isInterestState(state)) return state;
    this.corrupt('interest', 1);
    return undefined;
  }

  async page(key: string): Promise<PageRecord | undefined> {
    const record: unknown = await (await this.db()).get('pages', key);
    return isPageRecord(record) ? record : undefined;
  }

  /**
   * Read-modify-write of the interest state and one page record in a single transaction, so
   * two tabs cannot lose an update and an abort leaves both as they were.
   */
  async updateInterest(pageKey: string, update: InterestUpdate): Promise<InterestState | undefined> {
    return this.write('profiling', ['interest', 'pages'], async (tx) => {
      const stored: unknown = await tx.objectStore('interest').get('main');
      if (stored !== undefined && !isInterestState(stored)) this.corrupt('interest', 1);
      const storedPage: unknown = await tx.objectStore('pages').get(pageKey);
      const next = update(
        isInterestState(stored) ? stored : undefined,
        isPageRecord(storedPage) ? storedPage : undefined,
      );
      if (!next) return undefined;
      await tx.objectStore('interest').put(next.state, 'main');
      await tx.objectStore('pages').put(next.page);
      return next.state;
    });
  }

  // ---- events -------------------------------------------------------------------------------

  /** Adds an event and keeps at most `maxEvents`, deleting the oldest. */
  async addEvent(event: StoredEvent): Promise<boolean> {
    const written = await this.write('measurement', ['events'], async (tx) => {
      await tx.objectStore('events').add(event);
      await trimTo(tx, 'events', this.limits.maxEvents);
      return true;
    });
    return written ?? false;
  }

  async countEvents(): Promise<number> {
    return (await this.db()).count('events');
  }

  /** All readable events, oldest first. (Read from the store, not the time index: a record without a valid time is not in the index, but must still be seen and reported.) */
  async events(): Promise<StoredEvent[]> {
    const rows: unknown[] = await (await this.db()).getAll('events');
    const events = rows.filter(isStoredEvent).sort((a, b) => a.time - b.time || (a.id ?? 0) - (b.id ?? 0));
    this.corrupt('events', rows.length - events.length);
    return events;
  }

  // ---- exposures (frequency caps) -----------------------------------------------------------

  /** Counts one impression of an ad (and its advertiser) for today and the current session. */
  async recordExposure(adId: string, advertiser: string | undefined, now: number): Promise<void> {
    await this.write('measurement', ['exposures'], async (tx) => {
      const keys = [['ad', adId] as const, ...(advertiser ? [['advertiser', advertiser] as const] : [])];
      for (const [kind, id] of keys) {
        const key = `${kind}|${id}`;
        await tx
          .objectStore('exposures')
          .put(nextExposure(await tx.objectStore('exposures').get(key), { key, kind, id }, now));
      }
    });
  }

  /** Exposure counts of these ads (or advertisers) today and in the current session. */
  async exposures(kind: ExposureRecord['kind'], ids: string[], now: number) {
    const tx = (await this.db()).transaction('exposures');
    const rows = await Promise.all(ids.map((id) => tx.store.get(`${kind}|${id}`)));
    await tx.done;
    return ids.map((id, i) => {
      const row = rows[i];
      const current = row ? nextExposure(row, row, now, 0) : undefined;
      return {
        id,
        today: current?.dayCount ?? 0,
        session: current?.sessionCount ?? 0,
        total: current?.total ?? 0,
        ...(current ? { lastAt: current.lastAt } : {}),
      };
    });
  }

  // ---- training examples --------------------------------------------------------------------

  async addExample(example: TrainingExample): Promise<void> {
    await this.write('profiling', ['examples'], async (tx) => {
      await tx.objectStore('examples').add(example);
    });
  }

  /** Labels the latest impression of `adId` (within `withinMs`) as clicked, or adds a clicked example. */
  async labelClick(adId: string, now: number, withinMs = 86_400_000, slot?: string): Promise<void> {
    await this.write('profiling', ['examples'], async (tx) => {
      const range = IDBKeyRange.only(adId);
      for (
        let cursor = await tx.objectStore('examples').index('byAd').openCursor(range, 'prev');
        cursor;
        cursor = await cursor.continue()
      ) {
        const example = cursor.value;
        if (example.time < now - withinMs) break;
        if (example.label === 0) {
          await cursor.update({ ...example, label: 1 });
          return;
        }
      }
      await tx.objectStore('examples').add({ adId, time: now, label: 1, ...(slot ? { slot } : {}) });
    });
  }

  async examples(): Promise<TrainingExample[]> {
    return (await this.db()).getAllFromIndex('examples', 'byTime');
  }

  // ---- caches -------------------------------------------------------------------------------

  /** Cached text embeddings by key; a missing or unreadable entry is `undefined`. */
  async cachedEmbeddings(keys: string[]): Promise<(Float32Array | undefined)[]> {
    const tx = (await this.db()).transaction('embeddings');
    const rows: unknown[] = await Promise.all(keys.map((key) => tx.store.get(key)));
    await tx.done;
    this.corrupt('embeddings', rows.filter((row) => row !== undefined && !isCachedEmbedding(row)).length);
    return rows.map((row) => (isCachedEmbedding(row) ? row.vector : undefined));
  }

  /** Caches text embeddings, keeping at most `maxEmbeddings` (the oldest go). A cache: skipped silently without consent. */
  async cacheEmbeddings(rows: CachedEmbedding[]): Promise<void> {
    await this.write('storage', ['embeddings'], async (tx) => {
      for (const row of rows) await tx.objectStore('embeddings').put(row);
      await trimTo(tx, 'embeddings', this.limits.maxEmbeddings);
    });
  }

  // ---- model weights, measurements, consent -------------------------------------------------

  async saveModelWeights(weights: ModelWeights): Promise<void> {
    await this.write('profiling', ['models'], async (tx) => {
      await tx.objectStore('models').put(weights);
    });
  }

  async modelWeights(modelId: string): Promise<ModelWeights | undefined> {
    const row: unknown = await (await this.db()).get('models', modelId);
    return isModelWeights(row) ? row : undefined;
  }

  async setMeasurement(key: string, value: JsonValue, now = Date.now()): Promise<void> {
    await this.write('storage', ['measurements'], async (tx) => {
      await tx.objectStore('measurements').put({ key, value, updatedAt: now });
    });
  }

  async measurement(key: string): Promise<JsonValue | undefined> {
    return (await (await this.db()).get('measurements', key))?.value;
  }

  async consentRecord(): Promise<ConsentRecord | undefined> {
    const row: unknown = await (await this.db()).get('consent', 'choice');
    if (row !== undefined && !isConsentRecord(row)) this.corrupt('consent', 1);
    return isConsentRecord(row) ? row : undefined;
  }

  async saveConsentRecord(record: ConsentRecord): Promise<void> {
    await this.write('necessary', ['consent'], async (tx) => {
      await tx.objectStore('consent').put(record);
    });
  }

  // ---- retention, deletion, export ----------------------------------------------------------

  /** Deletes what is past the retention period or over the size limits (oldest first). */
  async sweep(now = Date.now()): Promise<SweepResult> {
    return this.lock(async () => {
      const result = await sweep(await this.db(), this.limits, now);
      this.forgetInterestIfIn(['interest']); // it may have expired the interest state
      return result;
    });
  }

  /** Deletes the given stores (all of them by default). Never gated: deleting is always allowed. */
  async clear(stores: readonly StoreName[] = STORE_NAMES): Promise<void> {
    await this.lock(async () => {
      const tx = (await this.db()).transaction([...stores], 'readwrite');
      await Promise.all([...stores.map((name) => tx.objectStore(name).clear()), tx.done]);
      this.committed(stores);
    });
  }

  /** Every record of every store (unreadable ones skipped and reported), in one snapshot. */
  async dump(): Promise<{ [S in StoreName]: unknown[] }> {
    const tx = (await this.db()).transaction([...STORE_NAMES]);
    const all = await Promise.all(STORE_NAMES.map((name) => tx.objectStore(name).getAll()));
    await tx.done;
    return Object.fromEntries(STORE_NAMES.map((name, i) => [name, all[i]!])) as {
      [S in StoreName]: unknown[];
    };
  }

  close(): void {
    this.channel?.close();
    this.remoteListeners.clear();
    this.connection.close();
  }
}

function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // already finished or aborted by the browser
  }
}

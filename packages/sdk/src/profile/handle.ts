import { LocusError, toLocusError } from '../errors.js';
import { type ProfileStore, type ProfileStoreOptions, ProfileStore as Store } from './store.js';

export interface StoreHandleOptions extends ProfileStoreOptions {
  dbName: string;
  /** Whether storing is allowed now (consent): only then may the database be created. */
  mayCreate: () => boolean;
  /** Called once the store is open (e.g. to follow other tabs' writes). */
  onOpen: (store: ProfileStore) => void;
}

/**
 * Opens the profile database lazily and only when it should exist: for writing, when storing
 * is allowed; for reading and deleting, when it already exists. So without consent to storage
 * no database is created, not even an empty one.
 */
export class StoreHandle {
  store: ProfileStore | null = null;
  /** Why there is no storage at all (no IndexedDB, or it would not open). */
  unavailable: string | undefined;
  private opening: Promise<ProfileStore | null> | undefined;

  constructor(private readonly options: StoreHandleOptions) {
    if (typeof indexedDB === 'undefined' || !indexedDB) {
      this.unavailable = 'IndexedDB is not available in this browser';
      options.report(new LocusError('storage-unavailable', this.unavailable));
    }
  }

  /** The store for reading or deleting: open, or opened if the database exists (never created). */
  async existing(): Promise<ProfileStore | null> {
    if (this.store || this.opening) return this.store ?? (await this.opening!);
    if (this.unavailable) return null;
    const list = (indexedDB as { databases?: () => Promise<{ name?: string }[]> }).databases;
    if (typeof list === 'function') {
      const names = await list.call(indexedDB).catch(() => undefined);
      if (names && !names.some((db) => db.name === this.options.dbName)) return null;
    }
    return this.open();
  }

  /** The store for writing: opened (and created) only when storing is allowed. */
  async writable(): Promise<ProfileStore | null> {
    if (!this.options.mayCreate()) return null;
    return this.store ?? this.open();
  }

  /** Opens (creating) the database regardless of consent: only for the consent choice itself. */
  open(): Promise<ProfileStore | null> {
    if (this.unavailable) return Promise.resolve(null);
    this.opening ??= Store.open(this.options.dbName, this.options).then(
      (store) => {
        this.store = store;
        this.options.onOpen(store);
        return store;
      },
      (err: unknown) => {
        const error = toLocusError('storage-unavailable', err);
        this.unavailable = error.message;
        this.options.report(error);
        return null;
      },
    );
    return this.opening;
  }

  async close(): Promise<void> {
    (await this.opening?.catch(() => null))?.close();
  }
}

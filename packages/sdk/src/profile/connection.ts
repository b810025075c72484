import { type IDBPDatabase, openDB, unwrap } from 'idb';
import { LocusError } from '../errors.js';
import { migrate } from './migrations.js';
import { DB_VERSION, type LocusDB } from './schema.js';

export type ConnectionStatus = 'opening' | 'open' | 'blocked' | 'closed' | 'outdated';

export interface ConnectionOptions {
  /** Non-fatal problems (a blocked upgrade, a record skipped by a migration) go here. */
  report: (error: LocusError) => void;
  /** How long to wait for an older tab to let go of the database before carrying on without it. */
  blockedGraceMs?: number;
}

/**
 * The IndexedDB connection and its lifecycle across tabs:
 * - an upgrade blocked by an older tab that will not close waits `blockedGraceMs`, then
 *   operations fail fast with `storage-blocked` until the upgrade goes through (adopted then);
 * - a newer tab's upgrade (`versionchange`) closes this connection at once instead of blocking
 *   it; the next operation reopens, and if the database is now newer than this code it stops
 *   with `storage-outdated` (the page carries on without storage until it is reloaded);
 * - a connection the browser closed (storage cleared, disk error) is reopened on next use.
 */
export class Connection {
  status: ConnectionStatus = 'opening';
  private db: IDBPDatabase<LocusDB> | undefined;
  private opening: Promise<IDBPDatabase<LocusDB>> | undefined;
  private gaveUp: Promise<never> = new Promise<never>(() => {});
  private outdated: LocusError | undefined;

  private constructor(
    readonly name: string,
    private readonly options: ConnectionOptions,
  ) {}

  /** Opens (creating or migrating) the database; rejects with a typed error when it cannot. */
  static async open(name: string, options: ConnectionOptions): Promise<Connection> {
    if (typeof indexedDB === 'undefined' || !indexedDB)
      throw new LocusError('storage-unavailable', 'IndexedDB is not available in this browser');
    const connection = new Connection(name, options);
    try {
      await connection.get();
    } catch (err) {
      // Blocked: usable later, once the older tab lets go. Anything else: no storage.
      if (!(err instanceof LocusError && err.code === 'storage-blocked')) throw err;
    }
    return connection;
  }

  /** The open database, reopening it if a newer tab or the browser closed it. */
  async get(): Promise<IDBPDatabase<LocusDB>> {
    if (this.status === 'open' && this.db) return this.db;
    if (this.outdated) throw this.outdated;
    if (this.status === 'closed' || !this.opening) this.opening = this.start();
    return Promise.race([this.opening, this.gaveUp]);
  }

  private start(): Promise<IDBPDatabase<LocusDB>> {
    this.status = 'opening';
    const skipped: string[] = [];
    const grace = this.options.blockedGraceMs ?? 1000;
    let giveUp: (error: LocusError) => void = () => {};
    this.gaveUp = new Promise<never>((_, reject) => {
      giveUp = reject;
    });
    this.gaveUp.catch(() => {}); // only awaited by racing callers

    const opening = openDB<LocusDB>(this.name, DB_VERSION, {
      upgrade: (db, oldVersion, newVersion, tx) => {
        tx.done.catch(() => {}); // an aborted upgrade surfaces as the open's rejection below
        migrate(
          { db, tx, skipped: (message) => skipped.push(message) },
          oldVersion,
          newVersion ?? DB_VERSION,
        ).catch(
          () => tx.abort(), // the open then fails and the old database stays as it was
        );
      },
      blocked: () => {
        this.status = 'blocked';
        const error = new LocusError(
          'storage-blocked',
          `IndexedDB "${this.name}" is held open by another tab running an older Locus; the profile waits for it to close`,
        );
        this.options.report(error);
        setTimeout(() => giveUp(error), grace);
      },
      // A newer tab wants to upgrade: step aside rather than block it.
      blocking: (_current, _next, event) => {
        (event.target as IDBDatabase).close();
        this.dropped(event.target as IDBDatabase);
      },
      terminated: () => this.dropped(undefined),
    });

    return opening.then(
      (db) => {
        this.db = db;
        this.status = 'open';
        for (const message of skipped) this.options.report(new LocusError('storage-corrupt-record', message));
        return db;
      },
      (err: unknown) => {
        this.status = 'closed';
        this.opening = undefined;
        if ((err as { name?: string })?.name === 'VersionError') {
          this.status = 'outdated';
          this.outdated = new LocusError(
            'storage-outdated',
            `IndexedDB "${this.name}" was upgraded by a newer version of Locus in another tab; this page continues without storage until it is reloaded`,
            { cause: err },
          );
          this.options.report(this.outdated);
          throw this.outdated;
        }
        throw new LocusError('storage-unavailable', `IndexedDB "${this.name}" could not be opened`, {
          cause: err,
        });
      },
    );
  }

  private dropped(raw: IDBDatabase | undefined): void {
    // Events of a connection that was already replaced say nothing about the current one.
    if (raw && this.db && unwrap(this.db) !== raw) return;
    this.db = undefined;
    this.opening = undefined;
    if (this.status !== 'outdated') this.status = 'closed';
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.opening = undefined;
    this.status = 'closed';
  }
}

import { CTR_MODEL_ID } from '@locus/protocol';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { type ModelRecord, type Store, StoreError } from './store.js';

export interface SqliteStoreOptions {
  /** Clock for `created_at` / `applied_at`; tests pin it. */
  now?: () => Date;
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

interface ModelRow {
  id: string;
  version: number;
  layout_version: number;
  created_at: string;
  has_weights: number;
}

/**
 * The embedded default {@link Store}: one SQLite file via better-sqlite3 (synchronous, so each
 * method settles at once), WAL journal, schema migrated on open.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #currentModel: Database.Statement<[string], ModelRow>;
  #closed = false;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#currentModel = db.prepare(
      `SELECT id, version, layout_version, created_at, weights IS NOT NULL AS has_weights
       FROM models WHERE id = ? ORDER BY version DESC LIMIT 1`,
    );
  }

  /**
   * Opens (creating when missing) and migrates the database at `path` (`:memory:` for a
   * throw-away one). Throws {@link StoreError} with a one-line message when it cannot.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      // journal_mode reads the file header first: a non-SQLite file fails here (SQLITE_NOTADB).
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal' && path !== ':memory:')
        throw new Error(`cannot enable WAL (journal_mode is ${mode})`);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, undefined, options.now);
      return new SqliteStore(db);
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot open database ${path}: ${describe(error)}`, { cause: error });
    }
  }

  async currentModel(): Promise<ModelRecord> {
    this.#assertOpen();
    const row = this.#currentModel.get(CTR_MODEL_ID);
    if (!row) throw new StoreError(`model ${CTR_MODEL_ID} has no version`);
    return {
      modelId: row.id,
      version: row.version,
      layoutVersion: row.layout_version,
      createdAt: row.created_at,
      hasWeights: row.has_weights === 1,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('store is closed');
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

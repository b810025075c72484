import { CTR_MODEL_ID, type PrivacyLedgerEntry } from '@locus/protocol';
import Database from 'better-sqlite3';
import { bytesToFloat32, wordsToBytes } from '../binary.js';
import { migrate } from './migrations.js';
import {
  type MessageStage,
  type ModelRecord,
  type ParticipantRecord,
  type RoundPublication,
  type RoundRecord,
  type ServerState,
  type Store,
  type StoredMessage,
  StoreError,
  TERMINAL_STATUSES,
} from './store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface SqliteStoreOptions {
  /** Clock for `created_at` / `applied_at`; tests pin it. */
  now?: () => Date;
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * How often a worker thread checkpoints the WAL, in ms (default 100); null leaves checkpoints
   * to SQLite, which runs them inside the commit that grows the WAL past 1000 pages.
   */
  checkpointIntervalMs?: number | null;
}

/** Page size of databases this store creates. */
const PAGE_BYTES = 16_384;
/** SQLite's own automatic checkpoint size, in pages. */
const AUTO_CHECKPOINT_PAGES = 1000;
/**
 * With the checkpoint worker running, the automatic checkpoint stays as a backstop for a worker
 * that falls behind: at 4,000 pages (64 MB of WAL with 16 KB pages) the committing request
 * checkpoints itself.
 */
const BACKSTOP_CHECKPOINT_PAGES = 4_000;

interface ModelRow {
  id: string;
  version: number;
  layout_version: number;
  created_at: string;
  has_weights: number;
}

interface RoundRow {
  record: string;
  stage_state: string | null;
}

interface ParticipantRow {
  client_index: number;
  token_hash: string;
  encryption_key: Buffer;
  masking_key: Buffer;
}

const TERMINAL = [...TERMINAL_STATUSES];
const TERMINAL_SQL = TERMINAL.map((status) => `'${status}'`).join(', ');

/**
 * The embedded default {@link Store}: one SQLite file via better-sqlite3 (synchronous, so each
 * method settles at once), WAL journal with synchronous=NORMAL (a committed transaction survives a
 * crash of the process; only a power loss can take the last ones), schema migrated on open. A
 * worker thread checkpoints the WAL (see {@link WalCheckpointer}), so requests do not wait for it.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #sql;
  readonly #checkpointer: WalCheckpointer | null;
  #closed = false;

  private constructor(db: Database.Database, checkpointer: WalCheckpointer | null) {
    this.#db = db;
    this.#checkpointer = checkpointer;
    const prepare = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
    this.#sql = {
      currentModel: prepare<[string], ModelRow>(
        `SELECT id, version, layout_version, created_at, weights IS NOT NULL AS has_weights
         FROM models WHERE id = ? ORDER BY version DESC LIMIT 1`,
      ),
      weights: prepare<[string, number], { weights: Buffer | null }>(
        'SELECT weights FROM models WHERE id = ? AND version = ?',
      ),
      insertModel: prepare<[string, number, number, Buffer, string]>(
        'INSERT INTO models (id, version, layout_version, weights, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      initializeModel: prepare<[number, Buffer, string]>(
        'UPDATE models SET layout_version = ?, weights = ? WHERE id = ? AND version = 0',
      ),
      openRound: prepare<[], RoundRow>(
        `SELECT record, stage_state FROM rounds WHERE status NOT IN (${TERMINAL_SQL})
         ORDER BY sequence DESC LIMIT 1`,
      ),
      round: prepare<[string], RoundRow>('SELECT record, stage_state FROM rounds WHERE round_id = ?'),
      recentRounds: prepare<[number], RoundRow>(
        'SELECT record, NULL AS stage_state FROM rounds ORDER BY sequence DESC LIMIT ?',
      ),
      lastSequence: prepare<[], { sequence: number | null }>('SELECT max(sequence) AS sequence FROM rounds'),
      insertRound: prepare<[string, number, string, string, string | null]>(
        'INSERT INTO rounds (round_id, sequence, status, record, stage_state) VALUES (?, ?, ?, ?, ?)',
      ),
      updateRound: prepare<[string, string, string | null, string]>(
        'UPDATE rounds SET status = ?, record = ?, stage_state = ? WHERE round_id = ?',
      ),
      insertParticipant: prepare<[string, number, string, Buffer, Buffer]>(
        `INSERT INTO participants (round_id, client_index, token_hash, encryption_key, masking_key)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      participants: prepare<[string], ParticipantRow>(
        `SELECT client_index, token_hash, encryption_key, masking_key FROM participants
         WHERE round_id = ? ORDER BY client_index`,
      ),
      findToken: prepare<[string], { round_id: string; client_index: number }>(
        'SELECT round_id, client_index FROM participants WHERE token_hash = ?',
      ),
      setRoutedShares: prepare<[Buffer, string, number]>(
        'UPDATE participants SET routed_shares = ? WHERE round_id = ? AND client_index = ?',
      ),
      routedShares: prepare<[string, number], { routed_shares: Buffer | null }>(
        'SELECT routed_shares FROM participants WHERE round_id = ? AND client_index = ?',
      ),
      insertMessage: prepare<[string, string, number, Buffer]>(
        'INSERT OR IGNORE INTO messages (round_id, stage, client_index, payload) VALUES (?, ?, ?, ?)',
      ),
      messages: prepare<[string, string], { client_index: number; payload: Buffer }>(
        'SELECT client_index, payload FROM messages WHERE round_id = ? AND stage = ? ORDER BY client_index',
      ),
      senders: prepare<[string, string], number>(
        'SELECT client_index FROM messages WHERE round_id = ? AND stage = ? ORDER BY client_index',
      ).pluck(),
      forgetMessages: prepare<[string]>('DELETE FROM messages WHERE round_id = ?'),
      forgetRoutedShares: prepare<[string]>(
        'UPDATE participants SET routed_shares = NULL WHERE round_id = ?',
      ),
      state: prepare<[string], string>('SELECT value FROM server_state WHERE key = ?').pluck(),
      setState: prepare<[string, string]>(
        'INSERT INTO server_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      insertLedger: prepare<[number, string, string]>(
        'INSERT INTO privacy_ledger (entry, round_id, record) VALUES (?, ?, ?)',
      ),
      ledger: prepare<[], string>('SELECT record FROM privacy_ledger ORDER BY entry').pluck(),
    };
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
      // A new database gets 16 KB pages: a 40 KB masked input then spans 3 pages (WAL frames,
      // each its own write) instead of 11. An existing file keeps the page size it was made with.
      db.pragma(`page_size = ${PAGE_BYTES}`);
      // journal_mode reads the file header first: a non-SQLite file fails here (SQLITE_NOTADB).
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal' && path !== ':memory:')
        throw new Error(`cannot enable WAL (journal_mode is ${mode})`);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, undefined, options.now);
      const interval = options.checkpointIntervalMs === undefined ? 100 : options.checkpointIntervalMs;
      let checkpointer: WalCheckpointer | null = null;
      if (interval !== null && path !== ':memory:') {
        const main = db;
        checkpointer = WalCheckpointer.start(path, {
          intervalMs: interval,
          onFailure: () => {
            if (main.open) main.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
          },
        });
        db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
      }
      return new SqliteStore(db, checkpointer);
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot open database ${path}: ${describe(error)}`, { cause: error });
    }
  }

  async currentModel(): Promise<ModelRecord> {
    const row = this.#open().currentModel.get(CTR_MODEL_ID);
    if (!row) throw new StoreError(`model ${CTR_MODEL_ID} has no version`);
    return {
      modelId: row.id,
      version: row.version,
      layoutVersion: row.layout_version,
      createdAt: row.created_at,
      hasWeights: row.has_weights === 1,
    };
  }

  async modelWeights(version: number): Promise<Float32Array | null> {
    const row = this.#open().weights.get(CTR_MODEL_ID, version);
    return row?.weights ? bytesToFloat32(row.weights) : null;
  }

  async initializeModel(layoutVersion: number, weights: Float32Array): Promise<void> {
    const sql = this.#open();
    this.#db.transaction(() => {
      const current = sql.currentModel.get(CTR_MODEL_ID);
      if (current && current.version > 0) {
        throw new StoreError(`model ${CTR_MODEL_ID} already has version ${current.version}`);
      }
      sql.initializeModel.run(layoutVersion, bufferOf(wordsToBytes(weights)), CTR_MODEL_ID);
    })();
  }

  async openRound(): Promise<RoundRecord | null> {
    return roundOf(this.#open().openRound.get());
  }

  async round(roundId: string): Promise<RoundRecord | null> {
    return roundOf(this.#open().round.get(roundId));
  }

  async recentRounds(limit: number): Promise<RoundRecord[]> {
    return this.#open()
      .recentRounds.all(limit)
      .map((row) => roundOf(row)!);
  }

  async lastRoundSequence(): Promise<number> {
    return this.#open().lastSequence.get()?.sequence ?? 0;
  }

  async createRound(round: RoundRecord): Promise<void> {
    const { stageState, ...record } = round;
    this.#open().insertRound.run(
      round.roundId,
      round.sequence,
      round.status,
      JSON.stringify(record),
      stageState,
    );
  }

  async saveRound(round: RoundRecord): Promise<void> {
    this.#open();
    this.#db.transaction(() => this.#updateRound(round))();
  }

  async saveRoutedShares(round: RoundRecord, inboxes: ReadonlyMap<number, Uint8Array>): Promise<void> {
    const sql = this.#open();
    this.#db.transaction(() => {
      for (const [clientIndex, payload] of inboxes) {
        sql.setRoutedShares.run(bufferOf(payload), round.roundId, clientIndex);
      }
      this.#updateRound(round);
    })();
  }

  async routedShares(roundId: string, clientIndex: number): Promise<Uint8Array | null> {
    return this.#open().routedShares.get(roundId, clientIndex)?.routed_shares ?? null;
  }

  async addParticipant(roundId: string, participant: ParticipantRecord): Promise<void> {
    try {
      this.#open().insertParticipant.run(
        roundId,
        participant.clientIndex,
        participant.tokenHash,
        bufferOf(participant.encryptionPublicKey),
        bufferOf(participant.maskingPublicKey),
      );
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot add participant ${participant.clientIndex}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async participants(roundId: string): Promise<ParticipantRecord[]> {
    return this.#open()
      .participants.all(roundId)
      .map((row) => ({
        clientIndex: row.client_index,
        tokenHash: row.token_hash,
        encryptionPublicKey: new Uint8Array(row.encryption_key),
        maskingPublicKey: new Uint8Array(row.masking_key),
      }));
  }

  async findToken(tokenHash: string): Promise<{ roundId: string; clientIndex: number } | null> {
    const row = this.#open().findToken.get(tokenHash);
    return row ? { roundId: row.round_id, clientIndex: row.client_index } : null;
  }

  async saveMessage(
    roundId: string,
    stage: MessageStage,
    clientIndex: number,
    payload: Uint8Array,
  ): Promise<boolean> {
    return this.#open().insertMessage.run(roundId, stage, clientIndex, bufferOf(payload)).changes === 1;
  }

  async messages(roundId: string, stage: MessageStage): Promise<Iterable<StoredMessage>> {
    const rows = this.#open().messages.iterate(roundId, stage);
    // Streamed row by row: a stage of 1000 masked inputs never sits in memory at once.
    return (function* () {
      for (const row of rows) yield { clientIndex: row.client_index, payload: row.payload };
    })();
  }

  async messageSenders(roundId: string, stage: MessageStage): Promise<number[]> {
    return this.#open().senders.all(roundId, stage);
  }

  async serverState(): Promise<ServerState> {
    const sql = this.#open();
    return {
      strategyState: sql.state.get('strategy') ?? null,
      privacyLedger: sql.state.get('privacy-ledger') ?? null,
    };
  }

  async publishRound({ round, model, serverState, ledgerEntry }: RoundPublication): Promise<void> {
    const sql = this.#open();
    this.#db.transaction(() => {
      sql.insertModel.run(
        CTR_MODEL_ID,
        model.version,
        model.layoutVersion,
        bufferOf(wordsToBytes(model.weights)),
        model.createdAt,
      );
      sql.setState.run('strategy', serverState.strategyState);
      sql.setState.run('privacy-ledger', serverState.privacyLedger);
      sql.insertLedger.run(ledgerEntry.round, round.roundId, JSON.stringify(ledgerEntry));
      this.#updateRound(round);
    })();
  }

  async ledger(): Promise<PrivacyLedgerEntry[]> {
    return this.#open()
      .ledger.all()
      .map((text) => JSON.parse(text) as PrivacyLedgerEntry);
  }

  /**
   * Checkpoints the WAL now through the worker; resolves with the pages copied (0 without a
   * worker). The worker checkpoints on its own timer; this is for tests that need it at once.
   */
  async checkpoint(): Promise<number> {
    this.#open();
    return this.#checkpointer ? this.#checkpointer.checkpoint() : 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The worker's connection closes first, so closing this last one checkpoints and removes the WAL.
    await this.#checkpointer?.stop();
    this.#db.close();
  }

  /** Call inside a transaction. A round that ended drops its messages, shares and stage state. */
  #updateRound(round: RoundRecord): void {
    const sql = this.#sql;
    const { stageState, ...record } = round;
    const ended = TERMINAL_STATUSES.has(round.status);
    const result = sql.updateRound.run(
      round.status,
      JSON.stringify(record),
      ended ? null : stageState,
      round.roundId,
    );
    if (result.changes !== 1) throw new StoreError(`round ${round.roundId} does not exist`);
    if (ended) {
      sql.forgetMessages.run(round.roundId);
      sql.forgetRoutedShares.run(round.roundId);
    }
  }

  #open() {
    if (this.#closed) throw new StoreError('store is closed');
    return this.#sql;
  }
}

function roundOf(row: RoundRow | undefined): RoundRecord | null {
  if (!row) return null;
  return { ...(JSON.parse(row.record) as Omit<RoundRecord, 'stageState'>), stageState: row.stage_state };
}

/** better-sqlite3 binds Buffers as BLOBs; a plain Uint8Array view is wrapped without copying. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

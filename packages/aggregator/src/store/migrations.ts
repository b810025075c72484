import { CTR_MODEL_ID } from '@locus/protocol';
import type Database from 'better-sqlite3';
import { StoreError } from './store.js';

/** One forward-only schema step. Never edit a shipped migration: append a new one. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database, now: string): void;
}

/** Layout version of the initial CTR model row; the models package owns what it means. */
export const INITIAL_LAYOUT_VERSION = 1;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'models',
    up(db, now) {
      db.exec(`
        CREATE TABLE models (
          id             TEXT    NOT NULL,
          version        INTEGER NOT NULL CHECK (version >= 0),
          layout_version INTEGER NOT NULL,
          weights        BLOB,
          created_at     TEXT    NOT NULL,
          PRIMARY KEY (id, version)
        ) STRICT;
      `);
      db.prepare(
        'INSERT INTO models (id, version, layout_version, weights, created_at) VALUES (?, 0, ?, NULL, ?)',
      ).run(CTR_MODEL_ID, INITIAL_LAYOUT_VERSION, now);
    },
  },
  {
    version: 2,
    name: 'rounds',
    up(db) {
      // A round's small fields live in `record` (JSON); the protocol's stage state can be large
      // (the masked sum) and is kept apart. Messages and routed shares are deleted when a round
      // ends: nothing needs them then, and keeping masked inputs around serves no one.
      db.exec(`
        CREATE TABLE rounds (
          round_id    TEXT    PRIMARY KEY,
          sequence    INTEGER NOT NULL UNIQUE,
          status      TEXT    NOT NULL,
          record      TEXT    NOT NULL,
          stage_state TEXT
        ) STRICT;
        CREATE INDEX rounds_by_status ON rounds (status);
        CREATE TABLE participants (
          round_id       TEXT    NOT NULL REFERENCES rounds (round_id),
          client_index   INTEGER NOT NULL CHECK (client_index >= 1),
          token_hash     TEXT    NOT NULL UNIQUE,
          encryption_key BLOB    NOT NULL,
          masking_key    BLOB    NOT NULL,
          routed_shares  BLOB,
          PRIMARY KEY (round_id, client_index)
        ) STRICT;
        CREATE TABLE messages (
          round_id     TEXT    NOT NULL REFERENCES rounds (round_id),
          stage        TEXT    NOT NULL CHECK (stage IN ('share-keys', 'masked-input', 'unmask')),
          client_index INTEGER NOT NULL,
          payload      BLOB    NOT NULL,
          PRIMARY KEY (round_id, stage, client_index)
        ) STRICT;
        CREATE TABLE server_state (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
        CREATE TABLE privacy_ledger (
          entry      INTEGER PRIMARY KEY,
          round_id   TEXT    NOT NULL REFERENCES rounds (round_id),
          record     TEXT    NOT NULL
        ) STRICT;
      `);
    },
  },
];

/**
 * Brings the schema up to date. All pending migrations and their `schema_migrations` rows run in
 * one IMMEDIATE transaction: a crash leaves the previous version, and a second process opening
 * the same file waits (busy_timeout) and then finds nothing left to do. Returns the versions
 * applied by this call (empty when already current).
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => Date = () => new Date(),
): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) STRICT;
    `);
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new StoreError(
        `database schema version ${newest} is newer than this aggregator supports (${latest})`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const at = now().toISOString();
    const pending = migrations.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      migration.up(db, at);
      record.run(migration.version, migration.name, at);
    }
    return pending.map((m) => m.version);
  });
  return run.immediate();
}

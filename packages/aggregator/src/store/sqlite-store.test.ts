import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CTR_MODEL_ID } from '@locus/protocol';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INITIAL_LAYOUT_VERSION, MIGRATIONS, migrate } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';
import { StoreError } from './store.js';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'locus-store-'));
  dbPath = join(dir, 'aggregator.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (iso: string) => () => new Date(iso);

describe('SqliteStore', () => {
  it('creates version 0 of the CTR model on first open', async () => {
    const store = SqliteStore.open(dbPath, { now: at('2025-01-01T00:00:00.000Z') });
    expect(await store.currentModel()).toEqual({
      modelId: CTR_MODEL_ID,
      version: 0,
      layoutVersion: INITIAL_LAYOUT_VERSION,
      createdAt: '2025-01-01T00:00:00.000Z',
      hasWeights: false,
    });
    await store.close();
  });

  it('uses WAL and records applied migrations in schema_migrations', async () => {
    await SqliteStore.open(dbPath, { now: at('2025-01-01T00:00:00.000Z') }).close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'models', applied_at: '2025-01-01T00:00:00.000Z' },
      { version: 2, name: 'rounds', applied_at: '2025-01-01T00:00:00.000Z' },
    ]);
    db.close();
  });

  it('creates databases with 16 KB pages and keeps the page size of an existing one', async () => {
    await SqliteStore.open(dbPath).close();
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      const size = db.pragma('page_size', { simple: true });
      db.close();
      return size;
    };
    expect(pageSize(dbPath)).toBe(16_384);
    const older = join(dir, 'older.sqlite');
    const db = new Database(older);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    await SqliteStore.open(older).close();
    expect(pageSize(older)).toBe(4096);
  });

  it('is idempotent: reopening applies nothing and keeps one version-0 row', async () => {
    await SqliteStore.open(dbPath, { now: at('2025-01-01T00:00:00.000Z') }).close();
    const store = SqliteStore.open(dbPath, { now: at('2030-01-01T00:00:00.000Z') });
    expect((await store.currentModel()).createdAt).toBe('2025-01-01T00:00:00.000Z');
    await store.close();
    const db = new Database(dbPath);
    expect(db.prepare('SELECT count(*) FROM models').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('persists data across close and reopen', async () => {
    await SqliteStore.open(dbPath).close();
    const db = new Database(dbPath);
    db.prepare(
      'INSERT INTO models (id, version, layout_version, weights, created_at) VALUES (?, 1, 1, ?, ?)',
    ).run(CTR_MODEL_ID, Buffer.from([1, 2, 3]), '2025-02-01T00:00:00.000Z');
    db.close();
    const store = SqliteStore.open(dbPath);
    expect(await store.currentModel()).toMatchObject({
      version: 1,
      hasWeights: true,
      createdAt: '2025-02-01T00:00:00.000Z',
    });
    await store.close();
  });

  it('applies only pending migrations, all or nothing', () => {
    const db = new Database(':memory:');
    const log: string[] = [];
    const m = (version: number, fail = false) => ({
      version,
      name: `m${version}`,
      up(d: Database.Database) {
        d.exec(`CREATE TABLE t${version} (x INTEGER)`);
        log.push(`m${version}`);
        if (fail) throw new Error('boom');
      },
    });
    expect(migrate(db, [m(1)])).toEqual([1]);
    expect(() => migrate(db, [m(1), m(3, true), m(2)])).toThrow('boom');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('t2', 't3')").all()).toEqual([]);
    expect(migrate(db, [m(1), m(3), m(2)])).toEqual([2, 3]);
    expect(log).toEqual(['m1', 'm2', 'm3', 'm2', 'm3']);
    db.close();
  });

  it('refuses a database migrated by a newer aggregator', async () => {
    await SqliteStore.open(dbPath).close();
    const db = new Database(dbPath);
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', '2099-01-01T00:00:00.000Z')").run();
    db.close();
    expect(() => SqliteStore.open(dbPath)).toThrow(
      /schema version 99 is newer than this aggregator supports \(2\)/,
    );
  });

  it('throws a one-line StoreError for a file that is not SQLite', () => {
    writeFileSync(dbPath, 'definitely not a database, just some text that is long enough\n'.repeat(20));
    const error = catchError(() => SqliteStore.open(dbPath));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(`cannot open database ${dbPath}: file is not a database`);
  });

  it('throws a StoreError for a directory', () => {
    expect(() => SqliteStore.open(dir)).toThrow(StoreError);
  });

  it('rejects calls after close and tolerates a second close', async () => {
    const store = SqliteStore.open(dbPath);
    await store.close();
    await expect(store.currentModel()).rejects.toThrow('store is closed');
    await expect(store.close()).resolves.toBeUndefined();
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

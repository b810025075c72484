import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'locus-checkpoint-'));
  dbPath = join(dir, 'aggregator.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const payload = new Uint8Array(40_000).fill(7);

async function storeWithRound(options: Parameters<typeof SqliteStore.open>[1] = {}) {
  const store = SqliteStore.open(dbPath, options);
  const round = {
    roundId: 'round-1-abcd',
    sequence: 1,
    status: 'masked-input' as const,
    modelVersion: 0,
    parameters: {} as never,
    deadlines: { checkIn: null, shareKeys: null, maskedInput: null, unmask: null },
    times: {} as never,
    counts: { cohort: 0, shared: 0, survivors: 0, responders: 0 },
    stageState: null,
    unmaskRequest: null,
    outcome: null,
    publishedVersion: null,
  };
  await store.createRound(round);
  return store;
}

async function saveInputs(store: SqliteStore, count: number) {
  for (let client = 1; client <= count; client++) {
    expect(await store.saveMessage('round-1-abcd', 'masked-input', client, payload)).toBe(true);
  }
}

describe('WAL checkpoints in a worker', () => {
  it('copies committed pages into the database file without the request path doing it', async () => {
    // A long interval: only the explicit checkpoint below runs.
    const store = await storeWithRound({ checkpointIntervalMs: 60_000 });
    await saveInputs(store, 400);
    // 400 × 40 KB (3 pages each) is over SQLite's automatic limit (1000 pages) but under the
    // backstop: nothing was checkpointed by the commits themselves.
    expect(statSync(dbPath).size).toBeLessThan(200_000);
    expect(await store.checkpoint()).toBeGreaterThan(1000);
    expect(statSync(dbPath).size).toBeGreaterThan(400 * 40_000);
    // Every message is still there, read back through the main connection.
    expect([...(await store.messages('round-1-abcd', 'masked-input'))]).toHaveLength(400);
    await store.close();
    const reopened = SqliteStore.open(dbPath);
    expect(await reopened.messageSenders('round-1-abcd', 'masked-input')).toHaveLength(400);
    await reopened.close();
  });

  it('checkpoints on its own timer', async () => {
    const store = await storeWithRound({ checkpointIntervalMs: 10 });
    await saveInputs(store, 5);
    await expect.poll(() => statSync(dbPath).size, { timeout: 5000 }).toBeGreaterThan(5 * 40_000);
    await store.close();
  });

  it('leaves checkpoints to SQLite when disabled', async () => {
    const store = await storeWithRound({ checkpointIntervalMs: null });
    await saveInputs(store, 400);
    // The commit that crossed 1000 pages checkpointed.
    expect(statSync(dbPath).size).toBeGreaterThan(10_000_000);
    expect(await store.checkpoint()).toBe(0);
    await store.close();
  });

  it('closes cleanly: the last connection removes the WAL', async () => {
    const store = await storeWithRound();
    await store.saveMessage('round-1-abcd', 'masked-input', 1, payload);
    await store.close();
    expect(() => statSync(`${dbPath}-wal`)).toThrow();
  });
});

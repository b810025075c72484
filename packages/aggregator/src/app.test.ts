import { CTR_MODEL_ID, type ErrorResponse, type HealthResponse, PROTOCOL_VERSION } from '@locus/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { type ModelRecord, SqliteStore, type Store } from './store/index.js';

const silent = pino({ level: 'silent' });
const fixedModel: ModelRecord = {
  modelId: CTR_MODEL_ID,
  version: 7,
  layoutVersion: 2,
  createdAt: '2025-03-01T10:00:00.000Z',
  hasWeights: true,
};
// /healthz reads only currentModel; the rest of the Store is never called without federation routes.
const fakeStore = (currentModel: Store['currentModel']): Store =>
  ({ currentModel, close: async () => {} }) as unknown as Store;

describe('createApp', () => {
  let sqlite: SqliteStore | undefined;
  afterEach(async () => {
    await sqlite?.close();
    sqlite = undefined;
  });

  it('GET /healthz answers the protocol version and the current model', async () => {
    const app = createApp({ store: fakeStore(async () => fixedModel), logger: silent });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body: HealthResponse = await res.json();
    expect(body).toEqual({
      status: 'ok',
      protocolVersion: PROTOCOL_VERSION,
      model: { modelId: CTR_MODEL_ID, version: 7, layoutVersion: 2, updatedAt: '2025-03-01T10:00:00.000Z' },
    });
  });

  it('GET /healthz reads version 0 from a fresh SQLite store', async () => {
    sqlite = SqliteStore.open(':memory:', { now: () => new Date('2025-01-02T03:04:05.000Z') });
    const res = await createApp({ store: sqlite, logger: silent }).request('/healthz');
    const body: HealthResponse = await res.json();
    expect(body.model).toEqual({
      modelId: CTR_MODEL_ID,
      version: 0,
      layoutVersion: 1,
      updatedAt: '2025-01-02T03:04:05.000Z',
    });
  });

  it('HEAD /healthz answers 200 without a body', async () => {
    const app = createApp({ store: fakeStore(async () => fixedModel), logger: silent });
    const res = await app.request('/healthz', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('unknown routes and methods answer a JSON 404', async () => {
    const app = createApp({ store: fakeStore(async () => fixedModel), logger: silent });
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/healthz'],
    ] as const) {
      const res = await app.request(path, { method });
      expect(res.status).toBe(404);
      const body: ErrorResponse = await res.json();
      expect(body).toEqual({ error: { code: 'not_found', message: `no route for ${method} ${path}` } });
    }
  });

  it('a failing store makes /healthz a JSON 503 without leaking the cause', async () => {
    const app = createApp({
      store: fakeStore(async () => {
        throw new Error('disk I/O error at /secret/path');
      }),
      logger: silent,
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'store unavailable' } });
  });

  it('a closed SQLite store makes /healthz a 503', async () => {
    sqlite = SqliteStore.open(':memory:');
    const app = createApp({ store: sqlite, logger: silent });
    await sqlite.close();
    expect((await app.request('/healthz')).status).toBe(503);
  });
});

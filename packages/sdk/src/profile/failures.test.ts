import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LocusError } from '../errors.js';
import { addPageView } from './interest.js';
import { DB_VERSION } from './schema.js';
import { ProfileStore } from './store.js';

let n = 0;
const name = () => `fail-${n++}`;

async function open(dbName = name(), options: Partial<Parameters<typeof ProfileStore.open>[1]> = {}) {
  const reports: LocusError[] = [];
  const store = await ProfileStore.open(dbName, { report: (e) => reports.push(e), ...options });
  return { store, reports, dbName };
}

const codes = (reports: LocusError[]) => reports.map((e) => e.code);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('IndexedDB missing', () => {
  it('is a typed storage-unavailable error', async () => {
    vi.stubGlobal('indexedDB', undefined);
    await expect(ProfileStore.open('x')).rejects.toMatchObject({
      code: 'storage-unavailable',
      message: 'IndexedDB is not available in this browser',
    });
  });
});

describe('QuotaExceededError', () => {
  /** Makes the next `times` adds to the events store fail the way a full origin does. */
  function fillQuota(times: number) {
    const add = IDBObjectStore.prototype.add;
    let left = times;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'events' && left > 0) {
        left--;
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return add.apply(this, args);
    });
  }

  async function seeded() {
    const opened = await open();
    await opened.store.cacheEmbeddings([{ key: 'k', vector: Float32Array.of(1), createdAt: 1 }]);
    for (let i = 0; i < 4; i++) await opened.store.addEvent({ type: 'view', time: i });
    return opened;
  }

  it('evicts the caches first and retries the write', async () => {
    const { store, reports } = await seeded();
    fillQuota(1);
    expect(await store.addEvent({ type: 'click', time: 10 })).toBe(true);
    expect(await store.cachedEmbeddings(['k'])).toEqual([undefined]);
    expect((await store.events()).map((e) => e.time)).toEqual([0, 1, 2, 3, 10]);
    expect(reports).toEqual([]);
    store.close();
  });

  it('then deletes the oldest half of the events', async () => {
    const { store } = await seeded();
    fillQuota(2);
    expect(await store.addEvent({ type: 'click', time: 10 })).toBe(true);
    expect((await store.events()).map((e) => e.time)).toEqual([2, 3, 10]);
    store.close();
  });

  it('then reports storage-quota and drops the write, leaving the store consistent', async () => {
    const { store, reports } = await seeded();
    fillQuota(Number.POSITIVE_INFINITY);
    await expect(store.addEvent({ type: 'click', time: 10 })).rejects.toMatchObject({
      code: 'storage-quota',
    });
    expect(codes(reports)).toEqual(['storage-quota']);
    vi.restoreAllMocks();
    expect((await store.events()).map((e) => e.time)).toEqual([2, 3]);
    expect(await store.addEvent({ type: 'click', time: 11 })).toBe(true); // and it recovers
    store.close();
  });
});

describe('QuotaExceededError on a cache write', () => {
  it('gives up only the caches, never events, then reports', async () => {
    const { store, reports } = await open();
    for (let i = 0; i < 4; i++) await store.addEvent({ type: 'view', time: i });
    await store.cacheEmbeddings([{ key: 'old', vector: Float32Array.of(1), createdAt: 1 }]);
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await expect(
      store.cacheEmbeddings([{ key: 'new', vector: Float32Array.of(2), createdAt: 2 }]),
    ).rejects.toMatchObject({
      code: 'storage-quota',
      message: expect.stringContaining('the cache write was dropped'),
    });
    vi.restoreAllMocks();
    expect(await store.countEvents()).toBe(4);
    expect(await store.cachedEmbeddings(['old', 'new'])).toEqual([undefined, undefined]);
    expect(codes(reports)).toEqual(['storage-quota']);
    store.close();
  });
});

describe('a transaction aborted mid-write', () => {
  it('leaves no half-updated interests', async () => {
    const { store } = await open();
    const page = (vector: Float32Array) => ({
      key: 'p',
      modelId: 'm',
      urlHash: 'p',
      textHash: 't',
      vector,
      time: 1,
      visits: 1,
      dwellMs: 0,
    });
    await store.updateInterest('p', (state) => ({
      state: addPageView(state, Float32Array.of(1, 0), 'm', 1, 14),
      page: page(Float32Array.of(1, 0)),
    }));
    // The interest put succeeds, then the page put fails (a value that cannot be stored):
    // the whole transaction aborts.
    await expect(
      store.updateInterest('p', (state) => ({
        state: addPageView(state, Float32Array.of(0, 1), 'm', 2, 14),
        page: { ...page(Float32Array.of(0, 1)), textHash: (() => 't') as unknown as string },
      })),
    ).rejects.toMatchObject({ name: 'DataCloneError' });
    const interest = await store.interest();
    expect(interest?.pageViews).toBe(1);
    expect(Array.from(interest!.vector)).toEqual([1, 0]);
    expect(interest?.clusters).toHaveLength(1);
    store.close();
  });
});

describe('corrupt or unknown records', () => {
  it('are skipped and reported, never returned', async () => {
    const { store, reports, dbName } = await open();
    await store.addEvent({ type: 'view', time: 1 });
    store.close();
    // Something else wrote into the database: a garbage interest, an unknown event, a broken cache row.
    const db = await openDB(dbName, DB_VERSION);
    await db.put('interest', { modelId: 'm', vector: [1, 'x'], weight: 'heavy' } as never, 'main');
    await db.add('events', { type: 'teleport', time: 2 } as never);
    await db.add('events', { type: 'click', time: Number.NaN } as never);
    await db.put('embeddings', { key: 'bad', vector: 'nope', createdAt: 1 } as never);
    db.close();

    const { store: reopened } = await open(dbName, { report: (e) => reports.push(e) });
    expect(await reopened.interest()).toBeUndefined();
    expect(await reopened.interest()).toBeUndefined(); // read again: reported once, not per read
    expect((await reopened.events()).map((e) => e.type)).toEqual(['view']);
    expect(await reopened.cachedEmbeddings(['bad'])).toEqual([undefined]);
    expect(codes(reports)).toEqual([
      'storage-corrupt-record',
      'storage-corrupt-record',
      'storage-corrupt-record',
    ]);
    expect(reports[1]?.message).toBe('2 unreadable record(s) in "events" were skipped');
    // The next page view replaces the garbage interest with a sound one.
    await reopened.updateInterest('p', (state) => ({
      state: addPageView(state, Float32Array.of(1), 'm', 1, 14),
      page: {
        key: 'p',
        modelId: 'm',
        urlHash: 'p',
        textHash: 't',
        vector: Float32Array.of(1),
        time: 1,
        visits: 1,
        dwellMs: 0,
      },
    }));
    expect((await reopened.interest())?.pageViews).toBe(1);
    reopened.close();
  });
});

describe('several tabs', () => {
  it('a blocked upgrade waits, reports storage-blocked, and is adopted once the old tab lets go', async () => {
    const dbName = name();
    // An old tab (e.g. an old Locus) that holds version 1 open and ignores versionchange.
    const old = await openDB(dbName, 1, {
      upgrade(db) {
        db.createObjectStore('interest');
        db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('byTime', 'time');
        db.createObjectStore('embeddings', { keyPath: 'key' });
      },
    });
    const { store, reports } = await open(dbName, { blockedGraceMs: 20 });
    expect(store.status).toBe('blocked');
    expect(codes(reports)).toEqual(['storage-blocked']);
    await expect(store.countEvents()).rejects.toMatchObject({ code: 'storage-blocked' });

    old.close();
    await vi.waitFor(() => expect(store.status).toBe('open'));
    expect(await store.addEvent({ type: 'view', time: 1 })).toBe(true);
    expect(await store.countEvents()).toBe(1);
    store.close();
  });

  it('a newer tab upgrading closes this connection cleanly; this tab degrades with storage-outdated', async () => {
    const { store, reports, dbName } = await open();
    await store.addEvent({ type: 'view', time: 1 });
    // A newer Locus in another tab upgrades to the next version: it must not be blocked by us.
    const newer = await openDB(dbName, DB_VERSION + 1, {
      blocked: () => {
        throw new Error('the newer tab was blocked');
      },
    });
    expect(store.status).toBe('closed');
    await expect(store.addEvent({ type: 'view', time: 2 })).rejects.toMatchObject({
      code: 'storage-outdated',
    });
    await expect(store.countEvents()).rejects.toMatchObject({ code: 'storage-outdated' });
    expect(store.status).toBe('outdated');
    expect(codes(reports)).toEqual(['storage-outdated']); // reported once, not per operation
    expect(await newer.count('events')).toBe(1);
    newer.close();
    store.close();
  });

  it('a database deleted by another tab is reopened (empty) on next use', async () => {
    const { store, dbName } = await open();
    await store.addEvent({ type: 'view', time: 1 });
    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName);
      request.onsuccess = resolve;
      request.onerror = reject;
      request.onblocked = () => reject(new Error('delete was blocked'));
    });
    expect(await store.countEvents()).toBe(0);
    expect(await store.addEvent({ type: 'view', time: 2 })).toBe(true);
    store.close();
  });
});

import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { LocusError } from '../errors.js';
import { DB_VERSION, STORE_NAMES } from './schema.js';
import { ProfileStore } from './store.js';

let n = 0;
const name = () => `migrate-${n++}`;

/**
 * The database exactly as version 1 (the walking skeleton) created and filled it. Written out
 * here rather than taken from MIGRATIONS, so a change to the shipped step would be caught.
 */
async function createV1(dbName: string, interest: unknown) {
  const db = await openDB(dbName, 1, {
    upgrade(database) {
      database.createObjectStore('interest');
      database
        .createObjectStore('events', { keyPath: 'id', autoIncrement: true })
        .createIndex('byTime', 'time');
      database.createObjectStore('embeddings', { keyPath: 'key' });
    },
  });
  await db.put('interest', interest, 'main');
  await db.add('events', { type: 'view', time: 10, adId: 'a', slot: 'side' });
  await db.add('events', { type: 'click', time: 20, adId: 'a' });
  await db.put('embeddings', { key: 'm|q8|h1', vector: Float32Array.of(0.6, 0.8), createdAt: 5 });
  db.close();
}

const V1_INTEREST = {
  modelId: 'locus-glove-sif|q8',
  vector: Float32Array.of(2, 1),
  weight: 2,
  updatedAt: 1000,
  pageViews: 3,
};

async function openStore(dbName: string) {
  const reports: LocusError[] = [];
  const store = await ProfileStore.open(dbName, { report: (e) => reports.push(e) });
  return { store, reports };
}

describe('migrations', () => {
  it(`create a fresh database at version ${DB_VERSION} with every store`, async () => {
    const dbName = name();
    const { store } = await openStore(dbName);
    store.close();
    const db = await openDB(dbName);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    db.close();
  });

  it('take a version 1 database to the newest, keeping its profile, events and cache', async () => {
    const dbName = name();
    await createV1(dbName, V1_INTEREST);
    const { store, reports } = await openStore(dbName);
    expect(reports).toEqual([]);

    const interest = await store.interest();
    expect(interest).toMatchObject({
      modelId: 'locus-glove-sif|q8',
      weight: 2,
      pageViews: 3,
      updatedAt: 1000,
    });
    expect(Array.from(interest!.vector)).toEqual([2, 1]);
    // The old profile becomes its first cluster: the mean of what it summed.
    expect(interest!.clusters).toHaveLength(1);
    expect(Array.from(interest!.clusters[0]!.centroid)).toEqual([1, 0.5]);
    expect(interest!.clusters[0]).toMatchObject({ weight: 2, pageViews: 3 });

    expect((await store.events()).map(({ type, time }) => [type, time])).toEqual([
      ['view', 10],
      ['click', 20],
    ]);
    expect(await store.cachedEmbeddings(['m|q8|h1'])).toEqual([Float32Array.of(0.6, 0.8)]);
    // New stores work, and the cache gained its eviction index.
    await store.addExample({ adId: 'a', time: 30, label: 0 });
    expect(await store.examples()).toHaveLength(1);
    expect((await store.sweep(40)).deleted).toBe(0);
    store.close();

    const db = await openDB(dbName);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.transaction('embeddings').store.indexNames]).toEqual(['byCreated']);
    db.close();
  });

  it('drop an unreadable version 1 interest record and report it, keeping the rest', async () => {
    const dbName = name();
    await createV1(dbName, { modelId: 7, vector: 'garbage' });
    const { store, reports } = await openStore(dbName);
    expect(await store.interest()).toBeUndefined();
    expect(await store.countEvents()).toBe(2);
    expect(reports.map((e) => e.code)).toEqual(['storage-corrupt-record']);
    store.close();
  });

  it('leave a version 1 database untouched when a step fails, and say so', async () => {
    const dbName = name();
    // Something else already made a store the v2 step creates: createObjectStore throws.
    const db = await openDB(dbName, 1, {
      upgrade(database) {
        database.createObjectStore('interest');
        database
          .createObjectStore('events', { keyPath: 'id', autoIncrement: true })
          .createIndex('byTime', 'time');
        database.createObjectStore('embeddings', { keyPath: 'key' });
        database.createObjectStore('pages');
      },
    });
    await db.add('events', { type: 'view', time: 1 });
    db.close();

    await expect(ProfileStore.open(dbName, { report: () => {} })).rejects.toMatchObject({
      code: 'storage-unavailable',
    });
    const after = await openDB(dbName);
    expect(after.version).toBe(1);
    expect(await after.count('events')).toBe(1);
    after.close();
  });
});

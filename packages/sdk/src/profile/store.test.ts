import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { LocusError } from '../errors.js';
import { addPageView } from './interest.js';
import type { PageRecord } from './schema.js';
import { ProfileStore, STORES_OF } from './store.js';

let n = 0;
const name = () => `store-${n++}`;
const DAY = 86_400_000;

async function open(options: Partial<Parameters<typeof ProfileStore.open>[1]> = {}) {
  const reports: LocusError[] = [];
  const dbName = name();
  const store = await ProfileStore.open(dbName, { report: (e) => reports.push(e), ...options });
  return { store, reports, dbName };
}

function page(key: string, vector: Float32Array, time: number): PageRecord {
  return { key, modelId: 'm', urlHash: key, textHash: 't', vector, time, visits: 1, dwellMs: 0 };
}

/** Adds a page view the way the profile service does (one transaction for interest + page). */
function view(store: ProfileStore, vector: Float32Array, time: number, key = 'p') {
  return store.updateInterest(key, (state) => ({
    state: addPageView(state, vector, 'm', time, 14),
    page: page(key, vector, time),
  }));
}

describe('ProfileStore', () => {
  it('keeps the interest state in memory, and drops it when this tab or another writes', async () => {
    const { store, dbName } = await open();
    const other = await ProfileStore.open(dbName, { report: () => {} });
    expect(await store.interest()).toBeUndefined();
    await view(store, Float32Array.of(1, 0), 1000, 'a');
    expect((await store.interest())?.pageViews).toBe(1);
    expect(await store.interest()).toBe(await store.interest()); // one read, shared
    // Another tab's write reaches this one over the BroadcastChannel.
    await view(other, Float32Array.of(0, 1), 2000, 'b');
    await expect.poll(async () => (await store.interest())?.pageViews).toBe(2);
    await store.sweep(2000 + 400 * DAY); // past retention: the state expires
    expect(await store.interest()).toBeUndefined();
    await view(store, Float32Array.of(1, 0), 3000, 'c');
    await store.clear();
    expect(await store.interest()).toBeUndefined();
    other.close();
    store.close();
  });

  it('persists interests, clusters and events across a reopen', async () => {
    const { store, dbName } = await open();
    await view(store, Float32Array.of(1, 0), 1000, 'a');
    await view(store, Float32Array.of(0, 1), 1000, 'b');
    await store.addEvent({ type: 'click', time: 5, adId: 'ad-1', slot: 'side', urlHash: 'u' });
    store.close();

    const reopened = await ProfileStore.open(dbName, { report: () => {} });
    const interest = await reopened.interest();
    expect(interest?.pageViews).toBe(2);
    expect(Array.from(interest!.vector)).toEqual([1, 1]);
    // Orthogonal pages are two interests, not one averaged into neither.
    expect(interest!.clusters.map((c) => Array.from(c.centroid))).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(await reopened.events()).toEqual([
      { id: 1, type: 'click', time: 5, adId: 'ad-1', slot: 'side', urlHash: 'u' },
    ]);
    expect((await reopened.page('a'))?.vector).toEqual(Float32Array.of(1, 0));
    reopened.close();
  });

  it('does not lose page views written concurrently', async () => {
    const { store } = await open();
    await Promise.all(Array.from({ length: 20 }, () => view(store, Float32Array.of(1), 0)));
    const interest = await store.interest();
    expect(interest?.pageViews).toBe(20);
    expect(interest?.vector[0]).toBe(20);
    store.close();
  });

  it('keeps at most maxEvents, deleting the oldest first', async () => {
    const { store } = await open({ limits: { maxEvents: 10 } });
    for (let i = 0; i < 15; i++) await store.addEvent({ type: 'view', time: 1000 + i });
    expect(await store.countEvents()).toBe(10);
    expect((await store.events()).map((e) => e.time)).toEqual(Array.from({ length: 10 }, (_, i) => 1005 + i));
    store.close();
  });

  it('caches embeddings and evicts the oldest beyond the limit', async () => {
    const { store } = await open({ limits: { maxEmbeddings: 3 } });
    for (let i = 0; i < 5; i++) {
      await store.cacheEmbeddings([{ key: `k${i}`, vector: Float32Array.of(i), createdAt: i }]);
    }
    const found = await store.cachedEmbeddings(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(found.map((v) => v?.[0])).toEqual([undefined, undefined, 2, 3, 4]);
    store.close();
  });

  it('counts exposures per ad and advertiser, per day and per session', async () => {
    const { store } = await open();
    const t0 = new Date(2025, 5, 1, 10, 0).getTime();
    await store.recordExposure('ad-1', 'acme', t0);
    await store.recordExposure('ad-1', 'acme', t0 + 60_000);
    await store.recordExposure('ad-2', 'acme', t0 + 120_000);
    expect(await store.exposures('ad', ['ad-1', 'ad-2', 'ad-3'], t0 + 180_000)).toEqual([
      { id: 'ad-1', today: 2, session: 2, total: 2, lastAt: t0 + 60_000 },
      { id: 'ad-2', today: 1, session: 1, total: 1, lastAt: t0 + 120_000 },
      { id: 'ad-3', today: 0, session: 0, total: 0 },
    ]);
    expect(await store.exposures('advertiser', ['acme'], t0 + 180_000)).toEqual([
      { id: 'acme', today: 3, session: 3, total: 3, lastAt: t0 + 120_000 },
    ]);
    // An hour later: same day, new session. Next day: both reset.
    expect(await store.exposures('ad', ['ad-1'], t0 + 3_600_000)).toEqual([
      { id: 'ad-1', today: 2, session: 0, total: 2, lastAt: t0 + 60_000 },
    ]);
    expect(await store.exposures('ad', ['ad-1'], t0 + DAY)).toEqual([
      { id: 'ad-1', today: 0, session: 0, total: 2, lastAt: t0 + 60_000 },
    ]);
    store.close();
  });

  it('turns impressions into labelled examples; a click labels the latest impression', async () => {
    const { store } = await open();
    await store.addExample({ adId: 'a', time: 1, label: 0, slot: 's', position: 0 });
    await store.addExample({ adId: 'b', time: 2, label: 0 });
    await store.addExample({ adId: 'a', time: 3, label: 0, position: 1 });
    await store.labelClick('a', 4);
    await store.labelClick('c', 5, DAY, 's'); // never shown here: a clicked example of its own
    const examples = await store.examples();
    expect(examples.map(({ adId, time, label }) => [adId, time, label])).toEqual([
      ['a', 1, 0],
      ['b', 2, 0],
      ['a', 3, 1],
      ['c', 5, 1],
    ]);
    store.close();
  });

  it('stores model weights, measurements and the consent choice', async () => {
    const { store } = await open();
    const weights = {
      modelId: 'ctr',
      weights: Float32Array.of(1, 2),
      layoutVersion: 1,
      modelVersion: 7,
      updatedAt: 9,
    };
    await store.saveModelWeights(weights);
    await store.setMeasurement('backend|m|chromium', { backend: 'wasm', ms: 4.2 }, 10);
    await store.saveConsentRecord({ key: 'choice', choice: { profiling: false }, updatedAt: 11 });
    expect(await store.modelWeights('ctr')).toEqual(weights);
    expect(await store.measurement('backend|m|chromium')).toEqual({ backend: 'wasm', ms: 4.2 });
    expect(await store.consentRecord()).toEqual({
      key: 'choice',
      choice: { profiling: false },
      updatedAt: 11,
    });
    store.close();
  });

  it('writes nothing for a purpose without consent, and clears per purpose', async () => {
    let measurement = false;
    const { store } = await open({ allows: (purpose) => purpose !== 'measurement' || measurement });
    expect(await store.addEvent({ type: 'view', time: 1 })).toBe(false);
    await store.recordExposure('a', undefined, 1);
    await view(store, Float32Array.of(1), 1);
    expect(await store.countEvents()).toBe(0);
    expect((await store.dump()).exposures).toEqual([]);
    measurement = true;
    expect(await store.addEvent({ type: 'view', time: 2 })).toBe(true);
    await store.clear(STORES_OF.profiling);
    expect(await store.interest()).toBeUndefined();
    expect(await store.countEvents()).toBe(1); // measurement data is not profiling data
    await store.clear();
    const dump = await store.dump();
    expect(Object.values(dump).every((rows) => rows.length === 0)).toBe(true);
    store.close();
  });

  it('tells other tabs that the profile changed', async () => {
    const { store, dbName } = await open();
    const other = await ProfileStore.open(dbName, { report: () => {} });
    const heard = new Promise<string[]>((resolve) => other.onRemoteChange(resolve));
    await store.addEvent({ type: 'click', time: 1 });
    expect(await heard).toEqual(['events']);
    store.close();
    other.close();
  });
});

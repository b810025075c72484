import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { ProfileStore } from './store.js';

describe('ProfileStore', () => {
  it('persists interests and events across reopen', async () => {
    const store = await ProfileStore.open('t');
    await store.addPageView(Float32Array.of(1, 0), 'm|q8', 1000, 14);
    await store.addPageView(Float32Array.of(0, 1), 'm|q8', 1000, 14);
    await store.addEvent({ type: 'click', time: 5, adId: 'ad-1', slot: 'side' });
    store.close();

    const reopened = await ProfileStore.open('t');
    const interest = await reopened.interest();
    expect(interest?.pageViews).toBe(2);
    expect(Array.from(interest!.vector)).toEqual([1, 1]);
    expect(await reopened.countEvents()).toBe(1);
    const exported = await reopened.export();
    expect(exported.events).toEqual([{ type: 'click', time: 5, adId: 'ad-1', slot: 'side' }]);
    expect(exported.interest).toMatchObject({ vector: [1, 1], pageViews: 2, modelId: 'm|q8' });
    reopened.close();
  });

  it('does not lose page views written concurrently', async () => {
    const store = await ProfileStore.open('c');
    await Promise.all(Array.from({ length: 20 }, () => store.addPageView(Float32Array.of(1), 'm', 0, 14)));
    expect((await store.interest())?.pageViews).toBe(20);
    expect((await store.interest())?.vector[0]).toBe(20);
    store.close();
  });

  it('caches embeddings and clears everything', async () => {
    const store = await ProfileStore.open('e');
    await store.cacheEmbeddings([{ key: 'k1', vector: Float32Array.of(0.5), createdAt: 1 }]);
    expect(await store.cachedEmbeddings(['k1', 'k2'])).toEqual([Float32Array.of(0.5), undefined]);
    await store.addPageView(Float32Array.of(1), 'm', 0, 14);
    await store.addEvent({ type: 'view', time: 1 });
    await store.clear();
    expect(await store.export()).toEqual({ interest: null, events: [] });
    expect(await store.cachedEmbeddings(['k1'])).toEqual([undefined]);
    store.close();
  });

  it('says clearly when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    await expect(ProfileStore.open('x')).rejects.toMatchObject({
      code: 'storage-unavailable',
      message: 'IndexedDB is not available in this browser',
    });
    vi.unstubAllGlobals();
  });
});

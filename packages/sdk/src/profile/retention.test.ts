import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { addPageView } from './interest.js';
import { createWriteLock } from './locks.js';
import { ProfileStore } from './store.js';

const DAY = 86_400_000;
let n = 0;

describe('retention sweep', () => {
  it('deletes what is older than retentionDays in every store, and an expired interest state', async () => {
    const store = await ProfileStore.open(`retention-${n++}`, {
      report: () => {},
      limits: { retentionDays: 30 },
    });
    const now = 100 * DAY;
    for (const age of [40, 31, 29, 1]) {
      const time = now - age * DAY;
      await store.addEvent({ type: 'view', time });
      await store.addExample({ adId: 'a', time, label: 0 });
      await store.recordExposure(`ad-${age}`, undefined, time);
      await store.cacheEmbeddings([{ key: `k${age}`, vector: Float32Array.of(1), createdAt: time }]);
    }
    await store.updateInterest('p', (state) => ({
      state: addPageView(state, Float32Array.of(1), 'm', now - 45 * DAY, 14),
      page: {
        key: 'p',
        modelId: 'm',
        urlHash: 'p',
        textHash: 't',
        vector: Float32Array.of(1),
        time: now - 45 * DAY,
        visits: 1,
        dwellMs: 0,
      },
    }));

    const result = await store.sweep(now);
    expect(result).toEqual({ deleted: 2 * 4 + 1, interestExpired: true });
    const ages = (times: number[]) => times.map((t) => (now - t) / DAY).sort((a, b) => b - a);
    expect(ages((await store.events()).map((e) => e.time))).toEqual([29, 1]);
    expect(ages((await store.examples()).map((e) => e.time))).toEqual([29, 1]);
    const dump = await store.dump();
    expect(dump.exposures).toHaveLength(2);
    expect(dump.embeddings).toHaveLength(2);
    expect(dump.pages).toHaveLength(0);
    expect(await store.interest()).toBeUndefined();
    expect((await store.sweep(now)).deleted).toBe(0); // idempotent
    store.close();
  });

  it('trims to the size limits, oldest first', async () => {
    const store = await ProfileStore.open(`retention-${n++}`, {
      report: () => {},
      limits: { maxExamples: 2, maxEvents: 3 },
    });
    for (let i = 0; i < 5; i++) await store.addExample({ adId: `a${i}`, time: DAY + i, label: 0 });
    await store.sweep(2 * DAY);
    expect((await store.examples()).map((e) => e.adId)).toEqual(['a3', 'a4']);
    store.close();
  });
});

describe('write lock', () => {
  it('uses Web Locks when the browser has them, named after the database', async () => {
    const request = vi.fn((_name: string, task: () => Promise<unknown>) => task());
    const lock = createWriteLock('locus:db', { request } as never);
    expect(await lock(async () => 42)).toBe(42);
    expect(request).toHaveBeenCalledWith('locus:db', expect.any(Function));
  });

  it('falls back to a queue: tasks run one at a time, in order, and a failure does not jam it', async () => {
    const lock = createWriteLock('x', undefined);
    const log: string[] = [];
    const task = (label: string, ms: number, fail = false) =>
      lock(async () => {
        log.push(`start ${label}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${label}`);
        if (fail) throw new Error(label);
      });
    const results = await Promise.allSettled([task('a', 20, true), task('b', 1), task('c', 5)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

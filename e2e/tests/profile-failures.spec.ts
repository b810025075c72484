import { expect, test } from '@playwright/test';
import { FIXTURES, filledAd, learned, locusReady, watchPageErrors } from './helpers.js';
import { exportProfile, impressionStored, info, reportedErrors, type Win } from './profile-helpers.js';

test('no IndexedDB (as in some private modes): contextual ads, a typed report, nothing thrown', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await page.goto(`${FIXTURES}/profile.html?db=no-idb`);
  await locusReady(page);
  expect(await filledAd(page)).toBe('run-shoes'); // the marathon page draws the running ad
  expect((await info(page)).storage).toMatchObject({ available: false, status: 'unavailable' });
  await page.evaluate(() => (window as unknown as Win).locus.track({ type: 'click', adId: 'run-shoes' }));
  expect((await exportProfile(page)).interest).toBeNull();
  expect(await reportedErrors(page)).toEqual([
    'storage-unavailable: IndexedDB is not available in this browser',
  ]);
  expect(pageErrors).toEqual([]);
});

test('a full quota: the cache write gives up the caches (never the events), reports each dropped write, ranking goes on', async ({
  page,
}) => {
  // Chromium's quota override (CDP Storage.overrideQuotaForOrigin) does not bind IndexedDB
  // writes here, so the full disk is injected: from the moment the test says so, every write
  // to the embedding cache fails the way a full origin does, inside the real IndexedDB.
  const pageErrors = watchPageErrors(page);
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (this.name === 'embeddings' && (window as unknown as { diskFull?: boolean }).diskFull) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
  });
  await page.goto(`${FIXTURES}/profile.html?db=quota`);
  await locusReady(page);
  await impressionStored(page);
  await learned(page, 1); // the page's embedding is cached once the model has loaded
  const before = await exportProfile(page);
  expect(before.embeddings.length).toBeGreaterThan(0);

  const ranked = await page.evaluate(async () => {
    const locus = (window as unknown as Win).locus as unknown as { rank(ads?: object[]): Promise<unknown[]> };
    await locus.rank(); // with the model: the catalog and the interest labels are cached first
    (window as unknown as { diskFull: boolean }).diskFull = true;
    const ads = Array.from({ length: 300 }, (_, i) => ({
      id: `bulk-${i}`,
      text: `Marathon training plan ${i}.`,
    }));
    const first = await locus.rank(ads);
    const again = await locus.rank(ads.map((ad) => ({ ...ad, text: `${ad.text} Again.` })));
    return [first.length, again.length];
  });
  expect(ranked).toEqual([300, 300]);
  const errors = await reportedErrors(page);
  expect(errors.filter((e) => e.startsWith('storage-quota'))).toHaveLength(2); // one per failed write, no more
  const after = await exportProfile(page);
  expect(after.embeddings).toEqual([]); // given up first
  expect(after.events).toEqual(before.events); // never pushed out by a cache
  expect(after.interest?.pageViews).toBe(1);
  expect(pageErrors).toEqual([]);
});

import { expect, test } from '@playwright/test';
import { FIXTURES, locusReady, watchPageErrors } from './helpers.js';
import { exportProfile, impressionStored, info, type Win } from './profile-helpers.js';

test('two tabs writing at once lose no events (Web Locks serialize the writes)', async ({ context }) => {
  const tabs = [await context.newPage(), await context.newPage()];
  const pageErrors = tabs.map(watchPageErrors);
  for (const tab of tabs) {
    await tab.goto(`${FIXTURES}/profile.html?db=two-tabs`);
    await locusReady(tab);
    await impressionStored(tab);
  }
  await expect.poll(async () => (await exportProfile(tabs[0]!)).events.length).toBe(2); // one impression per tab
  const before = 2;
  const burst = (tab: (typeof tabs)[number], label: string) =>
    tab.evaluate(
      ([prefix]) =>
        Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (window as unknown as Win).locus.track({ type: 'click', adId: `${prefix}-${i}`, slot: 'side' }),
          ),
        ),
      [label],
    );
  await Promise.all([burst(tabs[0]!, 'a'), burst(tabs[1]!, 'b')]);
  // ...and both learn from a page at the same moment: no lost page view either.
  await Promise.all(
    tabs.map((tab, i) =>
      tab.evaluate(
        (text) => (window as unknown as Win).locus.track({ type: 'view', text }),
        i === 0 ? 'Knead the dough and bake the loaf.' : 'The striker scored in the football match.',
      ),
    ),
  );

  const data = await exportProfile(tabs[0]!);
  const clicks = data.events.filter((e) => e.type === 'click').map((e) => e.adId);
  expect(clicks).toHaveLength(80);
  expect(new Set(clicks).size).toBe(80);
  expect(data.events.length).toBe(before + 82);
  expect(data.interest?.pageViews).toBe(4); // each tab's own page + the two texts
  expect((await info(tabs[0]!)).storage.crossTabLocks).toBe(true);
  // The other tab's counters follow the writes it did not make.
  await expect.poll(async () => (await info(tabs[1]!)).storage.events).toBe(data.events.length);
  expect(pageErrors.flat()).toEqual([]);
});

test('a newer version in another tab: this tab closes its connection, reports storage-outdated, keeps ranking', async ({
  context,
}) => {
  const old = await context.newPage();
  const pageErrors = watchPageErrors(old);
  await old.goto(`${FIXTURES}/profile.html?db=versions`);
  await locusReady(old);

  const newer = await context.newPage();
  await newer.goto(`${FIXTURES}/ads.json`);
  // A newer Locus upgrades the database: it must not be blocked by the old tab.
  const upgraded = await newer.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.open('versions', 99);
        request.onblocked = () => resolve('blocked');
        request.onsuccess = () => {
          request.result.close();
          resolve(`upgraded to ${request.result.version}`);
        };
        request.onerror = () => resolve(`error ${request.error?.name}`);
      }),
  );
  expect(upgraded).toBe('upgraded to 99');

  await old.evaluate(() => (window as unknown as Win).locus.track({ type: 'click', adId: 'run-shoes' }));
  const errors = await old.evaluate(() => (window as unknown as Win).errors);
  expect(errors.filter((e) => e.startsWith('storage-outdated'))).toHaveLength(1);
  expect((await info(old)).storage).toMatchObject({ status: 'outdated', available: false });
  const ranked = await old.evaluate(() => (window as unknown as Win).locus.rank());
  expect(ranked.length).toBeGreaterThan(0);
  expect(pageErrors).toEqual([]);
});

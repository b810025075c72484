import { expect, test } from '@playwright/test';
import { FIXTURES, learned, locusReady, watchPageErrors } from './helpers.js';
import { exportProfile, impressionStored, info, type Win } from './profile-helpers.js';

test('export → clear → export is empty, and info() proves it', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/profile.html?db=export-clear`);
  await locusReady(page);
  await impressionStored(page);
  await learned(page, 1);
  await page.evaluate(() =>
    (window as unknown as Win).locus.track({ type: 'click', adId: 'run-shoes', slot: 'side' }),
  );
  const before = await exportProfile(page);
  expect(before.format).toBe('locus-profile');
  expect(before.interest?.pageViews).toBe(1);
  expect(before.events.length).toBeGreaterThanOrEqual(2);
  expect(before.embeddings.length).toBeGreaterThan(0); // the catalog's cached embeddings
  const usage = await page.evaluate(() =>
    (
      window as unknown as {
        locus: { profile: { usage(): Promise<{ bytes: number; estimate?: { usage: number } }> } };
      }
    ).locus.profile.usage(),
  );
  expect(usage.bytes).toBeGreaterThan(0);
  expect(usage.estimate?.usage).toBeGreaterThan(0); // navigator.storage.estimate()

  await page.evaluate(() => (window as unknown as Win).locus.profile.clear());
  expect((await info(page)).storage).toMatchObject({ pageViews: 0, events: 0, bytes: 0 });
  const after = await exportProfile(page);
  expect({ ...after, exportedAt: 0 }).toEqual({
    format: 'locus-profile',
    version: before.version,
    exportedAt: 0,
    consent: null,
    interest: null,
    events: [],
    pages: [],
    exposures: [],
    examples: [],
    models: [],
    measurements: [],
    embeddings: [],
  });
  expect(pageErrors).toEqual([]);
});

test('dwell time is measured with the Page Visibility API and strengthens the page', async ({ page }) => {
  await page.goto(`${FIXTURES}/profile.html?db=dwell`);
  await locusReady(page);
  await impressionStored(page);
  expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
  const weight = async () => (await exportProfile(page)).interest?.weight ?? 0;
  const before = await weight();
  await page.waitForTimeout(1500);
  // The reader switches tabs: the page becomes hidden.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect
    .poll(async () => (await exportProfile(page)).events.filter((e) => e.type === 'dwell').length)
    .toBe(1);
  const dwell = (await exportProfile(page)).events.find((e) => e.type === 'dwell')!;
  expect(dwell.dwellMs).toBeGreaterThanOrEqual(1500);
  expect(dwell.urlHash).toMatch(/^[0-9a-f]{14}$/);
  expect(await weight()).toBeGreaterThan(before);
  expect((await exportProfile(page)).interest?.pageViews).toBe(1);
});

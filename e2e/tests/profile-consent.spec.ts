import { expect, test } from '@playwright/test';
import { FIXTURES, filledAd, learned, locusReady, watchPageErrors } from './helpers.js';
import {
  cmpDecides,
  databases,
  exportProfile,
  impressionStored,
  info,
  reportedErrors,
  type Win,
} from './profile-helpers.js';

test('TCF: while the CMP waits for the user nothing is stored; accepting starts the profile, withdrawing deletes it', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/cmp.html?cmp=ui&db=tcf-ui`);
  await locusReady(page);
  expect(await filledAd(page)).not.toBe(''); // contextual: the page vs the ads
  expect((await info(page)).consent).toMatchObject({
    storage: false,
    profiling: false,
    settled: false,
    sources: { tcf: { status: 'pending' } },
  });
  expect(await databases(page)).not.toContain('tcf-ui'); // not even an empty database

  // The user accepts purposes 1, 3, 4 (profile) and 7 (measurement): the page they are reading counts.
  await cmpDecides(page, [1, 3, 4, 7]);
  await expect.poll(async () => (await exportProfile(page)).interest?.pageViews).toBe(1);
  expect((await info(page)).consent).toMatchObject({
    storage: true,
    profiling: true,
    measurement: true,
    federation: false,
    settled: true,
    sources: { tcf: { status: 'gdpr-applies', purposeConsents: [1, 3, 4, 7], cmpId: 300 } },
  });
  await page.evaluate(() =>
    (window as unknown as Win).locus.track({ type: 'click', adId: 'run-shoes', slot: 'side' }),
  );
  expect((await exportProfile(page)).events.map((e) => e.type)).toEqual(['click']);

  // Later the user keeps only purpose 1: profile and measurements are deleted at once.
  await cmpDecides(page, [1]);
  await expect.poll(async () => (await exportProfile(page)).interest).toBeNull();
  const after = await exportProfile(page);
  expect(after.events).toEqual([]);
  expect(after.pages).toEqual([]);
  expect(after.examples).toEqual([]);
  expect(await reportedErrors(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('TCF: a returning visitor’s stored choice (tcloaded) applies before the first slot is filled', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/cmp.html?cmp=stored&purposes=1,3,4,7,9,10&db=tcf-stored`);
  await locusReady(page);
  await filledAd(page);
  await learned(page, 1); // the model loads when the page is idle, then the page is learned
  expect((await info(page)).consent).toMatchObject({ profiling: true, federation: true, settled: true });
  expect((await exportProfile(page)).interest?.pageViews).toBe(1);
  const summary = await page.evaluate(() => (window as unknown as Win).locus.profile.summary());
  expect(summary.interests[0]?.label).toBe('Running & fitness');
  const [best] = await page.evaluate(() => (window as unknown as Win).locus.rank());
  expect(best?.explanation.interests[0]?.label).toBe('Running & fitness');
  expect(pageErrors).toEqual([]);
});

test('TCF: GDPR not applicable leaves the default (allowed)', async ({ page }) => {
  await page.goto(`${FIXTURES}/cmp.html?cmp=nogdpr&db=tcf-nogdpr`);
  await locusReady(page);
  expect((await info(page)).consent).toMatchObject({
    storage: true,
    profiling: true,
    sources: { tcf: { status: 'gdpr-not-applicable' } },
  });
});

test('GPC: a browser sending Global Privacy Control gets no profile, contextual ads and counted impressions', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
      get: () => true,
      configurable: true,
    });
  });
  await page.goto(`${FIXTURES}/profile.html?db=gpc`);
  await locusReady(page);
  await impressionStored(page);
  expect((await info(page)).consent).toMatchObject({
    storage: true,
    profiling: false,
    measurement: true,
    federation: false,
    sources: { gpc: true },
  });
  const data = await exportProfile(page);
  expect(data.interest).toBeNull();
  expect(data.events.map((e) => e.type)).toEqual(['view']); // the slot's impression
  const [best] = await page.evaluate(() => (window as unknown as Win).locus.rank());
  expect(best?.explanation).toMatchObject({ interests: [], features: { signal: 'context' } });
  expect(pageErrors).toEqual([]);
});

test('consent.required: nothing until window.locus.setConsent grants it', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/profile.html?db=required&required`);
  await locusReady(page);
  await filledAd(page);
  expect(await databases(page)).not.toContain('required');
  const consent = await page.evaluate(() =>
    (window as unknown as Win).locus.setConsent({ storage: true, profiling: true, measurement: true }),
  );
  expect(consent).toMatchObject({ storage: true, profiling: true, measurement: true });
  await learned(page, 1);
  expect((await exportProfile(page)).interest?.pageViews).toBe(1);
  expect(await databases(page)).toContain('required');
  expect(pageErrors).toEqual([]);
});

import { readFileSync } from 'node:fs';
import type { ProfileExport } from '@locus/sdk';
import { expect, test } from '@playwright/test';
import { DEMO, learned, locusReady, watchPageErrors } from './helpers.js';
import { databases, exportProfile, info } from './profile-helpers.js';

test('the privacy page shows what is kept and why, exports it as JSON, and deletes it all', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  for (const [i, path] of ['/sports/marathon-training.html', '/sports/tennis-serve.html'].entries()) {
    await page.goto(`${DEMO}${path}`);
    await locusReady(page);
    await learned(page, i + 1);
    // The sidebar ad has been in view for a second: its impression is stored.
    await expect
      .poll(async () => (await exportProfile(page)).events.filter((e) => e.type === 'view').length)
      .toBeGreaterThan(i);
  }
  await page.goto(`${DEMO}/privacy.html`);
  await expect(page.locator('body')).toHaveAttribute('data-privacy-ready', 'true');
  // Two articles; the privacy page itself is not read (observePage: false).
  await expect(page.locator('#stats')).toContainText('2pages read');
  await expect(page.locator('#interests li').first()).toContainText('Running & fitness');
  await expect(page.locator('#why > li')).toHaveCount(3);
  await expect(page.locator('#why')).toContainText('Chosen from your interests.');
  await expect(page.locator('#events tr').first()).not.toContainText('No events stored');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  expect(download.suggestedFilename()).toMatch(/^locus-profile-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as ProfileExport;
  expect(exported.format).toBe('locus-profile');
  expect(exported.interest?.pageViews).toBe(2);
  expect(exported.events.filter((e) => e.type === 'view').length).toBeGreaterThanOrEqual(2);

  await page.locator('#delete').click();
  await expect(page.locator('#delete')).toHaveText('Yes, delete everything now');
  await page.locator('#delete').click();
  await expect(page.locator('#delete-done')).toBeVisible();
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-privacy-ready', 'true');
  await expect(page.locator('#stats')).toContainText('0pages read');
  await expect(page.locator('#interests')).toContainText('No interests yet');
  await expect(page.locator('#events')).toContainText('No events stored');
  const after = await page.evaluate(() =>
    (
      window as unknown as { locus: { profile: { export(): Promise<ProfileExport> } } }
    ).locus.profile.export(),
  );
  expect(after.interest).toBeNull();
  expect(after.events).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('consent refused in the CMP banner: ads still fill, and nothing is written to IndexedDB', async ({
  page,
}, testInfo) => {
  const pageErrors = watchPageErrors(page);
  // A visitor under GDPR from the first page on (the privacy page's switch, set before any visit).
  await page.addInitScript(() => localStorage.setItem('commonplace:gdpr-demo', 'on'));
  await page.goto(`${DEMO}/cooking/sourdough.html`);
  await expect(page.locator('.cmp-banner')).toBeVisible();
  await locusReady(page);
  const shot = testInfo.outputPath('consent-banner.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('consent-banner', { path: shot, contentType: 'image/png' });
  await page.locator('.cmp-banner button[data-decision="none"]').click();
  await expect(page.locator('.cmp-banner')).toHaveCount(0);
  await expect.poll(async () => (await info(page)).consent.sources.tcf.status).toBe('gdpr-applies');
  await expect(page.locator('[data-locus-slot="sidebar"]')).toHaveAttribute('data-locus-ad', /.+/);

  await page.goto(`${DEMO}/travel/alpine-rail.html`);
  await locusReady(page);
  await expect(page.locator('.cmp-banner')).toHaveCount(0); // the answer is remembered
  await expect(page.locator('[data-locus-slot="sidebar"]')).toHaveAttribute('data-locus-ad', /.+/);
  await page.waitForTimeout(1500); // the sidebar ad has been in view: nothing may be counted
  expect((await info(page)).consent).toMatchObject({ storage: false, profiling: false, measurement: false });
  expect(await databases(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('Global Privacy Control: the privacy page shows it, profiling and federation are off and cannot be switched on', async ({
  page,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
      get: () => true,
      configurable: true,
    });
  });
  await page.goto(`${DEMO}/privacy.html`);
  await expect(page.locator('body')).toHaveAttribute('data-privacy-ready', 'true');
  await expect(page.locator('#gpc-state')).toHaveText('GPC sent: no profile, no federated learning');
  expect((await info(page)).consent).toMatchObject({
    federation: false,
    profiling: false,
    sources: { gpc: true },
  });
  await expect(page.locator('input[data-purpose="federation"]')).toBeDisabled();
  await expect(page.locator('input[data-purpose="federation"]')).not.toBeChecked();
  await expect(page.locator('input[data-purpose="profiling"]')).toBeDisabled();
  await expect(page.locator('input[data-purpose="measurement"]')).toBeChecked();
});

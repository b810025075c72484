import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config.js';
import { DEMO, filledAd, learned, locusReady } from './helpers.js';

interface Exported {
  interest: { pageViews: number; vector: number[] } | null;
  events: { type: string; adId?: string }[];
}

test('the profile survives a browser restart (same origin, same user-data dir)', async () => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'locus-profile-'));
  const launch = () =>
    chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  const exportProfile = () => () =>
    (window as unknown as { locus: { profile: { export(): Promise<Exported> } } }).locus.profile.export();
  try {
    let context = await launch();
    let page = await context.newPage();
    for (const [i, path] of ['/travel/lisbon-weekend.html', '/travel/alpine-rail.html'].entries()) {
      await page.goto(`${DEMO}${path}`);
      await locusReady(page);
      await filledAd(page, '[data-locus-slot="sidebar"]');
      await learned(page, i + 1);
    }
    const before = await page.evaluate(exportProfile());
    expect(before.interest?.pageViews).toBe(2);
    await context.close();

    context = await launch();
    page = await context.newPage();
    await page.goto(`${DEMO}/`);
    await locusReady(page);
    const homeAd = await filledAd(page, '[data-locus-slot="sidebar"]');
    await learned(page, 3);
    // The home page's impression is counted once its ad has been in view for a second. (Wait
    // for that ad by id: the last page's impression may also have landed after the first export.)
    await expect
      .poll(async () =>
        (await page.evaluate(exportProfile())).events
          .slice(before.events.length)
          .some((e) => e.type === 'view' && e.adId === homeAd),
      )
      .toBe(true);
    const after = await page.evaluate(exportProfile());
    expect(after.interest?.pageViews).toBe(3);
    // Everything recorded before the restart is still there, then this visit's impression.
    // (Dwell events are left out: leaving a page reports its visible time, and whether that
    // write lands before the page is torn down is the browser's call. Likewise an impression of
    // the last page may land between the export above and the browser closing.)
    const ads = (data: Exported) => data.events.filter((event) => event.type !== 'dwell');
    expect(ads(after).slice(0, ads(before).length)).toEqual(ads(before));
    expect(
      ads(after)
        .filter((event) => event.type === 'view')
        .at(-1)?.adId,
    ).toBe(homeAd);
    // The interests, in words, survived too.
    const summary = await page.evaluate(() =>
      (
        window as unknown as {
          locus: { profile: { summary(): Promise<{ interests: { label: string }[] }> } };
        }
      ).locus.profile.summary(),
    );
    expect(summary.interests.map((interest) => interest.label)).toContain('Travel');
    await context.close();
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

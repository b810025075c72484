import { expect, type Page, test } from '@playwright/test';
import { DEMO, filledAd, locusReady, watchPageErrors } from './helpers.js';

interface Ad {
  id: string;
  category: string;
}
interface Ranked {
  id: string;
  score: number;
}

let categories: Map<string, string>;

test.beforeAll(async ({ request }) => {
  const ads = (await (await request.get(`${DEMO}/ads.json`)).json()) as Ad[];
  categories = new Map(ads.map((ad) => [ad.id, ad.category]));
});

async function read(page: Page, path: string): Promise<string> {
  await page.goto(`${DEMO}${path}`);
  await locusReady(page);
  return categories.get(await filledAd(page)) ?? 'unknown';
}

/** The best score per category for this user, as ranked on the current page. */
async function bestByCategory(page: Page): Promise<Record<string, number>> {
  const ranked = await page.evaluate(() =>
    (window as unknown as { locus: { rank(): Promise<Ranked[]> } }).locus.rank(),
  );
  const best: Record<string, number> = {};
  for (const ad of ranked) {
    const category = categories.get(ad.id) ?? 'unknown';
    best[category] = Math.max(best[category] ?? 0, ad.score);
  }
  return best;
}

test('the slot follows what the visitor reads: sports, then cooking', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  expect(await read(page, '/sports/marathon-training.html')).toBe('sports');
  expect(await read(page, '/sports/football-tactics.html')).toBe('sports');

  // On the neutral home page only the profile speaks: sports must lead by a clear margin.
  expect(await read(page, '/')).toBe('sports');
  const afterSports = await bestByCategory(page);
  expect(afterSports.sports).toBeGreaterThan(1.5 * Math.max(afterSports.cooking!, afterSports.travel!));

  for (const path of ['/cooking/sourdough.html', '/cooking/weeknight-pasta.html', '/cooking/spice-guide.html']) {
    expect(await read(page, path)).toBe('cooking');
  }
  expect(await read(page, '/')).toBe('cooking');
  const afterCooking = await bestByCategory(page);
  expect(afterCooking.cooking).toBeGreaterThan(1.5 * Math.max(afterCooking.sports!, afterCooking.travel!));

  const info = await page.evaluate(() =>
    (window as unknown as { locus: { info(): { storage: { pageViews: number } } } }).locus.info(),
  );
  expect(info.storage.pageViews).toBe(7);
  expect(pageErrors).toEqual([]);
});

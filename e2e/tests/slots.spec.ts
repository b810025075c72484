import { expect, test } from '@playwright/test';
import { FIXTURES, locusReady, watchPageErrors } from './helpers.js';
import { adIn, exported, showFraction, slot, viewsOf } from './slot-helpers.js';

let advertiserOf: Map<string, string>;
let landingOf: Map<string, string>;

test.beforeAll(async ({ request }) => {
  const ads = (await (await request.get(`${FIXTURES}/ads.json`)).json()) as {
    id: string;
    advertiser: string;
    landingUrl: string;
  }[];
  advertiserOf = new Map(ads.map((ad) => [ad.id, ad.advertiser]));
  landingOf = new Map(ads.map((ad) => [ad.id, ad.landingUrl]));
});

test('slots reserve their size at once, fill when they near the viewport, and never repeat an ad or advertiser', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/slots.html?db=slots-lazy`);
  await locusReady(page);
  const [a, b] = [await adIn(page, 'top-a'), await adIn(page, 'top-b')];
  expect(a).not.toBe(b);
  expect(advertiserOf.get(a)).not.toBe(advertiserOf.get(b));

  // Far below the fold: reserved, not filled.
  const mid = page.locator(slot('mid'));
  await expect(mid).toHaveAttribute('data-locus-size', '300x250');
  expect(await mid.evaluate((el) => (el as HTMLElement).style.minHeight)).toBe('250px');
  await page.waitForTimeout(500);
  expect(await mid.getAttribute('data-locus-ad')).toBeNull();

  await mid.scrollIntoViewIfNeeded();
  const c = await adIn(page, 'mid');
  expect(new Set([a, b, c]).size).toBe(3);
  expect(new Set([a, b, c].map((id) => advertiserOf.get(id))).size).toBe(3);
  expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('an impression needs half the ad in view for a second; an ad scrolled past is not one', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/slots.html?db=slots-view`);
  await locusReady(page);
  await adIn(page, 'top-a');
  await expect.poll(async () => (await viewsOf(page, 'top-a')).length).toBe(1);

  // 40% of the ad in view for two seconds: filled (it is near), but not seen.
  await showFraction(page, 'mid', 0.4);
  const midAd = await adIn(page, 'mid');
  await page.waitForTimeout(2000);
  expect(await viewsOf(page, 'mid')).toEqual([]);
  // 60% in view: counted after one second, not before.
  const shownAt = await page.evaluate(() => {
    const element = document.querySelector('[data-locus-slot="mid"]')!;
    const top = element.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - window.innerHeight + 250 * 0.6);
    return performance.now();
  });
  await expect.poll(async () => (await viewsOf(page, 'mid')).length).toBe(1);
  const impression = await page.evaluate(
    () => (window as unknown as { impressions: { slot: string; at: number }[] }).impressions,
  );
  const midImpression = impression.find((entry) => entry.slot === 'mid')!;
  expect(midImpression.at - shownAt).toBeGreaterThanOrEqual(1000);
  expect((await viewsOf(page, 'mid'))[0]).toMatchObject({ adId: midAd, slot: 'mid' });
  // The impression became a training example with its ranking position.
  const example = (await exported(page)).examples.find((e) => e.slot === 'mid');
  expect(example).toMatchObject({ adId: midAd, label: 0 });
  expect(example?.position).toBeGreaterThanOrEqual(0);

  // Scrolled to and straight past: filled, never counted.
  await page.locator(slot('low')).scrollIntoViewIfNeeded();
  await adIn(page, 'low');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(2000);
  expect(await viewsOf(page, 'low')).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('a click opens the landing page unchanged and is tracked with its slot, after its impression', async ({
  page,
  context,
}) => {
  const pageErrors = watchPageErrors(page);
  await context.route('https://example.com/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>Landing page</title>' }),
  );
  await page.goto(`${FIXTURES}/slots.html?db=slots-click`);
  await locusReady(page);
  const adId = await adIn(page, 'top-b');
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.locator(`${slot('top-b')} a.creative`).click(),
  ]);
  // Nothing is added to the advertiser's URL: no click id, no page, no profile.
  expect(popup.url()).toBe(landingOf.get(adId));
  await expect
    .poll(async () => (await exported(page)).events.filter((e) => e.slot === 'top-b').map((e) => e.type))
    .toEqual(['view', 'click']);
  const example = (await exported(page)).examples.find((e) => e.slot === 'top-b');
  expect(example).toMatchObject({ adId, label: 1 });
  expect(pageErrors).toEqual([]);
});

test('"Why this ad?" works with the keyboard, explains in words, and page CSS cannot reach the ad', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/slots.html?db=slots-why`);
  await locusReady(page);
  await adIn(page, 'top-a');
  const ad = page.locator(slot('top-a'));

  // The page's `.title, .label { display: none !important }` and red 40px text stay outside.
  await expect(ad.locator('.label')).toBeVisible();
  await expect(ad.locator('.label')).toHaveText('Ad');
  const title = await ad.locator('.title').evaluate((el) => {
    const style = getComputedStyle(el);
    return { color: style.color, size: style.fontSize };
  });
  expect(title).toEqual({ color: 'rgb(20, 24, 29)', size: '16px' });
  // …and the ad's CSS stays inside: the page's own .title paragraph is still hidden.
  await expect(page.locator('main > p.title')).toBeHidden();

  // Keyboard: the ad's link, then Tab to "Why this ad?", Enter opens, Escape closes.
  await ad.locator('a.creative').focus();
  await page.keyboard.press('Tab');
  const why = ad.locator('button.why');
  await expect(why).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(why).toHaveAttribute('aria-expanded', 'true');
  const panel = ad.locator('.panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('Why you are seeing this ad');
  await expect(panel).toContainText('It matches the page you are reading');
  await expect(panel).toContainText('This choice was made on your device');
  await expect(panel.locator('a')).toHaveAttribute('href', '/privacy-info.html');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(why).toBeFocused();
  // Opening the explanation is not a click on the ad.
  expect((await exported(page)).events.filter((e) => e.type === 'click')).toEqual([]);
  expect(pageErrors).toEqual([]);
});

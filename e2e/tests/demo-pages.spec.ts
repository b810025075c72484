import { expect, type Page, type TestInfo, test } from '@playwright/test';
import { DEMO, locusReady, watchPageErrors } from './helpers.js';

/** Sums layout shifts (as CLS counts them) from before the first paint. */
const CLS_PROBE = () => {
  const w = window as unknown as { __cls: number };
  w.__cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
    })[])
      if (!entry.hadRecentInput) w.__cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
};

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: false });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

let advertiserOf: Map<string, string>;

test.beforeAll(async ({ request }) => {
  const ads = (await (await request.get(`${DEMO}/ads.json`)).json()) as { id: string; advertiser: string }[];
  advertiserOf = new Map(ads.map((ad) => [ad.id, ad.advertiser]));
});

test('demo pages: both slots fill with different advertisers, no layout shift, screenshots of every page', async ({
  page,
}, testInfo) => {
  const pageErrors = watchPageErrors(page);
  await page.addInitScript(CLS_PROBE);
  await page.goto(`${DEMO}/`);
  await locusReady(page);
  await expect(page.locator('[data-locus-slot="sidebar"]')).toHaveAttribute('data-locus-ad', /.+/);
  await screenshot(page, testInfo, 'home');

  await page.goto(`${DEMO}/sports/marathon-training.html`);
  await locusReady(page);
  const sidebar = page.locator('[data-locus-slot="sidebar"]');
  const inline = page.locator('[data-locus-slot="in-article"]');
  await expect(sidebar).toHaveAttribute('data-locus-ad', /.+/);
  await expect(inline).toHaveAttribute('data-locus-size', '640x120'); // reserved, the column is wide
  await screenshot(page, testInfo, 'article');
  await inline.scrollIntoViewIfNeeded();
  await expect(inline).toHaveAttribute('data-locus-ad', /.+/);
  const [a, b] = [await sidebar.getAttribute('data-locus-ad'), await inline.getAttribute('data-locus-ad')];
  expect(advertiserOf.get(a!)).not.toBe(advertiserOf.get(b!));
  await inline.locator('button.why').click();
  await expect(inline.locator('.panel')).toBeVisible();
  await screenshot(page, testInfo, 'article-in-article-ad-why');
  expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBe(0);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${DEMO}/travel/lisbon-weekend.html`);
  await locusReady(page);
  await expect(page.locator('[data-locus-slot="in-article"]')).toHaveAttribute('data-locus-size', '300x250');
  await page.locator('[data-locus-slot="in-article"]').scrollIntoViewIfNeeded();
  await expect(page.locator('[data-locus-slot="in-article"]')).toHaveAttribute('data-locus-ad', /.+/);
  await screenshot(page, testInfo, 'article-phone');
  expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBe(0);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.goto(`${DEMO}/about.html`);
  await locusReady(page);
  await expect(page.locator('[data-locus-slot="sidebar"]')).toHaveAttribute('data-locus-ad', /.+/);
  await screenshot(page, testInfo, 'about');

  await page.goto(`${DEMO}/privacy.html`);
  await expect(page.locator('body')).toHaveAttribute('data-privacy-ready', 'true');
  await screenshot(page, testInfo, 'privacy');

  await page.goto(`${DEMO}/federation.html`);
  await expect(page.locator('body')).toHaveAttribute('data-federation-ready', 'true');
  await screenshot(page, testInfo, 'federation');
  expect(pageErrors).toEqual([]);
});

test('first visit: the model download shows its progress under the ad', async ({ page }) => {
  // Every text the status line shows, recorded as it changes (a local download is quick).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { statusTexts: string[] }).statusTexts = seen;
    document.addEventListener('DOMContentLoaded', () => {
      const line = document.querySelector('[data-slot-status]')!;
      new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
  });
  await page.goto(`${DEMO}/cooking/sourdough.html`);
  await expect(page.locator('[data-slot-status]')).toHaveText('On-device model ready · ads are chosen here');
  const texts = await page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
  const downloads = texts.filter((text) =>
    /^First visit: downloading the on-device model · \d+% \(/.test(text),
  );
  expect(downloads.length).toBeGreaterThan(0);
});

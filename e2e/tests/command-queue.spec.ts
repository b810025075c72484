import { expect, test } from '@playwright/test';
import { FIXTURES, filledAd, locusReady, watchPageErrors } from './helpers.js';

test('commands queued before locus.js loads run in order, errors are reported, not thrown', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/queue-before.html`);
  expect(await filledAd(page)).not.toBe('');
  await locusReady(page);
  const state = await page.evaluate(() => {
    const w = window as unknown as {
      log: string[];
      errors: string[];
      locus: { cmd: unknown[] & { push(fn: () => unknown): number } };
    };
    const drained = w.locus.cmd.length;
    w.locus.cmd.push(() => w.log.push('after load'));
    return {
      log: w.log,
      errors: w.errors,
      drained,
      pushReplaced: w.locus.cmd.push !== Array.prototype.push,
    };
  });
  // The queue ran in order and emptied; its push now runs commands at once.
  expect(state.log).toEqual(['queued-1', 'queued-2', 'after load']);
  expect(state.errors).toEqual(['a publisher bug']);
  expect(state.drained).toBe(0);
  expect(state.pushReplaced).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('commands pushed after locus.js loaded run at once', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/queue-after.html`);
  await page.waitForFunction(
    () => (window as unknown as { locus?: { installed?: boolean } }).locus?.installed,
  );
  const ranked = await page.evaluate(async () => {
    const w = window as unknown as {
      log: string[];
      locus: {
        cmd: { push(fn: () => unknown): number };
        init(config: object): Promise<void>;
        rank(): Promise<{ id: string }[]>;
      };
    };
    w.locus.cmd.push(() => w.log.push('ran'));
    const ranAtOnce = w.log.includes('ran');
    w.locus.cmd.push(() => w.locus.init({ catalog: '/ads.json' }));
    w.locus.cmd.push(() => {
      throw new Error('late bug');
    });
    const ids = (await w.locus.rank()).map((ad) => ad.id);
    return { ranAtOnce, ids };
  });
  expect(ranked.ranAtOnce).toBe(true);
  expect(ranked.ids).toHaveLength(9);
  expect(await filledAd(page)).not.toBe('');
  expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors)).toEqual(['late bug']);
  expect(pageErrors).toEqual([]);
});

test('the snippet and locus.js included twice: one core, one init, one fill, and a late third copy changes nothing', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  const coreRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/locus/locus-core.js') coreRequests.push(request.url());
  });
  await page.goto(`${FIXTURES}/double.html`);
  await locusReady(page);
  const adId = await filledAd(page);
  const state = await page.evaluate(async () => {
    type Win = { log: string[]; errors: string[]; locus: { cmd: { push(fn: () => unknown): number } } };
    const w = window as unknown as Win;
    const api = w.locus;
    // A tag manager adds a third copy after everything is installed.
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/locus/locus.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('locus.js did not load'));
      document.head.append(script);
    });
    // And the snippet runs once more: its guard keeps the installed API, its push runs at once.
    (window as unknown as { locus?: unknown }).locus = w.locus || { cmd: [] };
    w.locus.cmd.push(() => w.log.push('third snippet'));
    return { same: api === w.locus, log: w.log, errors: w.errors };
  });
  expect(state.same).toBe(true);
  expect(state.log).toEqual(['first snippet', 'second snippet', 'third snippet']);
  expect(state.errors).toEqual(['locus.init() was called twice; the second call was ignored']);
  await page.waitForTimeout(300);
  expect(coreRequests).toHaveLength(1);
  expect(await page.locator('[data-locus-slot]').getAttribute('data-locus-ad')).toBe(adId);
  expect(pageErrors).toEqual([]);
});

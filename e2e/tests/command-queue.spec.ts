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

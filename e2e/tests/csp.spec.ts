import { expect, type Page, test } from '@playwright/test';
import { FIXTURES, filledAd, locusReady, watchPageErrors } from './helpers.js';

interface CspState {
  errors: string[];
  violations: string[];
  info: { backend: string; encoder: { status: string; runtime?: string; reason?: string } };
}

const state = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { errors: string[]; violations: string[]; locus: { info(): unknown } };
    return { errors: w.errors, violations: w.violations, info: w.locus.info() } as CspState;
  });

/** Violation reports the server received (from the page and from the encoder worker), then emptied. */
async function serverReports(page: Page): Promise<unknown[]> {
  return (await (await page.request.get(`${FIXTURES}/csp-reports`)).json()) as unknown[];
}

const encoderSettled = (page: Page) =>
  page.waitForFunction(() =>
    ['ready', 'failed'].includes(
      (window as unknown as { locus: { info(): { encoder: { status: string } } | null } }).locus.info()
        ?.encoder.status ?? '',
    ),
  );

/** A ranking with the model: the first one loads tfjs and makes a backend current. */
const rankWithModel = (page: Page) =>
  page.evaluate(async () => {
    await (window as unknown as { locus: { rank(): Promise<unknown[]> } }).locus.rank();
  });

test.beforeEach(async ({ page }) => {
  await serverReports(page); // start from an empty report list
});

test('under a strict CSP (nonce, no eval, same-origin workers and fetches) the slot fills and the model loads', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  const response = await page.goto(`${FIXTURES}/csp/index.html?db=strict`);
  expect(response?.headers()['content-security-policy']).toContain(
    "script-src 'self' 'wasm-unsafe-eval' 'nonce-",
  );
  await locusReady(page);
  await filledAd(page); // a first visit: by keywords, in plain JS (no tfjs yet)
  await encoderSettled(page);
  await rankWithModel(page);
  const result = await state(page);
  expect(result.info.backend).toBe('wasm'); // tfjs's WebAssembly runs under 'wasm-unsafe-eval'
  expect(result.info.encoder).toMatchObject({ status: 'ready', runtime: 'lookup' });
  expect(result.errors).toEqual([]);
  expect(result.violations).toEqual([]);
  // The ad's stylesheet is a constructed sheet: style-src 'self' does not block it.
  const label = page.locator('[data-locus-slot] .label');
  expect(await label.evaluate((el) => getComputedStyle(el).position)).toBe('absolute');
  await page.waitForTimeout(500); // reports are sent asynchronously
  expect(await serverReports(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('under a strict CSP a transformer encoder (transformers.js + ONNX Runtime in the worker) loads too', async ({
  page,
}) => {
  test.slow(); // the model measures its devices on first load
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/csp/index.html?db=tiny-bert&model=locus-tiny-bert`);
  await locusReady(page);
  await filledAd(page);
  await encoderSettled(page);
  const result = await state(page);
  expect(result.info.encoder).toMatchObject({ status: 'ready', runtime: 'transformers' });
  expect(result.errors).toEqual([]);
  expect(result.violations).toEqual([]);
  await page.waitForTimeout(500);
  expect(await serverReports(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test("without 'wasm-unsafe-eval' WebAssembly is refused: Locus falls back to a JavaScript backend and still fills", async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/csp/index.html?db=no-wasm&wasm=off`);
  await locusReady(page);
  await filledAd(page);
  await encoderSettled(page);
  await rankWithModel(page);
  const result = await state(page);
  expect(['webgl', 'cpu']).toContain(result.info.backend);
  expect(result.violations.every((v) => v.startsWith('script-src'))).toBe(true);
  expect(pageErrors).toEqual([]);
});

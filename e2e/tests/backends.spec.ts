import { expect, type Page, test } from '@playwright/test';
import { FIXTURES, locusReady, watchPageErrors } from './helpers.js';

interface Info {
  backend: string;
  gpuAdapter?: { architecture: string; isFallbackAdapter: boolean };
}

async function initWith(page: Page, backend: string) {
  await page.goto(`${FIXTURES}/backend.html?backend=${backend}`);
  await locusReady(page);
  // Rank with the same encoder every time: the model loads when the page is idle, and a rank()
  // before that uses the keyword encoder (different vectors, so different pCTRs).
  await page.waitForFunction(() =>
    ['ready', 'failed'].includes(
      (window as unknown as { locus: { info(): { encoder: { status: string } } } }).locus.info().encoder
        .status,
    ),
  );
  return page.evaluate(async () => {
    const locus = (
      window as unknown as {
        locus: { info(): Info; rank(): Promise<{ id: string; pctr: number }[]> };
      }
    ).locus;
    const ranked = await locus.rank();
    return { info: locus.info(), ranked, errors: (window as unknown as { errors: string[] }).errors };
  });
}

test('the WebGPU backend is really used when asked for (SwiftShader here)', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  const webgpu = await initWith(page, 'webgpu');
  expect(webgpu.errors).toEqual([]);
  expect(webgpu.info.backend).toBe('webgpu');
  expect(webgpu.info.gpuAdapter?.architecture).toBe('swiftshader');
  expect(webgpu.ranked).toHaveLength(9);

  const wasm = await initWith(page, 'wasm');
  expect(wasm.errors).toEqual([]);
  expect(wasm.info.backend).toBe('wasm');
  // Same model, same inputs: both backends agree on every score.
  const onWasm = new Map(wasm.ranked.map((ad) => [ad.id, ad.pctr]));
  for (const ad of webgpu.ranked) expect(ad.pctr).toBeCloseTo(onWasm.get(ad.id)!, 4);
  expect(pageErrors).toEqual([]);
});

test('an unknown backend is a typed error, reported to the page', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(`${FIXTURES}/backend.html?backend=tpu`);
  await page.waitForFunction(() => (window as unknown as { errors: string[] }).errors.length > 0);
  const errors = await page.evaluate(() => (window as unknown as { errors: string[] }).errors);
  expect(errors[0]).toMatch(/unknown backend "tpu"/);
  expect(pageErrors).toEqual([]);
});

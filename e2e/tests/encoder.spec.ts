import { expect, type Page, test } from '@playwright/test';
import { FIXTURES, locusReady, watchPageErrors } from './helpers.js';

interface EncoderInfo {
  status: string;
  runtime?: string;
  device?: string;
  choice?: { device: string; trials: { device: string; ok: boolean; batchMs?: number }[] };
}
type Win = {
  errors: string[];
  progress: { file: string; loaded: number; total: number }[];
  locus: { info(): { encoder: EncoderInfo }; rank(): Promise<{ id: string }[]> };
};

async function open(page: Page, model: string, dtype: string) {
  await page.goto(`${FIXTURES}/encoder.html?model=${model}&dtype=${dtype}`);
  await locusReady(page);
  await page.waitForFunction(() => {
    const status = (window as unknown as Win).locus.info().encoder.status;
    return status === 'ready' || status === 'failed';
  });
  return page.evaluate(async () => {
    const w = window as unknown as Win;
    const ranked = await w.locus.rank();
    return {
      encoder: w.locus.info().encoder,
      top: ranked.slice(0, 3).map((ad) => ad.id),
      errors: w.errors,
      progress: w.progress,
    };
  });
}

test('the default model runs in plain JS in the worker: no ONNX Runtime is downloaded', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  const result = await open(page, 'locus-glove-sif', 'q4');
  expect(result.errors).toEqual([]);
  expect(result.encoder).toMatchObject({ status: 'ready', runtime: 'lookup', device: 'js' });
  expect(result.top.slice(0, 2)).toEqual(expect.arrayContaining(['dutch-oven']));
  expect(requested.filter((path) => path.includes('/ort/') || path.includes('transformers'))).toEqual([]);
  expect(requested).toContain('/locus/models/locus-glove-sif/onnx/model_q4.onnx');
  expect(result.progress.some((p) => p.file.endsWith('model_q4.onnx') && p.loaded === p.total)).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('a transformer model runs on transformers.js, on the device that measured fastest', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors = watchPageErrors(page);
  const result = await open(page, 'locus-tiny-bert', 'q8');
  expect(result.errors).toEqual([]);
  expect(result.encoder).toMatchObject({ status: 'ready', runtime: 'transformers' });
  const trials = result.encoder.choice?.trials ?? [];
  // SwiftShader gives this headless Chromium a WebGPU adapter: both devices are tried and timed.
  expect(trials.map((t) => t.device)).toEqual(['webgpu', 'wasm']);
  const ran = trials.filter((t) => t.ok && t.batchMs !== undefined);
  expect(ran.length).toBeGreaterThan(0);
  const fastest = ran.reduce((a, b) => (a.batchMs! <= b.batchMs! ? a : b));
  expect(result.encoder.device).toBe(fastest.device);
  expect(result.top[0]).toBe('dutch-oven');
  expect(pageErrors).toEqual([]);
});

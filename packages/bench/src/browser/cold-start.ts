import type { Browser } from 'playwright-core';
import { echoPageErrors, freshContext } from './chromium.js';
import type { StaticServer } from './static-server.js';

export interface ColdStart {
  /** From the page's first inline script to `locus.ready` (createLocus done: core, tfjs backend, IndexedDB). */
  initMs: number;
  /** … to `locus.info().encoder.status === 'ready'` (worker up, model downloaded and loaded). */
  readyMs: number;
  /** … to the first page text embedded (`track({ type: 'view' })` resolved, model eager). */
  firstEmbeddingMs: number;
  /** The SDK's own figure for the worker + model load (`info().encoder.loadMs`). */
  encoderLoadMs: number;
  runtime: string;
  device: string;
}

/**
 * A page with the script-tag snippet and nothing else. The cold start is measured through the
 * script-tag build (locus.js → locus-core.js → lazy chunks → encoder worker), because that is
 * what a publisher ships; the npm build's worker cannot start in a Vite-built page today (its
 * worker asset keeps bare imports; see the bench report).
 */
export const COLD_START_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Locus cold start</title><link rel="icon" href="data:,">
<script>
  const t0 = performance.now();
  const q = new URLSearchParams(location.search);
  const errors = [];
  window.addEventListener('locus:error', (event) => errors.push(event.detail.message));
  window.locus = window.locus || { cmd: [] };
  window.coldStart = new Promise((resolve, reject) => {
    locus.cmd.push(async () => {
      // init() creates Locus, then observes the page (waiting for the eager model) and fills slots.
      const init = locus.init({
        backend: 'wasm',
        encoder: { model: q.get('model'), dtype: q.get('dtype'), load: 'eager' },
        storage: { dbName: q.get('db') },
      });
      await locus.ready;
      const initMs = performance.now() - t0;
      let readyMs = NaN;
      const poll = setInterval(() => {
        if (Number.isNaN(readyMs) && locus.info()?.encoder.status === 'ready') readyMs = performance.now() - t0;
      }, 2);
      await locus.track({ type: 'view', text: q.get('text') });
      const firstEmbeddingMs = performance.now() - t0;
      clearInterval(poll);
      await init;
      const info = locus.info();
      if (!info || info.encoder.status !== 'ready' || info.storage.pageViews < 1) {
        reject(new Error('the encoder did not load: ' + (errors.join('; ') || JSON.stringify(info))));
        return;
      }
      if (Number.isNaN(readyMs)) readyMs = firstEmbeddingMs;
      const { loadMs, runtime, device } = info.encoder;
      resolve({ initMs, readyMs, firstEmbeddingMs, encoderLoadMs: loadMs, runtime, device });
    });
  });
</script>
<script async src="/locus/locus.js"></script>
</head><body><p>Locus cold start</p></body></html>`;

/** One cold start in a fresh context: empty HTTP cache, empty IndexedDB. */
export async function measureColdStart(
  browser: Browser,
  server: StaticServer,
  { model, dtype, text, run }: { model: string; dtype: string; text: string; run: number },
): Promise<ColdStart> {
  const context = await freshContext(browser);
  echoPageErrors(context, `cold start ${model} ${dtype}`);
  try {
    const page = await context.newPage();
    const query = new URLSearchParams({ model, dtype, text, db: `bench-cold-${run}` });
    await page.goto(`${server.origin}/cold-start.html?${query}`);
    return (await page.evaluate(
      () => (window as unknown as { coldStart: Promise<unknown> }).coldStart,
    )) as ColdStart;
  } finally {
    await context.close();
  }
}

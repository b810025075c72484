import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { BENCH_DIR, builtModelsDir, ortWebDistDir, requireSdkNpmBuild, sdkCdnDir } from './artefacts.js';
import { COLD_START_PAGE } from './cold-start.js';
import type { BenchApi } from './page/main.js';
import type { ServedPaths } from './page/protocol.js';
import { type StaticServer, startStaticServer } from './static-server.js';

const PAGE_SOURCE = join(import.meta.dirname, 'page');
const PAGE_OUT = join(BENCH_DIR, 'dist', 'browser-page');

/** Where the bench server mounts each folder; the page gets these as ServedPaths. */
export const SERVED: ServedPaths = { models: '/models/', ort: '/ort/', locusAssets: '/locus/' };

/**
 * Builds the bench page with Vite as an app would: public exports of @locus/sdk resolved to
 * their built files (no source condition), onnxruntime-web's wasm left out of the bundle
 * (`onnxruntime-web-use-extern-wasm`: it is served from /ort/ instead).
 */
export async function buildBenchPage(): Promise<string> {
  requireSdkNpmBuild();
  await build({
    configFile: false,
    root: PAGE_SOURCE,
    base: '/bench/',
    logLevel: 'warn',
    resolve: { conditions: [...defaultClientConditions, 'onnxruntime-web-use-extern-wasm'] },
    worker: { format: 'es' },
    build: {
      outDir: PAGE_OUT,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1_000_000,
    },
  });
  return PAGE_OUT;
}

/**
 * Builds the page and serves it with the models, ONNX Runtime and the SDK's CDN folder (and the
 * models again under /locus/models/, where the script-tag build looks for them by default).
 */
export async function startBenchServer(): Promise<StaticServer> {
  const mounts = [
    { prefix: SERVED.models, dir: builtModelsDir() },
    { prefix: `${SERVED.locusAssets}models/`, dir: builtModelsDir() },
    { prefix: SERVED.ort, dir: ortWebDistDir() },
    { prefix: SERVED.locusAssets, dir: sdkCdnDir() },
  ];
  const page = await buildBenchPage();
  return startStaticServer({
    mounts: [...mounts, { prefix: '/bench/', dir: page }],
    pages: { '/cold-start.html': COLD_START_PAGE },
  });
}

/** Opens the bench page in `context` and waits until its API is installed. */
export async function openBenchPage(context: BrowserContext, server: StaticServer): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.origin}/bench/index.html`);
  await page.waitForFunction(() => 'bench' in window, undefined, { timeout: 30_000 });
  return page;
}

/** Calls one of the page's benchmark functions with JSON options and returns its JSON result. */
export async function callBench<K extends keyof BenchApi>(
  page: Page,
  name: K,
  options: Parameters<BenchApi[K]>[0],
): Promise<Awaited<ReturnType<BenchApi[K]>>> {
  return page.evaluate(
    ([fn, opts]) =>
      (window as unknown as { bench: Record<string, (o: unknown) => Promise<unknown>> }).bench[fn]!(opts),
    [name, options] as const,
  ) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
}

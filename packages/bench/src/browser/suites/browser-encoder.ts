import { syntheticCatalog } from '../../ads.js';
import { type Row, summarize } from '../../harness.js';
import { isModelBuilt } from '../artefacts.js';
import { callBench, openBenchPage, SERVED, startBenchServer } from '../bench-page.js';
import { echoPageErrors, freshContext, withChromium } from '../chromium.js';
import { measureColdStart } from '../cold-start.js';
import type { EncoderBenchResult, TimedSample } from '../page/protocol.js';
import { formatTimings, type SuiteReport } from '../report.js';

export interface BrowserEncoderOptions {
  models: string[];
  dtypes: ('fp32' | 'q8' | 'q4')[];
  texts: number;
  iterations: number;
  /** WebGPU batch for transformer models: SwiftShader is slow, a smaller batch keeps the suite in minutes. */
  webgpuTexts: number;
  coldStarts: number;
}

const PAGE_TEXT =
  'Sixteen weeks to your first marathon: long runs, tempo runs and easy days, so you reach the start line healthy and finish the race strong.';

type EncoderRow = Row & { items: number };

const LABELS: Record<string, string> = {
  locus: 'Locus encoder',
  'bare-wasm': 'bare transformers.js pipeline',
  'locus-webgpu': 'Locus encoder',
  'bare-webgpu': 'bare transformers.js pipeline',
  'cache-hit': 'CachedEncoder hit (all in memory)',
  'cache-miss': 'CachedEncoder miss, model warm',
  'cache-cold': 'cold: fresh loadEncoder + first embed',
};

function row(prefix: string, sample: TimedSample): EncoderRow {
  const name = `${prefix} ${LABELS[sample.variant] ?? sample.variant}, ${sample.items} texts`;
  return { ...summarize({ name, backend: sample.backend, times: sample.times }), items: sample.items };
}

const rate = (r: EncoderRow) => Math.round((r.items / r.medianMs) * 1000);

/** Rows of one model × dtype, with the ratios the targets are about. */
function rowsOf(prefix: string, result: EncoderBenchResult): { rows: EncoderRow[]; checks: string[] } {
  const by = (variant: string) => result.samples.find((s) => s.variant === variant);
  const get = (variant: string) => {
    const sample = by(variant);
    return sample ? row(prefix, sample) : undefined;
  };
  const [locus, bareWasm, locusGpu, bareGpu, hit, miss, cold] = [
    'locus',
    'bare-wasm',
    'locus-webgpu',
    'bare-webgpu',
    'cache-hit',
    'cache-miss',
    'cache-cold',
  ].map(get);
  const checks: string[] = [];
  if (locus && bareWasm) {
    locus.ratio = locus.medianMs / bareWasm.medianMs;
    checks.push(
      `${prefix} ${rate(locus)} texts/s (Locus, ${locus.backend}) vs ${rate(bareWasm)} texts/s (bare pipeline, wasm): ratio ${locus.ratio.toFixed(2)}× (target ≤ 1.10×)`,
    );
  }
  if (locusGpu && bareGpu) {
    locusGpu.ratio = locusGpu.medianMs / bareGpu.medianMs;
    checks.push(
      `${prefix} WebGPU: Locus ${rate(locusGpu)} texts/s vs bare pipeline ${rate(bareGpu)} texts/s on ${bareGpu.backend} (batch ${bareGpu.items}): ratio ${locusGpu.ratio.toFixed(2)}×`,
    );
  } else if (bareGpu && locus && bareWasm) {
    // The lookup encoder has no GPU path: the bare WebGPU pipeline is compared with bare wasm.
    bareGpu.ratio = bareGpu.medianMs / bareWasm.medianMs;
    checks.push(
      `${prefix} WebGPU: bare pipeline ${rate(bareGpu)} texts/s on ${bareGpu.backend} (batch ${bareGpu.items}), ${bareGpu.ratio.toFixed(2)}× the time of bare wasm; Locus (no GPU path for per-token models) ${(bareGpu.medianMs / locus.medianMs).toFixed(1)}× faster than it`,
    );
  }
  if (result.webgpu.error) checks.push(`${prefix} WebGPU not measured: ${result.webgpu.error}`);
  if (hit && cold && miss) {
    hit.ratio = hit.medianMs / cold.medianMs;
    checks.push(
      `${prefix} cache hit ${(cold.medianMs / hit.medianMs).toFixed(0)}× faster than cold (target ≥ 50×), ${(miss.medianMs / hit.medianMs).toFixed(0)}× than a warm miss`,
    );
  }
  for (const a of result.agreement) {
    checks.push(`${prefix} Locus vs ${a.against}: embeddings max |Δ| ${a.maxAbsDiff.toExponential(1)}`);
  }
  const rows = [locus, bareWasm, locusGpu, bareGpu, hit, miss, cold].filter((r): r is EncoderRow => !!r);
  return { rows, checks };
}

/**
 * Chromium: each model × dtype in its own page (one run interleaving the Locus encoder with the
 * bare pipeline), then cold starts through createLocus, each in a fresh context (empty cache).
 */
export async function browserEncoderSuite(options: BrowserEncoderOptions): Promise<SuiteReport> {
  const texts = syntheticCatalog(options.texts).map((ad) => ad.text);
  const server = await startBenchServer();
  const rows: EncoderRow[] = [];
  const coldRows: Row[] = [];
  const checks: string[] = [];
  const raw: unknown[] = [];
  try {
    await withChromium(async (browser) => {
      for (const model of options.models) {
        if (!isModelBuilt(model)) {
          checks.push(`${model}: not built, skipped (run: npx pnpm@12.21.0 --filter @locus/models build)`);
          continue;
        }
        for (const dtype of options.dtypes) {
          const prefix = `${model} ${dtype}:`;
          console.error(`  ${prefix} throughput and cache…`);
          const context = await freshContext(browser);
          echoPageErrors(context, prefix);
          const page = await openBenchPage(context, server);
          const result = await callBench(page, 'encoder', {
            paths: SERVED,
            model,
            dtype,
            texts,
            webgpuTexts: options.webgpuTexts,
            iterations: options.iterations,
            warmup: 1,
          });
          await context.close();
          const summary = rowsOf(prefix, result);
          rows.push(...summary.rows);
          checks.push(...summary.checks);

          console.error(`  ${prefix} cold starts…`);
          const starts = [];
          for (let run = 0; run < options.coldStarts; run++) {
            starts.push(await measureColdStart(browser, server, { model, dtype, text: PAGE_TEXT, run }));
          }
          const where = `${starts[0]!.runtime} on ${starts[0]!.device} in a worker, Chromium`;
          coldRows.push(
            summarize({
              name: `${prefix} locus.ready (createLocus done)`,
              backend: 'wasm (tfjs), Chromium',
              times: starts.map((s) => s.initMs),
            }),
            summarize({
              name: `${prefix} … encoder status 'ready'`,
              backend: where,
              times: starts.map((s) => s.readyMs),
            }),
            summarize({
              name: `${prefix} … first embedding done`,
              backend: where,
              times: starts.map((s) => s.firstEmbeddingMs),
            }),
            summarize({
              name: `${prefix} (SDK's own encoder loadMs)`,
              backend: where,
              times: starts.map((s) => s.encoderLoadMs),
            }),
          );
          raw.push({ model, dtype, result, coldStarts: starts });
        }
      }
    });
  } finally {
    await server.close();
  }
  return {
    tables: [
      formatTimings(`Text encoders, ${texts.length} short ad texts (Chromium, headless)`, rows, [
        { header: 'texts/s', cell: (r) => String(rate(r)) },
      ]),
      formatTimings(
        'Encoder cold start, script-tag build, encoder.load "eager", fresh context each (ms from first script)',
        coldRows,
      ),
    ],
    checks: [
      ...checks,
      'Locus encoder timings: loadEncoder() in the page main thread (createLocus runs the same code in a worker; postMessage cost not included).',
      'Cold start: script-tag snippet → locus.ready → info().encoder.status === "ready" → first track({ type: "view" }) embedded, ms from the page\'s first script; empty HTTP cache and IndexedDB each time.',
    ],
    data: { rows, coldRows, raw },
  };
}

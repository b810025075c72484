import { type Row, summarize } from '../../harness.js';
import { callBench, openBenchPage, SERVED, startBenchServer } from '../bench-page.js';
import { echoPageErrors, freshContext, withChromium } from '../chromium.js';
import type { RankBenchResult } from '../page/protocol.js';
import { formatTimings, type SuiteReport } from '../report.js';

export interface BrowserRankOptions {
  backends: ('wasm' | 'webgpu')[];
  sizes: number[];
  /** Timed runs per size, per backend (SwiftShader WebGPU is 50-100× slower than wasm here). */
  iterations: Record<'wasm' | 'webgpu', number[]>;
  warmup: number;
}

const PAGE_TEXT =
  'Sixteen weeks to your first marathon: long runs, tempo runs and easy days, so you reach the start line healthy and finish the race strong.';

const NAMES: Record<string, string> = {
  rank: 'rank(), cached embeddings',
  'rank-slots': 'rank({ limit: 3 }) (three slots), cached embeddings',
  bare: 'bare tfjs predict, same model and inputs',
};

/**
 * Chromium: rank() of 100 / 1,000 / 10,000 candidates against the bare tfjs predict of the
 * same model on the same tensors, interleaved, one fresh page per backend (tfjs's backend is
 * global to a page).
 */
export async function browserRankSuite(options: BrowserRankOptions): Promise<SuiteReport> {
  const server = await startBenchServer();
  const rows: Row[] = [];
  const checks: string[] = [];
  const raw: RankBenchResult[] = [];
  try {
    await withChromium(async (browser) => {
      for (const backend of options.backends) {
        console.error(`  rank on ${backend}…`);
        const context = await freshContext(browser);
        echoPageErrors(context, `rank ${backend}`);
        try {
          const page = await openBenchPage(context, server);
          const result = await callBench(page, 'rank', {
            paths: SERVED,
            backend,
            sizes: options.sizes,
            iterations: options.iterations[backend],
            warmup: options.warmup,
            pageText: PAGE_TEXT,
          });
          raw.push(result);
          checks.push(...result.checks);
          for (const size of options.sizes) {
            const of = (variant: string) => {
              const sample = result.samples.find((s) => s.size === size && s.variant === variant)!;
              const name = `${NAMES[variant]}, ${size.toLocaleString('en')} ads`;
              return summarize({ name, backend: sample.backend, times: sample.times });
            };
            const [rank, slots, bare] = [of('rank'), of('rank-slots'), of('bare')];
            rank.ratio = rank.medianMs / bare.medianMs;
            slots.ratio = slots.medianMs / bare.medianMs;
            rows.push(rank, slots, bare);
          }
        } catch (err) {
          // One backend failing (e.g. no WebGPU adapter) must not hide the other's figures.
          checks.push(`${backend}: not measured: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          await context.close();
        }
      }
    });
  } finally {
    await server.close();
  }
  for (const variant of ['rank', 'rank-slots']) {
    const at1000 = rows.find(
      (r) =>
        r.name.startsWith(NAMES[variant]!) && r.name.endsWith(' 1,000 ads') && r.backend.startsWith('wasm'),
    );
    if (at1000) {
      checks.push(
        `target: ${NAMES[variant]} of 1,000 on wasm in Chromium ≤ 5 ms (median ${at1000.medianMs.toFixed(2)} ms) and ≤ 1.3× bare predict (${at1000.ratio?.toFixed(2)}×)`,
      );
    }
  }
  return {
    tables: [
      formatTimings('rank() vs bare tfjs predict (Chromium, headless); ratio = median / bare predict', rows),
    ],
    checks,
    data: { rows, raw },
  };
}

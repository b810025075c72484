#!/usr/bin/env node
// Runs named benchmarks, prints a table per suite and writes JSON (bench-results/<suite>.json).
//   pnpm --filter @locus/bench bench [rank] [--iterations N] [--out DIR]
// Chromium suites (run only when named): browser-encoder, browser-rank, page-weight,
// bundle-sizes, web-vitals. bundle-sizes exits non-zero when a size budget is exceeded.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BROWSER_SUITES } from './browser/suites/index.js';
import { formatTable, writeResults } from './harness.js';
import { aggregatorSuite, formatThroughputTable } from './suites/aggregator.js';
import { encoderSuite } from './suites/encoder.js';
import { profileSuite } from './suites/profile.js';
import { profileChromiumSuite } from './suites/profile-chromium.js';
import { rankSuite } from './suites/rank.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    // No defaults here for the browser suites: each has its own (Chromium runs cost more).
    iterations: { type: 'string' },
    warmup: { type: 'string' },
    ads: { type: 'string' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../../bench-results') },
  },
});

const iterations = Number(values.iterations ?? 30);
const warmup = Number(values.warmup ?? 3);
const ads = Number(values.ads ?? 1000);

const SUITES = {
  aggregator: async () => {
    const { rows, throughput, checks } = await aggregatorSuite({
      clients: 100,
      parameters: 10_000,
      dropoutRates: [0, 0.3],
      repeats: Math.min(Number(values.iterations), 5),
    });
    console.log(formatThroughputTable(throughput));
    return { title: 'Aggregation rounds through the HTTP handlers (Node)', rows, checks, throughput };
  },
  encoder: async () => {
    const { rows, checks } = await encoderSuite({
      models: ['locus-glove-sif', 'locus-tiny-bert'],
      dtypes: ['fp32', 'q8', 'q4'],
      texts: ads,
      iterations: Math.min(iterations, 10),
    });
    return { title: 'Text encoders (Node)', rows, checks };
  },
  rank: async () => {
    const { rows, checks } = await rankSuite({
      ads,
      backends: ['wasm', 'cpu'],
      iterations,
      warmup,
    });
    return { title: 'rank() vs bare tfjs predict (Node)', rows, checks };
  },
  profile: async () => {
    const { rows, checks } = await profileSuite({
      iterations: Number(values.iterations),
      warmup: Number(values.warmup),
    });
    return { title: 'profile: track(), observePage(), storage (Node)', rows, checks };
  },
  'profile-chromium': async () => {
    const { rows, checks } = await profileChromiumSuite({
      iterations: Number(values.iterations),
      warmup: Number(values.warmup),
    });
    return { title: 'profile: track(), observePage(), storage (headless Chromium)', rows, checks };
  },
};

const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const browserArgs = {
  iterations: number(values.iterations),
  warmup: number(values.warmup),
  ads: number(values.ads),
};

const names = positionals.length > 0 ? positionals : Object.keys(SUITES);
const known = [...Object.keys(SUITES), ...Object.keys(BROWSER_SUITES)];
let failed = false;
for (const name of names) {
  const browserSuite = BROWSER_SUITES[name];
  if (browserSuite) {
    console.error(`running ${name}…`);
    let report: Awaited<ReturnType<typeof browserSuite>>;
    try {
      report = await browserSuite(browserArgs);
    } catch (err) {
      // Missing Chromium or builds, timeouts: one clear line, not a stack trace.
      console.error(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      failed = true;
      continue;
    }
    for (const table of report.tables) console.log(`${table}\n`);
    for (const check of report.checks) console.log(`- ${check}`);
    for (const failure of report.failures ?? []) console.log(`FAIL: ${failure}`);
    const path = writeResults(values.out!, name, { suite: name, date: new Date().toISOString(), ...report });
    console.log(`(written to ${path})\n`);
    failed ||= (report.failures ?? []).length > 0;
    continue;
  }
  const suite = SUITES[name as keyof typeof SUITES];
  if (!suite) {
    console.error(`unknown suite "${name}" (known: ${known.join(', ')})`);
    process.exit(2);
  }
  console.error(`running ${name}…`);
  const result = await suite();
  console.log(formatTable(result.title, result.rows));
  for (const check of result.checks) console.log(`- ${check}`);
  const path = writeResults(values.out!, name, { suite: name, date: new Date().toISOString(), ...result });
  console.log(`(written to ${path})\n`);
}
if (failed) process.exit(1);

#!/usr/bin/env node
// Runs named benchmarks, prints their tables and writes JSON (bench-results/<suite>.json).
//   pnpm --filter @locus/bench bench [suite...] [--iterations N] [--warmup N] [--ads N] [--sizes 100,1000]
// Node suites: see suites/node-suites.ts (`eval` and `simulation` need LOCUS_DATA_DIR or ../shared/data;
// add --quick for a smoke run).
// Chromium suites: browser-encoder, browser-rank, page-weight, bundle-sizes (fails over budget), web-vitals.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BROWSER_SUITES } from './browser/suites/index.js';
import { formatTable, writeResults } from './harness.js';
import { DEFAULT_SUITES, NODE_SUITES, type SuiteArgs } from './suites/node-suites.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    iterations: { type: 'string' },
    warmup: { type: 'string' },
    ads: { type: 'string' },
    sizes: { type: 'string', default: '100,1000,10000' },
    quick: { type: 'boolean', default: false },
    datasets: { type: 'string', default: 'movielens,criteo' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../../bench-results') },
  },
});

const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const args: SuiteArgs = {
  iterations: number(values.iterations) ?? 30,
  warmup: number(values.warmup) ?? 3,
  ads: number(values.ads) ?? 1000,
  sizes: values.sizes!.split(',').map(Number),
  quick: values.quick!,
  datasets: values.datasets!.split(',') as SuiteArgs['datasets'],
};
// Chromium suites choose their own defaults (a browser run costs more).
const browserArgs = {
  iterations: number(values.iterations),
  warmup: number(values.warmup),
  ads: number(values.ads),
};

const names = positionals.length > 0 ? positionals : DEFAULT_SUITES;
const known = [...Object.keys(NODE_SUITES), ...Object.keys(BROWSER_SUITES)];
let failed = false;
for (const name of names) {
  const nodeSuite = NODE_SUITES[name];
  const browserSuite = BROWSER_SUITES[name];
  if (!nodeSuite && !browserSuite) {
    console.error(`unknown suite "${name}" (known: ${known.join(', ')})`);
    process.exit(2);
  }
  console.error(`running ${name}…`);
  try {
    const result = nodeSuite ? await nodeSuite(args) : await browserSuite!(browserArgs);
    const tables = 'tables' in result && result.tables ? result.tables : [];
    if ('rows' in result && result.rows) console.log(formatTable(String(result.title ?? name), result.rows));
    for (const table of tables) console.log(`${table}\n`);
    for (const check of result.checks) console.log(`- ${check}`);
    const failures = 'failures' in result ? ((result.failures as string[] | undefined) ?? []) : [];
    for (const failure of failures) console.log(`FAIL: ${failure}`);
    const path = writeResults(values.out!, name, { suite: name, date: new Date().toISOString(), ...result });
    console.log(`(written to ${path})\n`);
    failed ||= failures.length > 0 || ('failed' in result && result.failed === true);
  } catch (err) {
    // Missing Chromium, builds or data; timeouts: one clear line, not a stack trace.
    console.error(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    failed = true;
  }
}
if (failed) process.exit(1);

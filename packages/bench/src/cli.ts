#!/usr/bin/env node
// Runs named benchmarks, prints a table per suite and writes JSON (bench-results/<suite>.json).
//   pnpm --filter @locus/bench bench [rank] [--iterations N] [--out DIR]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, writeResults } from './harness.js';
import { aggregatorSuite, formatThroughputTable } from './suites/aggregator.js';
import { encoderSuite } from './suites/encoder.js';
import { rankSuite } from './suites/rank.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    iterations: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    ads: { type: 'string', default: '1000' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../../bench-results') },
  },
});

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
      texts: Number(values.ads),
      iterations: Math.min(Number(values.iterations), 10),
    });
    return { title: 'Text encoders (Node)', rows, checks };
  },
  rank: async () => {
    const { rows, checks } = await rankSuite({
      ads: Number(values.ads),
      backends: ['wasm', 'cpu'],
      iterations: Number(values.iterations),
      warmup: Number(values.warmup),
    });
    return { title: 'rank() vs bare tfjs predict (Node)', rows, checks };
  },
};

const names = positionals.length > 0 ? positionals : Object.keys(SUITES);
for (const name of names) {
  const suite = SUITES[name as keyof typeof SUITES];
  if (!suite) {
    console.error(`unknown suite "${name}" (known: ${Object.keys(SUITES).join(', ')})`);
    process.exit(2);
  }
  console.error(`running ${name}…`);
  const result = await suite();
  console.log(formatTable(result.title, result.rows));
  for (const check of result.checks) console.log(`- ${check}`);
  const path = writeResults(values.out!, name, { suite: name, date: new Date().toISOString(), ...result });
  console.log(`(written to ${path})\n`);
}

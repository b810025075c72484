#!/usr/bin/env node
// Runs named benchmarks, prints a table per suite and writes JSON (bench-results/<suite>.json).
//   pnpm --filter @locus/bench bench [rank] [--iterations N] [--out DIR]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, writeResults } from './harness.js';
import { profileSuite } from './suites/profile.js';
import { profileChromiumSuite } from './suites/profile-chromium.js';
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
  rank: async () => {
    const { rows, checks } = await rankSuite({
      ads: Number(values.ads),
      backends: ['wasm', 'cpu'],
      iterations: Number(values.iterations),
      warmup: Number(values.warmup),
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

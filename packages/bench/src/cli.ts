#!/usr/bin/env node
// Runs named benchmarks, prints a table per suite and writes JSON (bench-results/<suite>.json).
//   pnpm --filter @locus/bench bench [rank] [--iterations N] [--out DIR]
//   pnpm --filter @locus/bench bench eval [--quick] [--datasets movielens,criteo]
// `eval` reads evaluation data from LOCUS_DATA_DIR or ../shared/data (never from the repository).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { syntheticCatalog } from './ads.js';
import { formatEvaluation, runEvaluation } from './eval/run.js';
import { formatTable, writeResults } from './harness.js';
import { bareEmbeddings, PAGE, rankSuite } from './suites/rank.js';
import { rankModelSuite } from './suites/rank-model.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    iterations: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    ads: { type: 'string', default: '1000' },
    sizes: { type: 'string', default: '100,1000,10000' },
    out: { type: 'string', default: resolve(import.meta.dirname, '../../../bench-results') },
    quick: { type: 'boolean', default: false },
    datasets: { type: 'string', default: 'movielens,criteo' },
  },
});

const SUITES = {
  rank: async () => {
    const sizes = values.sizes!.split(',').map(Number);
    const catalog = syntheticCatalog(Math.max(...sizes));
    const [page] = [await bareEmbeddings([PAGE])];
    const embeddings = await bareEmbeddings(catalog.map((ad) => ad.text));
    const model = await rankModelSuite({
      sizes,
      backends: ['wasm', 'cpu'],
      iterations: Number(values.iterations),
      warmup: Number(values.warmup),
      embeddings: { vectors: embeddings, dim: embeddings.length / catalog.length },
      interests: [page!, page!],
    });
    const endToEnd = await rankSuite({
      ads: Number(values.ads),
      backends: ['wasm', 'cpu'],
      iterations: Number(values.iterations),
      warmup: Number(values.warmup),
    });
    return {
      title: 'CTR model serving path vs bare tfjs predict; locus.rank() end to end (Node)',
      rows: [...model.rows, ...endToEnd.rows],
      checks: [...model.checks, ...endToEnd.checks],
    };
  },
};

/** Suites run when none is named (eval trains models for minutes and needs data: name it). */
const DEFAULT_SUITES = ['rank'];

const names = positionals.length > 0 ? positionals : DEFAULT_SUITES;
for (const name of names) {
  if (name === 'eval') {
    console.error('running eval… (progress on stderr)');
    const report = await runEvaluation({
      quick: values.quick,
      datasets: values.datasets!.split(',') as ('movielens' | 'criteo')[],
      log: (message) => console.error(message),
    });
    console.log(formatEvaluation(report));
    const path = writeResults(values.out!, 'eval', {
      suite: 'eval',
      date: new Date().toISOString(),
      ...report,
    });
    console.log(`(written to ${path})\n`);
    if (report.missing.length > 0) process.exitCode = 1;
    continue;
  }
  const suite = SUITES[name as keyof typeof SUITES];
  if (!suite) {
    console.error(`unknown suite "${name}" (known: ${[...Object.keys(SUITES), 'eval'].join(', ')})`);
    process.exit(2);
  }
  console.error(`running ${name}…`);
  const result = await suite();
  console.log(formatTable(result.title, result.rows));
  for (const check of result.checks) console.log(`- ${check}`);
  const path = writeResults(values.out!, name, { suite: name, date: new Date().toISOString(), ...result });
  console.log(`(written to ${path})\n`);
}

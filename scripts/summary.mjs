#!/usr/bin/env node
// Sums the vitest and Playwright JSON reports into the line CI reads: "N passed, N failed".
// A report that is missing counts as one failure: a suite that did not run did not pass.
import { existsSync, readFileSync } from 'node:fs';

export function countVitest(report) {
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + (report.numRuntimeErrors ?? 0),
  };
}

export function countPlaywright(report) {
  const stats = report.stats ?? {};
  return {
    passed: stats.expected ?? 0,
    failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0) + (report.errors?.length ?? 0),
  };
}

export function summarize(reports) {
  let passed = 0;
  let failed = 0;
  for (const { path, count } of reports) {
    if (!existsSync(path)) {
      console.error(`summary: ${path} is missing (that suite did not run)`);
      failed += 1;
      continue;
    }
    const result = count(JSON.parse(readFileSync(path, 'utf8')));
    passed += result.passed;
    failed += result.failed;
  }
  return { passed, failed };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [unit, e2e] = process.argv.slice(2);
  const { passed, failed } = summarize([
    { path: unit, count: countVitest },
    { path: e2e, count: countPlaywright },
  ]);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

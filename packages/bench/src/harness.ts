import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Sample {
  /** What was measured, e.g. "rank() 1,000 ads". */
  name: string;
  /** Where it ran, e.g. "wasm (Node)". */
  backend: string;
  /** Milliseconds per run. */
  times: number[];
}

export interface Row {
  name: string;
  backend: string;
  runs: number;
  minMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Median relative to the row this one is compared with (same backend), when there is one. */
  ratio?: number;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The median of `values` (0 when there are none: a table cell, not an error). */
export function median(values: readonly number[]): number {
  return values.length === 0
    ? 0
    : quantile(
        [...values].sort((a, b) => a - b),
        0.5,
      );
}

/** The arithmetic mean of `values` (0 when there are none). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summarize({ name, backend, times }: Sample): Row {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    name,
    backend,
    runs: sorted.length,
    minMs: sorted[0]!,
    medianMs: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1]!,
  };
}

/**
 * Times `run` after `warmup` untimed calls. Runs of two variants are interleaved by the caller
 * (see `compare`) so that machine noise hits both alike.
 */
export async function time(run: () => Promise<unknown>, iterations: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times;
}

/** Measures two variants alternately, one call each per round, and returns both samples. */
export async function compare(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  { warmup, iterations }: { warmup: number; iterations: number },
): Promise<[number[], number[]]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < iterations; i++) {
    ta.push(...(await time(a, 1)));
    tb.push(...(await time(b, 1)));
  }
  return [ta, tb];
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function formatTable(title: string, rows: Row[]): string {
  const header = ['benchmark', 'backend', 'runs', 'min ms', 'median ms', 'p95 ms', 'max ms', 'ratio'];
  const body = rows.map((r) => [
    r.name,
    r.backend,
    String(r.runs),
    fmt(r.minMs),
    fmt(r.medianMs),
    fmt(r.p95Ms),
    fmt(r.maxMs),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `## ${title}`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

export function writeResults(dir: string, suite: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${suite}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

import type { Row } from '../harness.js';

/** A markdown table with padded columns (the Node suites' format, any columns). */
export function formatGrid(title: string, header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [
    `## ${title}`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

export const ms = (value: number) =>
  !Number.isFinite(value)
    ? '-'
    : value >= 100
      ? value.toFixed(0)
      : value >= 10
        ? value.toFixed(1)
        : value.toFixed(2);

export const ratio = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value)
    ? ''
    : `${value < 0.01 ? value.toPrecision(2) : value.toFixed(2)}×`;

/** Timing rows (min/median/p95/max + ratio) with optional extra columns after the ratio. */
export function formatTimings<R extends Row>(
  title: string,
  rows: R[],
  extra: { header: string; cell: (row: R) => string }[] = [],
): string {
  const header = ['benchmark', 'backend', 'runs', 'min ms', 'median ms', 'p95 ms', 'max ms', 'ratio'];
  return formatGrid(
    title,
    [...header, ...extra.map((e) => e.header)],
    rows.map((r) => [
      r.name,
      r.backend,
      String(r.runs),
      ms(r.minMs),
      ms(r.medianMs),
      ms(r.p95Ms),
      ms(r.maxMs),
      ratio(r.ratio),
      ...extra.map((e) => e.cell(r)),
    ]),
  );
}

export const kb = (bytes: number) => (bytes / 1024).toFixed(bytes < 10 * 1024 ? 2 : 1);
export const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

/** What a suite hands the CLI: printed tables, check lines, JSON data and whether it failed. */
export interface SuiteReport {
  tables: string[];
  checks: string[];
  data: unknown;
  /** Non-empty: the command exits non-zero (e.g. a size budget was exceeded). */
  failures?: string[];
}

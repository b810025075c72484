import { mean } from '../harness.js';
import type { CentralResult } from './central.js';
import { describeStrategy } from './options.js';
import type { FederatedRunResult } from './simulation.js';

/** What a federated row must reach: HR@10 within `maxGap` of the central model's. */
export interface QualityTarget {
  label: string;
  maxGap: number;
}

export interface SimulationRow {
  run: string;
  strategy: string;
  /** What each device ran ("SGD η 0.2, 4 × 32"), or the central training. */
  local: string;
  rounds: number;
  samplingRate: number;
  expectedCohort: number;
  meanCohort: number;
  dropoutRate: number;
  clippingBound: number | null;
  noiseMultiplier: number | null;
  epsilon: number | null;
  hr10: number;
  ndcg10: number;
  gapToCentral: number | null;
  target: string;
  seconds: number;
}

export function federatedRow(
  result: FederatedRunResult,
  central: CentralResult,
  target: QualityTarget | null,
): SimulationRow {
  const { options } = result;
  const completed = result.rounds.filter((r) => r.outcome === 'completed');
  const gap = central.hr10 - result.final.hr10;
  return {
    run: options.label,
    local: `${options.local.optimizer === 'sgd' ? 'SGD' : 'Adam'} ${options.local.learningRate}, ${options.local.steps} steps × ${options.local.batchPositives}`,
    strategy: describeStrategy(options.strategy, {
      cohortSize: options.expectedCohort,
      clippingBound: options.clippingBound,
      noiseMultiplier: result.noiseMultiplier,
    }),
    rounds: completed.length,
    samplingRate: result.samplingRate,
    expectedCohort: options.expectedCohort,
    meanCohort: mean(completed.map((r) => r.cohort)),
    dropoutRate: options.dropoutRate,
    clippingBound: options.clippingBound,
    noiseMultiplier: result.noiseMultiplier,
    epsilon: result.epsilon,
    hr10: result.final.hr10,
    ndcg10: result.final.ndcg10,
    gapToCentral: gap,
    target: target
      ? `≤ ${target.maxGap} below central: ${gap <= target.maxGap ? 'met' : `missed by ${(gap - target.maxGap).toFixed(3)}`}`
      : '–',
    seconds: result.seconds.total,
  };
}

export function centralRow(central: CentralResult, label: string): SimulationRow {
  return {
    run: label,
    strategy: `Adam, ${central.epochs} epochs (best ${central.bestEpoch} on validation)`,
    local: '–',
    rounds: 0,
    samplingRate: 1,
    expectedCohort: 0,
    meanCohort: 0,
    dropoutRate: 0,
    clippingBound: null,
    noiseMultiplier: null,
    epsilon: null,
    hr10: central.hr10,
    ndcg10: central.ndcg10,
    gapToCentral: null,
    target: '–',
    seconds: central.seconds,
  };
}

function table(title: string, header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [title, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join(
    '\n',
  );
}

const fixed = (value: number | null, digits: number) => (value === null ? '–' : value.toFixed(digits));

export function formatSimulationTable(rows: SimulationRow[], heading: string): string {
  return table(
    heading,
    [
      'run',
      'server optimizer',
      'local steps',
      'rounds',
      'q',
      'cohort (exp / mean)',
      'dropouts',
      'C',
      'σ',
      'ε (δ 1e-6)',
      'HR@10',
      'NDCG@10',
      'HR gap to central',
      'target',
      'seconds',
    ],
    rows.map((r) => [
      r.run,
      r.strategy,
      r.local,
      r.rounds === 0 ? '–' : String(r.rounds),
      r.rounds === 0 ? '–' : r.samplingRate.toFixed(4),
      r.rounds === 0 ? '–' : `${r.expectedCohort} / ${r.meanCohort.toFixed(1)}`,
      r.rounds === 0 ? '–' : `${Math.round(r.dropoutRate * 100)}%`,
      fixed(r.clippingBound, 2),
      fixed(r.noiseMultiplier, 3),
      r.rounds === 0 ? '–' : r.epsilon === null ? '∞ (no noise)' : r.epsilon.toFixed(2),
      r.hr10.toFixed(3),
      r.ndcg10.toFixed(3),
      fixed(r.gapToCentral, 3),
      r.target,
      r.seconds.toFixed(0),
    ]),
  );
}

/** HR@10 (NDCG@10) of every run at every evaluated round, one column per run. */
export function formatCurveTable(results: FederatedRunResult[]): string {
  const rounds = [...new Set(results.flatMap((r) => r.curve.map((p) => p.round)))].sort((a, b) => a - b);
  return table(
    '## Learning curves: test HR@10 (NDCG@10) by round',
    ['round', ...results.map((r) => r.options.label)],
    rounds.map((round) => [
      String(round),
      ...results.map((r) => {
        const point = r.curve.find((p) => p.round === round);
        return point ? `${point.hr10.toFixed(3)} (${point.ndcg10.toFixed(3)})` : '';
      }),
    ]),
  );
}

/** The rounds that went through the real aggregator, and how they compared with the protocol. */
export function formatAggregatorRounds(results: FederatedRunResult[]): string {
  const body = results.flatMap((result) =>
    result.aggregatorRounds.map((a) => [
      result.options.label,
      String(a.round),
      `${a.cohort} / ${a.contributors} / ${a.dropouts}`,
      a.check
        ? a.check.kind === 'exact'
          ? `exact: max dev ${a.check.measured.toExponential(1)} ≤ ${a.check.expected.toExponential(1)}: ${a.check.ok ? 'ok' : 'FAIL'}`
          : `noise: σ̂ ${a.check.measured.toFixed(4)} vs σ ${a.check.expected.toFixed(4)}: ${a.check.ok ? 'ok' : 'FAIL'}`
        : 'not completed',
      a.aggregatorRoundEpsilon === null
        ? '–'
        : `${a.aggregatorRoundEpsilon.toFixed(4)} / ${fixed(a.simulationRoundEpsilon, 4)}`,
      Math.round(a.meanBytesPerContributor).toLocaleString('en'),
      Math.round(a.bytesPerUnsampled).toLocaleString('en'),
      a.peakMemoryMb.toFixed(0),
      a.seconds.toFixed(1),
    ]),
  );
  return table(
    '## Rounds through the real aggregator (SDK round client over app.request)',
    [
      'run',
      'round',
      'cohort / contributors / dropouts',
      'aggregate vs protocol',
      'round ε: aggregator / simulation',
      'bytes up per contributor',
      'bytes up per unsampled',
      'peak heap MB',
      'seconds',
    ],
    body,
  );
}

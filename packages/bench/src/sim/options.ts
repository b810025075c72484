import { createStrategy, type FixedRoundOptions, type Strategy, type StrategyChoice } from '@locus/protocol';
import type { LocalTrainingOptions } from './movielens-clients.js';

/** Everything one federated run depends on. */
export interface FederatedRunOptions {
  /** Shown in tables: "no DP", "ε = 8", ... */
  label: string;
  rounds: number;
  /** Expected cohort; q = expectedCohort / clients, each client joins a round with probability q. */
  expectedCohort: number;
  /** K: rounds with fewer sampled clients are abandoned (the aggregator's --min-cohort). */
  minCohort: number;
  /** Cap on the cohort (the aggregator's --max-cohort): set well above the expected size. */
  maxCohort: number;
  /** Fraction of each cohort that shares keys and then vanishes before uploading. */
  dropoutRate: number;
  clippingBound: number;
  /** Target ε after `rounds` rounds at δ (σ from noiseMultiplierForEpsilon), or null: no noise. */
  targetEpsilon: number | null;
  delta: number;
  /** The server optimizer (the aggregator's `--strategy`). */
  strategy: StrategyChoice;
  local: LocalTrainingOptions;
  /** Evaluate HR@10 / NDCG@10 every this many rounds (and after the last). */
  evaluateEvery: number;
  /**
   * Rounds (1-based) that go through the real aggregator in process with the SDK's round client;
   * the others through `protocolRound`. Each aggregator round is checked against the protocol.
   */
  aggregatorRounds: number[];
  seed: number;
}

/** The run's server optimizer: the protocol's, with FedAdam's τ raised to the noise (adaptivityFloor). */
export function runStrategy(options: StrategyChoice, fixed: FixedRoundOptions): Strategy<unknown> {
  return createStrategy(
    options.name === 'fedadam' ? { ...options, tau: adaptivityFloor(options.tau, fixed) } : options,
    fixed,
  );
}

/**
 * FedAdam's τ: never below the noise's standard deviation on one coordinate of the mean update
 * (σ·C / cohort). Adam divides each coordinate by its own scale, so with a smaller τ a coordinate
 * that receives only noise (an id row no sampled client touched) would move by the full server
 * rate every round. Without noise τ can be tiny, which lets the rarely touched rows learn. The
 * aggregator takes τ as configured (`--adam-tau`): this floor is the simulation's choice.
 */
export function adaptivityFloor(tau: number, fixed: FixedRoundOptions): number {
  return Math.max(tau, (fixed.noiseMultiplier * fixed.clippingBound) / fixed.cohortSize);
}

export function describeStrategy(options: StrategyChoice, fixed: FixedRoundOptions): string {
  if (options.name === 'fedavg') return `FedAvg (η ${options.serverLearningRate})`;
  const tau = adaptivityFloor(options.tau, fixed);
  return `FedAdam (η ${options.serverLearningRate}, β ${options.beta1}/${options.beta2}, τ ${tau < 1e-3 ? tau.toExponential(0) : tau.toPrecision(2)})`;
}

import { requireArgument } from '../protocol-error.js';

/**
 * What to average, kept apart from how the sum is computed (secagg/) and how it is protected
 * (dp/), as in Flower: a strategy configures each round and turns the round's aggregate into
 * the next global weights. Its state is plain data (number arrays), so the server stores it as
 * JSON beside the model and a restart resumes the optimizer exactly.
 */
export interface RoundContext {
  /** The round about to start: 1 for the first. */
  round: number;
  /** Eligible clients that checked in and could be sampled. */
  availableClients: number;
}

export interface RoundConfiguration {
  /** Clients to admit to the cohort. */
  cohortSize: number;
  /** L2 bound C every client clips its update to. */
  clippingBound: number;
  /** σ: the server adds N(0, (σC)²) to the sum. 0 disables central DP. */
  noiseMultiplier: number;
}

export interface AggregationInput {
  globalWeights: Float32Array;
  /** Σ of the surviving clients' clipped updates, dequantized, with the central noise added. */
  noisyUpdateSum: Float64Array;
  /** How many clients' updates are in the sum. */
  contributors: number;
}

export interface AggregationResult<State> {
  weights: Float32Array;
  state: State;
}

export interface Strategy<State> {
  readonly name: string;
  initialState(parameterCount: number): State;
  configureRound(context: RoundContext): RoundConfiguration;
  aggregate(input: AggregationInput, state: State): AggregationResult<State>;
}

export interface FixedRoundOptions {
  cohortSize: number;
  clippingBound: number;
  noiseMultiplier: number;
}

export function checkFixedRoundOptions(options: FixedRoundOptions): void {
  requireArgument(
    Number.isInteger(options.cohortSize) && options.cohortSize >= 2,
    'cohortSize must be an integer ≥ 2',
  );
  requireArgument(
    Number.isFinite(options.clippingBound) && options.clippingBound > 0,
    'clippingBound must be a positive number',
  );
  requireArgument(
    Number.isFinite(options.noiseMultiplier) && options.noiseMultiplier >= 0,
    'noiseMultiplier must be ≥ 0',
  );
}

/** The same cohort size (capped by availability), bound and noise every round. */
export function fixedRoundConfiguration(
  options: FixedRoundOptions,
  context: RoundContext,
): RoundConfiguration {
  return {
    cohortSize: Math.min(options.cohortSize, context.availableClients),
    clippingBound: options.clippingBound,
    noiseMultiplier: options.noiseMultiplier,
  };
}

/** The average update: the noisy sum over the contributors. */
export function meanUpdate(input: AggregationInput): Float64Array {
  requireArgument(
    input.noisyUpdateSum.length === input.globalWeights.length,
    'the update sum and the weights differ in length',
  );
  requireArgument(
    Number.isInteger(input.contributors) && input.contributors >= 1,
    'contributors must be ≥ 1',
  );
  return input.noisyUpdateSum.map((value) => value / input.contributors);
}

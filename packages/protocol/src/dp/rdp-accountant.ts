import { requireArgument } from '../protocol-error.js';
import { logAdd, logErfc, logSub } from './special-functions.js';

/**
 * Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (Mironov, Talwar & Zhang
 * 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism"), the same computation as
 * TF-Privacy's `compute_rdp` / Opacus's `_compute_rdp`: integer orders by the binomial expansion
 * (their Section 3.3), fractional orders by the two-sided erfc series (Section 3.2).
 *
 * The mechanism: each client joins a round independently with probability q (Poisson
 * sampling), each update is clipped to L2 norm C, and the server adds N(0, (σC)²) to the sum.
 * Neighbouring datasets differ by one client's presence (add/remove adjacency).
 */

/** Orders α used by TF-Privacy and Opacus: 1.1, 1.2, …, 10.9 and 12, 13, …, 63. */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
]);

export interface SampledGaussianParams {
  /** Probability q that a given client takes part in a round (expected cohort / population). */
  samplingRate: number;
  /** σ: the noise standard deviation divided by the clipping bound. */
  noiseMultiplier: number;
}

// Terms of the fractional-order series below e^-30 relative to O(1) no longer change the sum.
const SERIES_CUTOFF = -30;
const MAX_SERIES_TERMS = 100_000;

/** log A_α for integer α: log Σ_i C(α,i) (1−q)^(α−i) q^i exp((i² − i) / (2σ²)). */
function logAInteger(q: number, sigma: number, alpha: number): number {
  let logA = Number.NEGATIVE_INFINITY;
  let logBinomial = 0; // log C(α, i), updated incrementally
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinomial += Math.log((alpha - i + 1) / i);
    const term =
      logBinomial + i * Math.log(q) + (alpha - i) * Math.log1p(-q) + (i * i - i) / (2 * sigma * sigma);
    logA = logAdd(logA, term);
  }
  return logA;
}

/** log A_α for fractional α: the series split at z0 = σ² log(1/q − 1) + 1/2 (Mironov et al. §3.2). */
function logAFractional(q: number, sigma: number, alpha: number): number {
  let logA0 = Number.NEGATIVE_INFINITY;
  let logA1 = Number.NEGATIVE_INFINITY;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const sqrt2Sigma = Math.SQRT2 * sigma;
  let binomial = 1; // the generalized binomial coefficient C(α, i); negative for some i
  for (let i = 0; i < MAX_SERIES_TERMS; i++) {
    if (i > 0) binomial *= (alpha - i + 1) / i;
    const logCoefficient = Math.log(Math.abs(binomial));
    const j = alpha - i;
    const logT0 = logCoefficient + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logCoefficient + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (binomial > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < SERIES_CUTOFF) return logAdd(logA0, logA1);
  }
  throw new RangeError(`RDP series did not converge for q=${q}, σ=${sigma}, α=${alpha}`);
}

function checkMechanism({ samplingRate, noiseMultiplier }: SampledGaussianParams): void {
  requireArgument(samplingRate >= 0 && samplingRate <= 1, 'samplingRate must be in [0, 1]');
  requireArgument(noiseMultiplier >= 0 && !Number.isNaN(noiseMultiplier), 'noiseMultiplier must be ≥ 0');
}

/** RDP ε(α) of one round at order α. */
export function rdpOfOneRound(params: SampledGaussianParams, order: number): number {
  checkMechanism(params);
  requireArgument(order > 1, 'RDP orders must be > 1');
  const { samplingRate: q, noiseMultiplier: sigma } = params;
  if (q === 0) return 0;
  if (sigma === 0 || order === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  // Without subsampling the mechanism is the plain Gaussian: D_α = α / (2σ²).
  if (q === 1) return order / (2 * sigma * sigma);
  const logA = Number.isInteger(order) ? logAInteger(q, sigma, order) : logAFractional(q, sigma, order);
  return logA / (order - 1);
}

/** RDP of `rounds` rounds at each order: RDP composes by addition. */
export function rdpOfRounds(
  params: SampledGaussianParams,
  rounds: number,
  orders: readonly number[] = DEFAULT_RDP_ORDERS,
): number[] {
  requireArgument(Number.isInteger(rounds) && rounds >= 0, 'rounds must be a non-negative integer');
  return orders.map((order) => rounds * rdpOfOneRound(params, order));
}

/**
 * How an RDP curve becomes (ε, δ):
 * - `improved`: ε = RDP(α) + log((α−1)/α) − (log δ + log α)/(α − 1), from Canonne, Kamath &
 *   Steinke 2020 (Prop. 12) and Asoodeh et al. 2020, as in TF-Privacy's `compute_epsilon` and
 *   Opacus; also ε = 0 when δ² + e^(−RDP) > 1 (the KL bound).
 * - `classic`: ε = RDP(α) + log(1/δ)/(α − 1) (Mironov 2017, Prop. 3), looser.
 */
export type RdpConversion = 'improved' | 'classic';

export interface PrivacySpent {
  epsilon: number;
  /** The order α at which the minimum over orders was attained. */
  order: number;
}

/** The smallest ε over the orders for the given δ. */
export function epsilonFromRdp(
  orders: readonly number[],
  rdp: readonly number[],
  delta: number,
  conversion: RdpConversion = 'improved',
): PrivacySpent {
  requireArgument(orders.length === rdp.length && orders.length > 0, 'orders and rdp must pair up');
  requireArgument(delta > 0 && delta < 1, 'delta must be in (0, 1)');
  let best: PrivacySpent = { epsilon: Number.POSITIVE_INFINITY, order: orders[0]! };
  for (let k = 0; k < orders.length; k++) {
    const alpha = orders[k]!;
    const value = rdp[k]!;
    requireArgument(alpha > 1, 'RDP orders must be > 1');
    requireArgument(value >= 0, 'RDP values cannot be negative');
    let epsilon: number;
    if (conversion === 'classic') {
      epsilon = value - Math.log(delta) / (alpha - 1);
    } else if (delta * delta + Math.expm1(-value) > 0) {
      epsilon = 0;
    } else if (alpha > 1.01) {
      epsilon = value + Math.log1p(-1 / alpha) - Math.log(delta * alpha) / (alpha - 1);
    } else {
      epsilon = Number.POSITIVE_INFINITY;
    }
    if (epsilon < best.epsilon) best = { epsilon, order: alpha };
  }
  return { epsilon: Math.max(0, best.epsilon), order: best.order };
}

export interface PrivacyQuery extends SampledGaussianParams {
  rounds: number;
  delta: number;
  orders?: readonly number[];
  conversion?: RdpConversion;
}

/** (ε, δ) after `rounds` identical rounds. */
export function privacySpent(query: PrivacyQuery): PrivacySpent {
  const orders = query.orders ?? DEFAULT_RDP_ORDERS;
  return epsilonFromRdp(orders, rdpOfRounds(query, query.rounds, orders), query.delta, query.conversion);
}

export interface NoiseSearch {
  targetEpsilon: number;
  samplingRate: number;
  rounds: number;
  delta: number;
  orders?: readonly number[];
  conversion?: RdpConversion;
  /** Stop when the bracket is narrower than this fraction of σ. Default 1e-4. */
  relativeTolerance?: number;
}

/**
 * The smallest noise multiplier σ (up to the tolerance, rounded up so the target holds) whose ε
 * after `rounds` rounds is at most `targetEpsilon`, by bisection: ε decreases as σ grows.
 */
export function noiseMultiplierForEpsilon(search: NoiseSearch): number {
  const { targetEpsilon, samplingRate, rounds, delta } = search;
  requireArgument(targetEpsilon > 0, 'targetEpsilon must be positive');
  requireArgument(samplingRate > 0 && samplingRate <= 1, 'samplingRate must be in (0, 1]');
  requireArgument(Number.isInteger(rounds) && rounds >= 1, 'rounds must be a positive integer');
  const tolerance = search.relativeTolerance ?? 1e-4;
  const epsilonAt = (noiseMultiplier: number) =>
    privacySpent({
      samplingRate,
      noiseMultiplier,
      rounds,
      delta,
      ...(search.orders ? { orders: search.orders } : {}),
      ...(search.conversion ? { conversion: search.conversion } : {}),
    }).epsilon;
  let high = 1;
  while (epsilonAt(high) > targetEpsilon) {
    high *= 2;
    requireArgument(high < 1e6, 'no noise multiplier below 1e6 reaches the target ε');
  }
  let low = high / 2;
  while (low > 1e-3 && epsilonAt(low) <= targetEpsilon) {
    high = low;
    low /= 2;
  }
  while (high - low > tolerance * high) {
    const middle = (low + high) / 2;
    if (epsilonAt(middle) <= targetEpsilon) high = middle;
    else low = middle;
  }
  return high;
}

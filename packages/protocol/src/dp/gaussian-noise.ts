import { requireArgument } from '../protocol-error.js';
import { type RandomSource, randomUint32s } from '../random/random-source.js';

const TWO_POW_53 = 2 ** 53;

/**
 * `count` independent N(0, standardDeviation²) samples by the Box–Muller transform over uniforms
 * with 53 random bits each, drawn from `random` (the platform CSPRNG in production).
 *
 * Caveat, stated rather than hidden: like every floating-point Gaussian sampler this is not
 * hardened against Mironov's 2012 floating-point attacks on the low-order bits; a discrete
 * Gaussian on the integer sum would be the fix if that threat model applies.
 */
export function gaussianSamples(
  count: number,
  standardDeviation: number,
  random: RandomSource,
): Float64Array {
  requireArgument(Number.isInteger(count) && count >= 0, 'count must be a non-negative integer');
  requireArgument(
    Number.isFinite(standardDeviation) && standardDeviation >= 0,
    'standardDeviation must be a finite number ≥ 0',
  );
  const samples = new Float64Array(count);
  if (standardDeviation === 0) return samples;
  const pairs = Math.ceil(count / 2);
  // Two uniforms per pair, 64 random bits each of which 53 are used.
  const words = randomUint32s(random, pairs * 4);
  for (let pair = 0; pair < pairs; pair++) {
    const w = pair * 4;
    // u1 in (0, 1] keeps the logarithm finite; u2 in [0, 1).
    const u1 = (uniform53(words[w]!, words[w + 1]!) * TWO_POW_53 + 1) / TWO_POW_53;
    const u2 = uniform53(words[w + 2]!, words[w + 3]!);
    const radius = standardDeviation * Math.sqrt(-2 * Math.log(u1));
    samples[2 * pair] = radius * Math.cos(2 * Math.PI * u2);
    if (2 * pair + 1 < count) samples[2 * pair + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return samples;
}

/** A uniform in [0, 1) on the 2^-53 grid from two random words. */
function uniform53(high: number, low: number): number {
  return ((high >>> 5) * 2 ** 26 + (low >>> 6)) / TWO_POW_53;
}

export interface CentralNoiseParams {
  /** L2 clipping bound C applied to every client update (the sensitivity of the sum). */
  clippingBound: number;
  /** σ: noise standard deviation in units of C. */
  noiseMultiplier: number;
}

/**
 * Central DP on the aggregate: returns sum + N(0, (σ·C)² I). The input is not modified. Add the
 * noise to the dequantized sum once per round, before the server optimizer sees it.
 */
export function addCentralNoise(
  sum: ArrayLike<number>,
  { clippingBound, noiseMultiplier }: CentralNoiseParams,
  random: RandomSource,
): Float64Array {
  requireArgument(clippingBound > 0, 'clippingBound must be positive');
  requireArgument(noiseMultiplier >= 0, 'noiseMultiplier must be ≥ 0');
  const noise = gaussianSamples(sum.length, noiseMultiplier * clippingBound, random);
  for (let i = 0; i < noise.length; i++) noise[i] = noise[i]! + sum[i]!;
  return noise;
}

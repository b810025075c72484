import { requireArgument } from '../protocol-error.js';
import { type RandomSource, randomUint32s } from '../random/random-source.js';

/**
 * Fixed-point encoding of clipped float updates as integers mod 2^32, the ring secure aggregation
 * sums in.
 *
 * The bound. An update clipped to L2 norm ≤ C has every coordinate in [−C, C]. With
 * `M = floor((2^31 − 1) / maxSummands)` and scale `s = M / C`, every scaled coordinate lies in
 * [−M, M]; stochastic rounding moves a value only to the neighbouring integers, which stay in
 * [−M, M]. The sum of at most `maxSummands` such integers therefore lies in [−(2^31 − 1), 2^31 − 1]:
 * read as a two's-complement int32, the wrapped mod-2^32 sum is the exact integer sum. Wraparound
 * only happens inside the masked terms, which cancel.
 *
 * Resolution: one integer step is C / M, e.g. C = 1 and 100 clients give steps of 4.7e-8; each
 * client's rounding error is below one step per coordinate, so the dequantized mean is within one
 * step of the mean of the clipped float updates.
 */
export interface QuantizationParams {
  /** L2 clipping bound C of every client update. */
  clippingBound: number;
  /** The largest number of updates that will ever be summed together (the cohort size). */
  maxSummands: number;
}

const INT32_MAX = 2 ** 31 - 1;
const TWO_POW_32 = 2 ** 32;
// Coordinates of a clipped vector can exceed C by rounding in the scaling step; more than this
// relative excess means the caller did not clip.
const CLIP_TOLERANCE = 1e-9;

function checkParams({ clippingBound, maxSummands }: QuantizationParams): void {
  requireArgument(
    Number.isFinite(clippingBound) && clippingBound > 0,
    'clippingBound must be a positive number',
  );
  requireArgument(
    Number.isInteger(maxSummands) && maxSummands >= 1 && maxSummands <= INT32_MAX,
    'maxSummands must be a positive integer below 2^31',
  );
}

/** Largest |integer| one client may contribute per coordinate: floor((2^31 − 1) / maxSummands). */
export function maxQuantizedMagnitude(params: QuantizationParams): number {
  checkParams(params);
  return Math.floor(INT32_MAX / params.maxSummands);
}

/** Integers per unit of the float update: `maxQuantizedMagnitude / C`. */
export function quantizationScale(params: QuantizationParams): number {
  return maxQuantizedMagnitude(params) / params.clippingBound;
}

/**
 * Scales a clipped update by {@link quantizationScale} and rounds each coordinate stochastically
 * (up with probability equal to the fractional part, so the rounding is unbiased), returning
 * two's-complement integers mod 2^32. Throws `invalid-argument` when a coordinate is not finite
 * or exceeds the clipping bound: the no-wrap guarantee holds only for clipped updates.
 */
export function quantize(
  update: ArrayLike<number>,
  params: QuantizationParams,
  random: RandomSource,
): Uint32Array {
  const magnitude = maxQuantizedMagnitude(params);
  const scale = magnitude / params.clippingBound;
  const limit = params.clippingBound * (1 + CLIP_TOLERANCE);
  // One 32-bit uniform per coordinate; the rounding bias this leaves is below 2^-32 of a step.
  const uniforms = randomUint32s(random, update.length);
  const quantized = new Uint32Array(update.length);
  for (let i = 0; i < update.length; i++) {
    const value = update[i]!;
    if (!(Math.abs(value) <= limit)) {
      requireArgument(Number.isFinite(value), `update[${i}] is not a finite number`);
      requireArgument(false, `update[${i}] = ${value} exceeds the clipping bound ${params.clippingBound}`);
    }
    const scaled = Math.min(magnitude, Math.max(-magnitude, value * scale));
    const floor = Math.floor(scaled);
    const roundUp = uniforms[i]! < (scaled - floor) * TWO_POW_32 ? 1 : 0;
    // Storing a negative number into a Uint32Array keeps it mod 2^32 (two's complement).
    quantized[i] = floor + roundUp;
  }
  return quantized;
}

/**
 * Turns the mod-2^32 sum of at most `maxSummands` quantized updates back into floats: each word
 * is read as a signed int32 (the exact integer sum, by the bound above) and divided by the scale.
 */
export function dequantizeSum(sum: Uint32Array, params: QuantizationParams): Float64Array {
  const scale = quantizationScale(params);
  const signed = signedView(sum);
  const result = new Float64Array(sum.length);
  for (let i = 0; i < signed.length; i++) result[i] = signed[i]! / scale;
  return result;
}

/** The same words read as two's-complement int32, without copying. */
export function signedView(words: Uint32Array): Int32Array {
  return new Int32Array(words.buffer, words.byteOffset, words.length);
}

/** Adds `addend` into `target` mod 2^32, in place (the server's summing hot path). */
export function addInto(target: Uint32Array, addend: Uint32Array): void {
  requireArgument(target.length === addend.length, 'vectors must have the same length');
  // Uint32Array stores wrap mod 2^32 by definition (ToUint32), so no explicit masking is needed.
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + addend[i]!;
}

/** Subtracts `subtrahend` from `target` mod 2^32, in place. */
export function subtractInto(target: Uint32Array, subtrahend: Uint32Array): void {
  requireArgument(target.length === subtrahend.length, 'vectors must have the same length');
  for (let i = 0; i < target.length; i++) target[i] = target[i]! - subtrahend[i]!;
}

import { Field } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { ProtocolError, requireArgument } from '../protocol-error.js';
import { type RandomSource, randomBytes } from '../random/random-source.js';

/**
 * Shamir secret sharing (threshold t) of 32-byte secrets over a prime field, with noble's field
 * arithmetic (inversion included). The field is the P-384 base field,
 * p = 2^384 − 2^128 − 2^96 + 2^32 − 1 (SEC 2 / FIPS 186): a standard prime above 2^256, so every
 * 32-byte secret (a self-mask seed, an X25519 secret key) is one field element, unchanged.
 * Fewer than t shares are independent of the secret (the t − 1 other coefficients are uniform).
 */
export const SHAMIR_PRIME = 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n;
/** Byte length of one share value (a big-endian field element). */
export const SHARE_BYTES = 48;
/** Byte length of a shared secret. */
export const SECRET_BYTES = 32;
/** Share x-coordinates are client indexes, which fit in 16 bits on the wire. */
export const MAX_SHARE_INDEX = 65_535;

const field = Field(SHAMIR_PRIME);
const SECRET_LIMIT = 1n << BigInt(8 * SECRET_BYTES);

export interface Share {
  /** x-coordinate: the index of the client holding the share (never 0, which is the secret). */
  x: number;
  /** y-coordinate: SHARE_BYTES big-endian bytes. */
  y: Uint8Array;
}

function uniformFieldElement(random: RandomSource): bigint {
  // p > 2^383, so a 384-bit draw is accepted with probability > 1/2 (in fact ≈ 1 − 2^-256).
  for (;;) {
    const candidate = bytesToNumberBE(randomBytes(random, SHARE_BYTES));
    if (candidate < SHAMIR_PRIME) return candidate;
  }
}

function checkIndexes(xs: readonly number[]): void {
  const seen = new Set<number>();
  for (const x of xs) {
    requireArgument(
      Number.isInteger(x) && x >= 1 && x <= MAX_SHARE_INDEX,
      `share index ${x} is not in [1, 65535]`,
    );
    requireArgument(!seen.has(x), `share index ${x} appears twice`);
    seen.add(x);
  }
}

/**
 * Splits `secret` into one share per holder (x-coordinates `holders`) such that any `threshold`
 * of them reconstruct it: the shares are f(x) for f(z) = secret + a1·z + … + a(t−1)·z^(t−1).
 */
export function splitSecret(
  secret: Uint8Array,
  holders: readonly number[],
  threshold: number,
  random: RandomSource,
): Share[] {
  requireArgument(secret.length === SECRET_BYTES, `a shared secret is ${SECRET_BYTES} bytes`);
  checkIndexes(holders);
  requireArgument(
    Number.isInteger(threshold) && threshold >= 1 && threshold <= holders.length,
    'threshold must be between 1 and the number of holders',
  );
  const coefficients = [bytesToNumberBE(secret)];
  for (let k = 1; k < threshold; k++) coefficients.push(uniformFieldElement(random));
  return holders.map((x) => {
    // Horner's rule from the highest coefficient down.
    let value = field.ZERO;
    for (let k = coefficients.length - 1; k >= 0; k--)
      value = field.add(field.mul(value, BigInt(x)), coefficients[k]!);
    return { x, y: numberToBytesBE(value, SHARE_BYTES) };
  });
}

/** Lagrange basis coefficients λ_j = Π_{m≠j} x_m / (x_m − x_j) for interpolation at 0. */
export function lagrangeCoefficientsAtZero(xs: readonly number[]): bigint[] {
  checkIndexes(xs);
  const big = xs.map(BigInt);
  const numerators: bigint[] = [];
  const denominators: bigint[] = [];
  for (let j = 0; j < big.length; j++) {
    // Exact products of t − 1 indexes below 2^16 (about 16·t bits), reduced once: small-by-large
    // multiplications instead of a field multiplication (and division) per factor.
    let numerator = 1n;
    let denominator = 1n;
    for (let m = 0; m < big.length; m++) {
      if (m === j) continue;
      numerator *= big[m]!;
      denominator *= big[m]! - big[j]!;
    }
    numerators.push(field.create(numerator));
    denominators.push(field.create(denominator));
  }
  // One field inversion for all denominators (Montgomery's trick, in noble).
  const inverses = field.invertBatch(denominators);
  return numerators.map((numerator, j) => field.mul(numerator, inverses[j]!));
}

/** Decodes a share value, refusing encodings outside the field. */
export function decodeShareValue(y: Uint8Array): bigint {
  if (y.length !== SHARE_BYTES) throw new ProtocolError('wrong-length', `a share is ${SHARE_BYTES} bytes`);
  // Six big-endian 64-bit limbs: a server decodes t shares per secret it reconstructs, and this is
  // about twice as fast as a hex round trip.
  const view = new DataView(y.buffer, y.byteOffset, SHARE_BYTES);
  let value = 0n;
  for (let offset = 0; offset < SHARE_BYTES; offset += 8) value = (value << 64n) | view.getBigUint64(offset);
  if (value >= SHAMIR_PRIME) throw new ProtocolError('malformed', 'share value is not a field element');
  return value;
}

/**
 * f(0) from share values and the Lagrange coefficients of their x-coordinates (computed once per
 * set of holders by {@link lagrangeCoefficientsAtZero}, so a server reconstructing many secrets
 * from the same responders pays the O(t²) part once). Throws `reconstruction-failed` when the
 * result is not a 32-byte secret, which only inconsistent shares produce.
 */
export function interpolateSecret(values: readonly bigint[], coefficients: readonly bigint[]): Uint8Array {
  requireArgument(values.length === coefficients.length, 'one coefficient per share value');
  // Both factors are field elements (in [0, p)), so the exact sum of the products is non-negative
  // and one reduction at the end gives f(0): one bigint division per secret instead of one per share.
  let total = 0n;
  for (let j = 0; j < values.length; j++) total += values[j]! * coefficients[j]!;
  const secret = total % SHAMIR_PRIME;
  if (secret >= SECRET_LIMIT) {
    throw new ProtocolError('reconstruction-failed', 'the shares do not interpolate to a 32-byte secret');
  }
  return numberToBytesBE(secret, SECRET_BYTES);
}

/** Reconstructs the secret from at least `threshold` shares (the first `threshold` are used). */
export function combineShares(shares: readonly Share[], threshold: number): Uint8Array {
  requireArgument(Number.isInteger(threshold) && threshold >= 1, 'threshold must be a positive integer');
  if (shares.length < threshold) {
    throw new ProtocolError('too-few-shares', `${shares.length} shares, ${threshold} needed`);
  }
  const used = shares.slice(0, threshold);
  return interpolateSecret(
    used.map((share) => decodeShareValue(share.y)),
    lagrangeCoefficientsAtZero(used.map((share) => share.x)),
  );
}

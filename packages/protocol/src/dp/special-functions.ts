/**
 * Numerical helpers for the RDP accountant: log-space arithmetic and the complementary error
 * function in log space (its values underflow doubles long before the accountant is done with
 * them). Plain numerics, not cryptography.
 */

/** log(e^a + e^b) without overflow. */
export function logAdd(a: number, b: number): number {
  const high = Math.max(a, b);
  const low = Math.min(a, b);
  if (low === Number.NEGATIVE_INFINITY) return high;
  return high + Math.log1p(Math.exp(low - high));
}

/** log(e^a − e^b) for a ≥ b; −∞ when they are equal. */
export function logSub(a: number, b: number): number {
  if (a < b) throw new RangeError('logSub: the difference would be negative');
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (a === b) return Number.NEGATIVE_INFINITY;
  const difference = b - a;
  // log(1 − e^d) loses precision near d = 0 in one form and near d = −∞ in the other.
  return a + (difference > -Math.LN2 ? Math.log(-Math.expm1(difference)) : Math.log1p(-Math.exp(difference)));
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const HALF_LOG_PI = 0.5 * Math.log(Math.PI);
// Below this, the Maclaurin series of erf converges with little cancellation; above it, the
// continued fraction of erfc converges in a few dozen terms.
const SERIES_LIMIT = 2;

/** erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)), for |x| < SERIES_LIMIT. */
function erfSeries(x: number): number {
  const xSquared = x * x;
  let term = x; // (−1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -xSquared / n;
    const contribution = term / (2 * n + 1);
    sum += contribution;
    if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/**
 * log erfc(x) for x ≥ SERIES_LIMIT from Laplace's continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by the modified Lentz method.
 */
function logErfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < 5000; j++) {
    const a = j / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - HALF_LOG_PI - Math.log(f);
}

/** log erfc(x) for every real x, accurate to about 1e-13 relative, finite far into the tail. */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= SERIES_LIMIT) return logErfcContinuedFraction(x);
  if (x >= 0) return Math.log1p(-erfSeries(x));
  // erfc(x) = 2 − erfc(−x) ∈ (1, 2] for negative x.
  const mirrored = -x >= SERIES_LIMIT ? Math.exp(logErfcContinuedFraction(-x)) : 1 - erfSeries(-x);
  return Math.log(2 - mirrored);
}

/** erfc(x); underflows to 0 beyond x ≈ 26.5, where {@link logErfc} stays finite. */
export function erfc(x: number): number {
  return Math.exp(logErfc(x));
}

/** Φ(z), the standard normal CDF. */
export function standardNormalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

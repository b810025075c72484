// Small dense linear algebra for the build: a symmetric eigendecomposition (cyclic Jacobi) and
// deterministic orthogonal matrices (randomized Hadamard). Only +, −, ×, ÷ and sqrt are used, all
// correctly rounded in IEEE 754, in a fixed order: the results are bit-identical on every host.

export interface Eigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Row j (`vectors[j*n .. j*n+n]`) is the unit eigenvector of values[j]; sign: largest |entry| > 0. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Eigendecomposition of a symmetric n×n matrix (row-major) by cyclic Jacobi rotations. Unlike power
 * iteration with deflation, every eigenvector converges to full precision even when eigenvalues are
 * close, which matters when several principal components are removed.
 */
export function symmetricEigen(matrix: Float64Array, n: number): Eigen {
  if (matrix.length !== n * n) throw new RangeError(`expected ${n}×${n} values, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p]! * a[p * n + p]!;
      for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    }
    if (off <= 1e-30 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) rotate(a, v, n, p, q);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]! || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, j) => {
    values[j] = a[col * n + col]!;
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + col]!) > Math.abs(big)) big = v[i * n + col]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[j * n + i] = sign * v[i * n + col]!;
  });
  return { values, vectors };
}

/** One Jacobi rotation zeroing a[p][q] (Golub & Van Loan, Algorithm 8.5.2). */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q]!;
  if (apq === 0) return;
  const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p]!;
    const akq = a[k * n + q]!;
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k]!;
    const aqk = a[q * n + k]!;
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!;
    const vkq = v[k * n + q]!;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

/** xorshift32: a tiny integer PRNG, identical everywhere (no floating point involved). */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/**
 * n×n orthogonal matrix H·D / √n (row-major): a Sylvester–Hadamard matrix with its columns' signs
 * flipped by a seeded sign pattern D. Condition number exactly 1, entries ±1/√n (exact in float32 for
 * n a power of 4; otherwise correctly rounded), and different seeds give different rotations.
 */
export function randomizedHadamard(n: number, seed: number): Float64Array {
  if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`Hadamard size must be a power of two, got ${n}`);
  const next = xorshift32(seed);
  const signs = Array.from({ length: n }, () => (next() & 1 ? -1 : 1));
  const scale = 1 / Math.sqrt(n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = (popcount(i & j) % 2 === 0 ? 1 : -1) * signs[j]! * scale;
    }
  }
  return out;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}

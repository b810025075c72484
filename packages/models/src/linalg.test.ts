import { describe, expect, it } from 'vitest';
import { randomizedHadamard, symmetricEigen, xorshift32 } from './linalg.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const next = xorshift32(seed);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = next() / 2 ** 32 - 0.5;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  return m;
}

describe('symmetricEigen', () => {
  it('decomposes a matrix: A v = λ v, orthonormal vectors, values descending', () => {
    const n = 12;
    const a = randomSymmetric(n, 7);
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 0; j < n; j++) {
      if (j > 0) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
      const v = vectors.subarray(j * n, (j + 1) * n);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k]! * v[k]!;
        expect(av).toBeCloseTo(values[j]! * v[i]!, 10);
      }
      for (let k = 0; k < n; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i]! * vectors[k * n + i]!;
        expect(dot).toBeCloseTo(j === k ? 1 : 0, 10);
      }
    }
  });

  it('separates nearly equal eigenvalues, which power iteration would not', () => {
    const n = 3;
    const a = Float64Array.from([2, 0, 0, 0, 2 + 1e-9, 0, 0, 0, 1]);
    const { values, vectors } = symmetricEigen(a, n);
    expect(Array.from(values)).toEqual([2 + 1e-9, 2, 1]);
    expect(Array.from(vectors.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(RangeError);
  });
});

describe('randomizedHadamard', () => {
  it('is orthogonal with entries ±1/√n', () => {
    const n = 16;
    const h = randomizedHadamard(n, 3);
    for (const x of h) expect(Math.abs(x)).toBeCloseTo(1 / 4, 15);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += h[i * n + k]! * h[j * n + k]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('depends on the seed, deterministically', () => {
    expect(randomizedHadamard(8, 1)).toEqual(randomizedHadamard(8, 1));
    expect(randomizedHadamard(8, 1)).not.toEqual(randomizedHadamard(8, 2));
    expect(() => randomizedHadamard(12, 1)).toThrow(RangeError);
  });

  it('xorshift32 repeats its sequence for a seed', () => {
    const a = xorshift32(42);
    const b = xorshift32(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(new Set(first).size).toBe(3);
  });
});

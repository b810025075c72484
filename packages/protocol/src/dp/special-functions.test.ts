import { describe, expect, it } from 'vitest';
import { erfc, logAdd, logErfc, logSub, standardNormalCdf } from './special-functions.js';

describe('logErfc', () => {
  // Reference values: log(2) + scipy.special.log_ndtr(−x·√2) from SciPy 1.17 (float64).
  const reference: [number, number][] = [
    [-3, 0.6931361352504468],
    [-1, 0.6112323176780705],
    [-0.3, 0.28414589714140825],
    [0, 0],
    [0.1, -0.11930497373739557],
    [0.5, -0.7350111298370848],
    [1, -1.849605509933249],
    [1.5, -3.3844920895515536],
    [1.99, -5.320852015139978],
    [2, -5.36494126461664],
    [2.01, -5.409215264190246],
    [2.5, -7.806815272727267],
    [3, -10.720363041981116],
    [5, -27.200889545537446],
    [10, -102.87988902484493],
    [30, -903.9741171106442],
    [100, -10005.177585122668],
  ];
  it.each(reference)('log erfc(%f) matches SciPy', (x, expected) => {
    expect(Math.abs(logErfc(x) - expected)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it('agrees with textbook values of erfc and Φ', () => {
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 14);
    expect(standardNormalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(standardNormalCdf(0)).toBe(0.5);
  });
});

describe('log-space arithmetic', () => {
  it('adds and subtracts like the linear-space operations', () => {
    expect(Math.exp(logAdd(Math.log(2), Math.log(3)))).toBeCloseTo(5, 14);
    expect(Math.exp(logSub(Math.log(5), Math.log(3)))).toBeCloseTo(2, 14);
    expect(logAdd(Number.NEGATIVE_INFINITY, 1.5)).toBe(1.5);
    expect(logSub(1.5, 1.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(logAdd(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(() => logSub(1, 2)).toThrow(RangeError);
  });
});

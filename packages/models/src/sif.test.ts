import { describe, expect, it } from 'vitest';
import { postProcess, principalAxes, SPECIAL_TOKENS, sifWeightedRows } from './sif.js';
import type { SourceVectors } from './vectors.js';

/** A small synthetic source: 60 words in 6 dims with a strong shared direction. */
function source(): SourceVectors {
  const n = 60;
  const dim = 6;
  const vectors = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = Math.sin(i * 1.7 + d * 2.3) + (d === 0 ? 3 : 0);
  }
  const tokens = Array.from({ length: n }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${i}ing`);
  return {
    tokens,
    ranks: Int32Array.from(tokens, (_, i) => i),
    vectors,
    dim,
    totalWords: 1000,
    version: 'test',
  };
}

const opts = { vocabSize: 60, a: 1e-3, zipfK: 2.7, subwordSuffixes: false };

describe('SIF post-processing', () => {
  const weighted = sifWeightedRows(source(), opts);
  const row = (data: Float32Array, i: number) => data.subarray(i * 6, (i + 1) * 6);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

  it('weights rows by a / (a + p(w)): frequent words shrink', () => {
    const norm = (i: number) => Math.hypot(...weighted.rows.subarray(i * 6, (i + 1) * 6));
    const raw = (i: number) => Math.hypot(...source().vectors.subarray(i * 6, (i + 1) * 6));
    expect(norm(0) / raw(0)).toBeLessThan(norm(59) / raw(59));
  });

  it('with k = 0 and no centring, leaves the SIF rows as they are', () => {
    const t = postProcess(weighted, principalAxes(weighted, false), { removeComponents: 0 });
    expect(t.tokens.slice(0, SPECIAL_TOKENS.length)).toEqual([...SPECIAL_TOKENS]);
    expect(Array.from(row(t.data, SPECIAL_TOKENS.length))).toEqual(
      Array.from(Float32Array.from(weighted.rows.subarray(0, 6))),
    );
  });

  it.each([1, 2, 3])('projects out the top %i components: every row is orthogonal to them', (k) => {
    const axes = principalAxes(weighted, false);
    const t = postProcess(weighted, axes, { removeComponents: k });
    for (let i = SPECIAL_TOKENS.length; i < t.tokens.length; i++) {
      for (let j = 0; j < k; j++)
        expect(Math.abs(dot(row(t.data, i), axes.vectors.subarray(j * 6, (j + 1) * 6)))).toBeLessThan(1e-5);
    }
    expect(t.stats.componentShares[0]).toBeGreaterThan(t.stats.componentShares[1]!);
  });

  it('centring subtracts the p-weighted mean row', () => {
    const axes = principalAxes(weighted, true);
    const t = postProcess(weighted, axes, { removeComponents: 0 });
    const mean = new Float64Array(6);
    let total = 0;
    for (let i = 0; i < 60; i++) {
      total += weighted.p[i]!;
      const r = row(t.data, SPECIAL_TOKENS.length + i);
      for (let d = 0; d < 6; d++) mean[d]! += weighted.p[i]! * r[d]!;
    }
    for (const m of mean) expect(Math.abs(m / total)).toBeLessThan(1e-6);
    expect(t.stats.meanShare).toBeGreaterThan(0);
  });

  it('rejects an impossible number of components', () => {
    expect(() => postProcess(weighted, principalAxes(weighted, false), { removeComponents: 7 })).toThrow(
      RangeError,
    );
  });
});

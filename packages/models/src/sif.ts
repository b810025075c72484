// Smooth-inverse-frequency word table (Arora, Liang & Ma 2017, "A Simple but Tough-to-Beat Baseline
// for Sentence Embeddings"): each row is a/(a + p(w)) · v_w, minus its projection on the first principal
// component u of the frequency-weighted rows. Mean pooling over tokens is linear, so pooling these rows
// and normalizing gives the SIF sentence embedding (the 1/length factor vanishes in the normalization).
import type { SourceVectors } from './vectors.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** WordPiece continuation pieces ("##" + suffix) for words outside the vocabulary, e.g. footballers. */
// biome-ignore format: one compact list
export const SUFFIXES = [
  's', 'es', 'ed', 'd', 'ing', 'ings', 'er', 'ers', 'est', 'ly', 'ness', 'ment', 'ments', 'tion', 'tions',
  'ion', 'ions', 'al', 'ity', 'ies', 'ied', 'ful', 'less', 'able', 'ible', 'ism', 'ist', 'ists', 'ive',
  'ous', 'ize', 'ized', 'izes', 'ise', 'ised', 'y', 'ish', 'ship', 'hood', 'ic', 'an', 'ian', 'ians',
] as const;

/** A suffix piece needs this many in-vocabulary words carrying it. */
const MIN_SUFFIX_MEMBERS = 20;
const POWER_ITERATIONS = 1000;

export interface SifOptions {
  /** Number of words (specials and suffix pieces come on top). */
  vocabSize: number;
  /** SIF smoothing constant a. */
  a: number;
  /** Zipf–Mandelbrot shift k in p(rank) ∝ 1/(rank + k). */
  zipfK: number;
  removeCommonComponent: boolean;
  subwordSuffixes: boolean;
}

export interface EmbeddingTable {
  /** Token of each row; the row index is the token id. */
  tokens: string[];
  dim: number;
  /** Row-major float32, `tokens.length * dim`. */
  data: Float32Array;
  stats: {
    words: number;
    suffixPieces: number;
    /** Lowest source rank left out (the first word not in the table), -1 if all were kept. */
    cutoffRank: number;
    /** Share of the frequency-weighted energy (trace) along the removed component. */
    commonComponentShare: number;
    /** Ratio of the first to the second eigenvalue (how well power iteration separates u). */
    eigenGap: number;
  };
}

export function buildSifTable(src: SourceVectors, opt: SifOptions): EmbeddingTable {
  const dim = src.dim;
  const n = Math.min(opt.vocabSize, src.tokens.length);
  let harmonic = 0;
  for (let r = 0; r < src.totalWords; r++) harmonic += 1 / (r + opt.zipfK);
  const p = new Float64Array(n);
  const rows = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    p[i] = 1 / (src.ranks[i]! + opt.zipfK) / harmonic;
    const weight = opt.a / (opt.a + p[i]!);
    for (let d = 0; d < dim; d++) rows[i * dim + d] = weight * src.vectors[i * dim + d]!;
  }

  const cov = weightedSecondMoment(rows, p, n, dim);
  const [u, lambda1] = topEigenvector(cov, dim);
  const deflated = cov.map((c, idx) => c - lambda1 * u[Math.floor(idx / dim)]! * u[idx % dim]!);
  const [, lambda2] = topEigenvector(deflated, dim);
  let trace = 0;
  for (let d = 0; d < dim; d++) trace += cov[d * dim + d]!;

  const suffixTokens: string[] = [];
  const suffixRows: number[] = [];
  if (opt.subwordSuffixes) {
    for (const sfx of SUFFIXES) {
      const sum = new Float64Array(dim);
      let members = 0;
      for (let i = 0; i < n; i++) {
        const w = src.tokens[i]!;
        if (w.length < sfx.length + 3 || !w.endsWith(sfx) || !/^[a-z]+$/.test(w)) continue;
        members++;
        for (let d = 0; d < dim; d++) sum[d]! += rows[i * dim + d]!;
      }
      if (members < MIN_SUFFIX_MEMBERS) continue;
      suffixTokens.push(`##${sfx}`);
      for (let d = 0; d < dim; d++) suffixRows.push(sum[d]! / members);
    }
  }

  const tokens = [...SPECIAL_TOKENS, ...src.tokens.slice(0, n), ...suffixTokens];
  const data = new Float32Array(tokens.length * dim);
  const all = [rows, Float64Array.from(suffixRows)];
  let out = SPECIAL_TOKENS.length * dim; // special tokens stay zero
  for (const block of all) {
    for (let off = 0; off < block.length; off += dim) {
      let dot = 0;
      if (opt.removeCommonComponent) for (let d = 0; d < dim; d++) dot += block[off + d]! * u[d]!;
      for (let d = 0; d < dim; d++) data[out + d] = block[off + d]! - dot * u[d]!;
      out += dim;
    }
  }
  return {
    tokens,
    dim,
    data,
    stats: {
      words: n,
      suffixPieces: suffixTokens.length,
      cutoffRank: n < src.tokens.length ? src.ranks[n]! : -1,
      commonComponentShare: lambda1 / trace,
      eigenGap: lambda1 / lambda2,
    },
  };
}

/** C = Σ p_i v_i v_iᵀ (uncentred, as the SVD in the SIF paper). */
function weightedSecondMoment(rows: Float64Array, p: Float64Array, n: number, dim: number): Float64Array {
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    const w = p[i]!;
    const off = i * dim;
    for (let a = 0; a < dim; a++) {
      const wa = w * rows[off + a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += wa * rows[off + b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  return cov;
}

/** Power iteration from a fixed start vector: deterministic, no random seed needed. */
function topEigenvector(m: Float64Array, dim: number): [Float64Array, number] {
  let v = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  let lambda = 0;
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const next = new Float64Array(dim);
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += m[a * dim + b]! * v[b]!;
      next[a] = s;
    }
    let norm = 0;
    for (let a = 0; a < dim; a++) norm += next[a]! * next[a]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return [v, 0];
    for (let a = 0; a < dim; a++) next[a]! /= norm;
    lambda = norm;
    v = next;
  }
  return [v, lambda];
}

// Smooth-inverse-frequency word table (Arora, Liang & Ma 2017, "A Simple but Tough-to-Beat Baseline
// for Sentence Embeddings"): each row is a/(a + p(w)) · v_w. Then, optionally, the frequency-weighted
// mean row is subtracted (centring) and the top k principal components of the frequency-weighted rows
// are projected out ("All-but-the-top", Mu & Viswanath 2018; k = 1 uncentred is the SIF paper's common
// component). Mean pooling is linear, so pooling these rows and normalizing gives the sentence
// embedding (the 1/length factor vanishes in the normalization).
import { symmetricEigen } from './linalg.js';
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

export interface SifOptions {
  /** Number of words (specials and suffix pieces come on top). */
  vocabSize: number;
  /** SIF smoothing constant a. */
  a: number;
  /** Zipf–Mandelbrot shift k in p(rank) ∝ 1/(rank + k). */
  zipfK: number;
  /** Subtract the p(w)-weighted mean row before the principal components are computed and removed. */
  centre: boolean;
  /** How many top principal components of the p(w)-weighted rows to project out (0 = none). */
  removeComponents: number;
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
    /** Norm of the subtracted mean row relative to the p-weighted RMS row norm (0 without centring). */
    meanShare: number;
    /** Share of the frequency-weighted energy (trace) along each of the first 5 principal components. */
    componentShares: number[];
    /** Ratio of the first to the second eigenvalue. */
    eigenGap: number;
  };
}

/** SIF-weighted rows of the words (and suffix pieces) before any post-processing. */
export interface WeightedRows {
  words: string[];
  suffixTokens: string[];
  dim: number;
  /** `(words + suffixTokens) * dim`, float64. */
  rows: Float64Array;
  /** p(w) of each word (suffix pieces carry no frequency of their own). */
  p: Float64Array;
  cutoffRank: number;
}

/** Mean row and principal axes of the p(w)-weighted word rows. */
export interface PrincipalAxes {
  mean: Float64Array;
  values: Float64Array;
  vectors: Float64Array;
  trace: number;
}

export function buildSifTable(src: SourceVectors, opt: SifOptions): EmbeddingTable {
  const weighted = sifWeightedRows(src, opt);
  return postProcess(weighted, principalAxes(weighted, opt.centre), opt);
}

export function sifWeightedRows(
  src: SourceVectors,
  opt: Pick<SifOptions, 'vocabSize' | 'a' | 'zipfK' | 'subwordSuffixes'>,
): WeightedRows {
  const dim = src.dim;
  const n = Math.min(opt.vocabSize, src.tokens.length);
  let harmonic = 0;
  for (let r = 0; r < src.totalWords; r++) harmonic += 1 / (r + opt.zipfK);
  const p = new Float64Array(n);
  const wordRows = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    p[i] = 1 / (src.ranks[i]! + opt.zipfK) / harmonic;
    const weight = opt.a / (opt.a + p[i]!);
    for (let d = 0; d < dim; d++) wordRows[i * dim + d] = weight * src.vectors[i * dim + d]!;
  }
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
        for (let d = 0; d < dim; d++) sum[d]! += wordRows[i * dim + d]!;
      }
      if (members < MIN_SUFFIX_MEMBERS) continue;
      suffixTokens.push(`##${sfx}`);
      for (let d = 0; d < dim; d++) suffixRows.push(sum[d]! / members);
    }
  }
  const rows = new Float64Array(wordRows.length + suffixRows.length);
  rows.set(wordRows);
  rows.set(suffixRows, wordRows.length);
  return {
    words: src.tokens.slice(0, n),
    suffixTokens,
    dim,
    rows,
    p,
    cutoffRank: n < src.tokens.length ? src.ranks[n]! : -1,
  };
}

/**
 * Mean (p-weighted, or zero when not centring) and eigendecomposition of Σ p_w (row_w − mean)(row_w −
 * mean)ᵀ over the words. Uncentred, this is the SVD of the SIF paper; centred, the PCA of
 * All-but-the-top with each word weighted by its frequency.
 */
export function principalAxes(w: WeightedRows, centre: boolean): PrincipalAxes {
  const { dim, p } = w;
  const n = p.length;
  const mean = new Float64Array(dim);
  if (centre) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += p[i]!;
      for (let d = 0; d < dim; d++) mean[d]! += p[i]! * w.rows[i * dim + d]!;
    }
    for (let d = 0; d < dim; d++) mean[d]! /= total;
  }
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) centred[d] = w.rows[i * dim + d]! - mean[d]!;
    for (let x = 0; x < dim; x++) {
      const px = p[i]! * centred[x]!;
      for (let y = x; y < dim; y++) cov[x * dim + y]! += px * centred[y]!;
    }
  }
  for (let x = 0; x < dim; x++) for (let y = 0; y < x; y++) cov[x * dim + y] = cov[y * dim + x]!;
  let trace = 0;
  for (let d = 0; d < dim; d++) trace += cov[d * dim + d]!;
  const { values, vectors } = symmetricEigen(cov, dim);
  return { mean, values, vectors, trace };
}

/** Centres (when the axes carry a mean) and projects out the top `removeComponents` axes. */
export function postProcess(
  w: WeightedRows,
  axes: PrincipalAxes,
  opt: Pick<SifOptions, 'removeComponents'>,
): EmbeddingTable {
  const { dim } = w;
  const k = opt.removeComponents;
  if (!Number.isInteger(k) || k < 0 || k > dim) throw new RangeError(`removeComponents: 0..${dim}, got ${k}`);
  const tokens = [...SPECIAL_TOKENS, ...w.words, ...w.suffixTokens];
  const data = new Float32Array(tokens.length * dim);
  const row = new Float64Array(dim);
  let out = SPECIAL_TOKENS.length * dim; // special tokens stay zero: they carry no word
  for (let off = 0; off < w.rows.length; off += dim) {
    for (let d = 0; d < dim; d++) row[d] = w.rows[off + d]! - axes.mean[d]!;
    for (let j = 0; j < k; j++) {
      const u = axes.vectors.subarray(j * dim, (j + 1) * dim);
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += row[d]! * u[d]!;
      for (let d = 0; d < dim; d++) row[d]! -= dot * u[d]!;
    }
    for (let d = 0; d < dim; d++) data[out + d] = row[d]!;
    out += dim;
  }
  let total = 0;
  let energy = 0;
  for (let i = 0; i < w.p.length; i++) {
    total += w.p[i]!;
    for (let d = 0; d < dim; d++) energy += w.p[i]! * w.rows[i * dim + d]! ** 2;
  }
  const meanNorm = Math.sqrt(axes.mean.reduce((s, x) => s + x * x, 0));
  return {
    tokens,
    dim,
    data,
    stats: {
      words: w.words.length,
      suffixPieces: w.suffixTokens.length,
      cutoffRank: w.cutoffRank,
      meanShare: meanNorm / Math.sqrt(energy / total),
      componentShares: Array.from(axes.values.subarray(0, 5), (l) => l / axes.trace),
      eigenGap: axes.values[0]! / axes.values[1]!,
    },
  };
}

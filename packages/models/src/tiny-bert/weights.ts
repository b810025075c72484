// Deterministic weights of locus-tiny-bert: an untrained 2-layer pre-LayerNorm transformer encoder
// whose layers are the identity plus a small, well-conditioned perturbation, so that its mean-pooled
// output stays close to the locus-glove-sif sentence embedding.
//
// Residual stream (hidden 128): dims 0-99 carry the SIF word row, dims 100-125 sinusoidal positions,
// dims 126-127 a constant "anchor" (+c/√2, −c/√2: it adds nothing to LayerNorm's mean, which would
// otherwise push every token along the all-ones direction). The anchor gives every LayerNorm a fixed
// reference: a token's normalized vector is then roughly proportional to its SIF-weighted row
// (frequent words stay small), instead of every token being rescaled to the same norm. The last
// layer's output bias removes it.
//
// Every projection is built from randomized Hadamard matrices (orthogonal, condition number 1, seeded
// sign flips; see linalg.ts): attention compares tokens in a rotated basis split into 4 heads, and
// its value/output pair is that rotation and its transpose, so each head returns an attention-weighted
// average of the normalized tokens, scaled by `attentionOut` and written into the word dims only. The
// feed-forward block is W2 = (ffnOut/2)·W1ᵀ restricted to the word dims, with W1 four stacked
// rotations and GELU between: about ffnOut × its input, plus GELU's curvature (W2's column sums are
// zero, see below).
import { randomizedHadamard } from '../linalg.js';

export interface TinyBertConfig {
  hidden: number;
  /** Word-embedding width (the SIF table); the rest of the hidden dims hold positions and the anchor. */
  wordDim: number;
  heads: number;
  intermediate: number;
  layers: number;
  maxPositions: number;
  /** Amplitude of the sinusoidal position embeddings. */
  positionScale: number;
  /** Norm of the constant anchor (split evenly over the last two dims). */
  anchor: number;
  /** Multiplies the query and key projections (attention temperature). */
  attentionScale: number;
  /** Gain of the attention output projection (0 = exact identity layer). */
  attentionOut: number;
  /** Gain of the feed-forward block. */
  ffnOut: number;
  layerNormEps: number;
}

export const TINY_BERT_CONFIG: TinyBertConfig = {
  hidden: 128,
  wordDim: 100,
  heads: 4,
  intermediate: 512,
  layers: 2,
  maxPositions: 512,
  positionScale: 0.05,
  anchor: 4,
  attentionScale: 0.7,
  attentionOut: 0.05,
  ffnOut: 0.05,
  layerNormEps: 1e-12,
};

/** y = x·w + b with w stored K (inputs) rows × N (outputs) columns, row-major float32. */
export interface Linear {
  w: Float32Array;
  b: Float32Array;
  inputs: number;
  outputs: number;
}

export interface LayerNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
}

export interface LayerWeights {
  ln1: LayerNormWeights;
  query: Linear;
  key: Linear;
  value: Linear;
  attentionOutput: Linear;
  ln2: LayerNormWeights;
  ffnIn: Linear;
  ffnOut: Linear;
}

export interface TinyBertWeights {
  config: TinyBertConfig;
  /** [maxPositions, hidden]: sinusoids in dims wordDim..hidden−3, the anchor in the last two dims. */
  positions: Float32Array;
  layers: LayerWeights[];
}

export function tinyBertWeights(config: TinyBertConfig = TINY_BERT_CONFIG): TinyBertWeights {
  const { hidden: h, wordDim, intermediate, heads } = config;
  if (h % heads !== 0) throw new RangeError('hidden must be a multiple of heads');
  if (intermediate % h !== 0) throw new RangeError('intermediate must be a multiple of hidden');
  const positionDims = h - wordDim - 2;
  if (positionDims < 2 || positionDims % 2 !== 0)
    throw new RangeError('need an even number of position dims');

  const positions = new Float32Array(config.maxPositions * h);
  const pairs = positionDims / 2;
  for (let t = 0; t < config.maxPositions; t++) {
    for (let k = 0; k < pairs; k++) {
      const angle = t / 10000 ** (k / pairs);
      positions[t * h + wordDim + 2 * k] = config.positionScale * Math.sin(angle);
      positions[t * h + wordDim + 2 * k + 1] = config.positionScale * Math.cos(angle);
    }
    positions[t * h + h - 2] = config.anchor / Math.SQRT2;
    positions[t * h + h - 1] = -config.anchor / Math.SQRT2;
  }

  const layers = Array.from({ length: config.layers }, (_, l) => layer(config, l, l === config.layers - 1));
  return { config, positions, layers };
}

function layer(c: TinyBertConfig, index: number, last: boolean): LayerWeights {
  const h = c.hidden;
  const seed = 1000 * (index + 1);
  const qk = randomizedHadamard(h, seed + 1);
  const v = randomizedHadamard(h, seed + 2);
  const blocks = c.intermediate / h;
  const w1 = new Float64Array(h * c.intermediate);
  for (let b = 0; b < blocks; b++) {
    const rot = randomizedHadamard(h, seed + 10 + b);
    for (let i = 0; i < h; i++)
      for (let j = 0; j < h; j++) w1[i * c.intermediate + b * h + j] = rot[i * h + j]!;
  }
  const isWord = (j: number) => j < c.wordDim;
  // Output of attention: ctx · Vᵀ (back to the residual basis), word dims only.
  const wo = new Float64Array(h * h);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < h; j++) wo[i * h + j] = isWord(j) ? c.attentionOut * v[j * h + i]! : 0;
  // Feed-forward output: (ffnOut / 2) · W1ᵀ (GELU passes about half of its input), word dims only,
  // with its column sums made zero: GELU's even part is ≥ 0 for every hidden unit, so a token-dependent
  // multiple of Σ_i W2[i] would otherwise be added to every token, always along that one direction.
  // Projecting it out of W2 rules that out for any input.
  const w2 = new Float64Array(c.intermediate * h);
  for (let i = 0; i < c.intermediate; i++) {
    for (let j = 0; j < c.wordDim; j++) w2[i * h + j] = (c.ffnOut / 2) * w1[j * c.intermediate + i]!;
  }
  const shared = new Float64Array(h);
  for (let i = 0; i < c.intermediate; i++) for (let j = 0; j < h; j++) shared[j]! += w2[i * h + j]!;
  const norm2 = shared.reduce((a, x) => a + x * x, 0);
  for (let i = 0; i < c.intermediate && norm2 > 0; i++) {
    let dot = 0;
    for (let j = 0; j < h; j++) dot += w2[i * h + j]! * shared[j]!;
    for (let j = 0; j < h; j++) w2[i * h + j]! -= (dot / norm2) * shared[j]!;
  }
  const b2 = new Float64Array(h);
  if (last) {
    b2[h - 2]! -= c.anchor / Math.SQRT2;
    b2[h - 1]! += c.anchor / Math.SQRT2;
  }
  const zeros = (n: number) => new Float32Array(n);
  const ln = (): LayerNormWeights => ({ gamma: new Float32Array(h).fill(1), beta: zeros(h) });
  const scaled = (m: Float64Array, s: number) => m.map((x) => x * s);
  return {
    ln1: ln(),
    query: linear(scaled(qk, c.attentionScale), zeros(h), h, h),
    key: linear(scaled(qk, c.attentionScale), zeros(h), h, h),
    value: linear(v, zeros(h), h, h),
    attentionOutput: linear(wo, zeros(h), h, h),
    ln2: ln(),
    ffnIn: linear(w1, zeros(c.intermediate), h, c.intermediate),
    ffnOut: linear(w2, Float32Array.from(b2), c.intermediate, h),
  };
}

function linear(w: ArrayLike<number>, b: Float32Array, inputs: number, outputs: number): Linear {
  return { w: Float32Array.from(w), b, inputs, outputs };
}

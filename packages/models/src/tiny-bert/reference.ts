// The locus-tiny-bert forward pass in plain TypeScript (float64 arithmetic on the float32 weights),
// one unpadded sequence at a time. It is the specification the ONNX graph is tested against, and it
// lets the build compute the model card's probe figures without an ONNX runtime.
import type { LayerNormWeights, Linear, TinyBertWeights } from './weights.js';

export interface WordTable {
  dim: number;
  /** Row-major `rows * dim`. */
  data: Float32Array;
}

/** last_hidden_state for one sequence of token ids (including [CLS] and [SEP]): `ids.length * hidden`. */
export function tinyBertForward(
  ids: readonly number[],
  table: WordTable,
  weights: TinyBertWeights,
): Float64Array {
  const { hidden: h, heads, layerNormEps: eps } = weights.config;
  const s = ids.length;
  if (s > weights.config.maxPositions) throw new RangeError(`sequence of ${s} tokens exceeds max positions`);
  const x = new Float64Array(s * h);
  ids.forEach((id, t) => {
    for (let d = 0; d < h; d++) {
      const word = d < table.dim ? table.data[id * table.dim + d]! : 0;
      x[t * h + d] = word + weights.positions[t * h + d]!;
    }
  });
  const hd = h / heads;
  for (const layer of weights.layers) {
    const xn = layerNorm(x, s, h, layer.ln1, eps);
    const q = apply(xn, s, layer.query);
    const k = apply(xn, s, layer.key);
    const v = apply(xn, s, layer.value);
    const ctx = new Float64Array(s * h);
    const scores = new Float64Array(s);
    for (let head = 0; head < heads; head++) {
      const off = head * hd;
      for (let i = 0; i < s; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < s; j++) {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += q[i * h + off + d]! * k[j * h + off + d]!;
          scores[j] = dot / Math.sqrt(hd);
          max = Math.max(max, scores[j]!);
        }
        let sum = 0;
        for (let j = 0; j < s; j++) {
          scores[j] = Math.exp(scores[j]! - max);
          sum += scores[j]!;
        }
        for (let j = 0; j < s; j++) {
          const p = scores[j]! / sum;
          for (let d = 0; d < hd; d++) ctx[i * h + off + d]! += p * v[j * h + off + d]!;
        }
      }
    }
    addInPlace(x, apply(ctx, s, layer.attentionOutput));
    const xn2 = layerNorm(x, s, h, layer.ln2, eps);
    const inner = apply(xn2, s, layer.ffnIn).map(gelu);
    addInPlace(x, apply(inner, s, layer.ffnOut));
  }
  return x;
}

/** Mean over tokens, then L2-normalized: what transformers.js' `pooling: 'mean', normalize: true` gives. */
export function meanPoolNormalized(hiddenStates: Float64Array, tokens: number, hidden: number): Float64Array {
  const out = new Float64Array(hidden);
  for (let t = 0; t < tokens; t++)
    for (let d = 0; d < hidden; d++) out[d]! += hiddenStates[t * hidden + d]! / tokens;
  const norm = Math.sqrt(out.reduce((a, x) => a + x * x, 0));
  return norm > 0 ? out.map((x) => x / norm) : out;
}

function layerNorm(x: Float64Array, s: number, h: number, w: LayerNormWeights, eps: number): Float64Array {
  const out = new Float64Array(s * h);
  for (let t = 0; t < s; t++) {
    let mean = 0;
    for (let d = 0; d < h; d++) mean += x[t * h + d]!;
    mean /= h;
    let variance = 0;
    for (let d = 0; d < h; d++) variance += (x[t * h + d]! - mean) ** 2;
    variance /= h;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let d = 0; d < h; d++) out[t * h + d] = (x[t * h + d]! - mean) * inv * w.gamma[d]! + w.beta[d]!;
  }
  return out;
}

function apply(x: Float64Array, s: number, lin: Linear): Float64Array {
  const { inputs: k, outputs: n } = lin;
  const out = new Float64Array(s * n);
  for (let t = 0; t < s; t++) {
    for (let j = 0; j < n; j++) out[t * n + j] = lin.b[j]!;
    for (let i = 0; i < k; i++) {
      const xi = x[t * k + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < n; j++) out[t * n + j]! += xi * lin.w[i * n + j]!;
    }
  }
  return out;
}

function addInPlace(x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! += y[i]!;
}

/** Exact GELU, x·Φ(x), as the graph computes it with Erf. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** erf to about 1e-15 (Maclaurin series for |x| < 2.5, continued-fraction erfc beyond). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 60; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz-free, fixed depth).
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

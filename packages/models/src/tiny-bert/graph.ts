// ONNX graph of locus-tiny-bert in the BERT input/output convention transformers.js expects:
// inputs input_ids and attention_mask (int64 [batch, sequence]; no token_type_ids), output
// last_hidden_state (float [batch, sequence, hidden]). Pre-LayerNorm layers: multi-head
// self-attention with the padding mask, then a GELU (Erf) feed-forward block, each with a residual.
// Weight MatMuls are plain MatMul (fp32), DynamicQuantizeLinear + MatMulInteger (q8: uint8
// activations per tensor, int8 weights per output column) or com.microsoft MatMulNBits (q4, block 32).
import { embeddingLookup, type GraphSource, type Precision } from '../onnx.js';
import { DT, encodeModelProto, GraphBuilder, MS_DOMAIN, u8, valueInfo } from '../onnx-builder.js';
import { type MatMulQ4, type MatMulQ8, quantizeMatMulQ4, quantizeMatMulQ8 } from '../quantize.js';
import type { LayerNormWeights, Linear, TinyBertWeights } from './weights.js';

export const TINY_BERT_OPSET = 17; // LayerNormalization is an ai.onnx op from opset 17
export const Q4_BLOCK_SIZE = 32;
/** Added to the attention scores of padding keys (as BERT's extended attention mask). */
export const MASK_BIAS = -10000;

export function encodeTinyBert(
  precision: Precision,
  words: GraphSource,
  weights: TinyBertWeights,
  docString: string,
): Uint8Array {
  const { hidden: h, heads, wordDim, maxPositions } = weights.config;
  const hd = h / heads;
  const g = new GraphBuilder();
  const linear = linearEmitter(g, precision);

  // Embeddings: word rows (100-d table) zero-extended to the hidden size, plus position rows 0..S−1.
  const wordRows = embeddingLookup(g, precision, words, 'input_ids', 'word_rows');
  const pads = g.i64('word_pads', [6], [0, 0, 0, 0, 0, h - wordDim]);
  const wordHidden = g.op1('Pad', [wordRows, pads], 'word_hidden');
  const positionTable = g.f32('position_embeddings', [maxPositions, h], weights.positions);
  const shape = g.op1('Shape', ['input_ids'], 'input_shape');
  const one = g.i64('const_1', [1], [1]);
  const two = g.i64('const_2', [1], [2]);
  const zero = g.i64('const_0', [1], [0]);
  const seqLen = g.op1('Slice', [shape, one, two, zero], 'sequence_length');
  const positions = g.op1('Slice', [positionTable, zero, seqLen, zero], 'position_rows');
  let x = g.op1('Add', [wordHidden, positions], 'embeddings');

  // [batch, 1, 1, sequence]: 0 for real tokens, MASK_BIAS for padding.
  const maskF = g.op1('Cast', ['attention_mask'], 'mask_f', { to: DT.FLOAT });
  const inverted = g.op1('Sub', [g.f32('const_one_f', [], [1]), maskF], 'mask_inverted');
  const bias2d = g.op1('Mul', [inverted, g.f32('mask_bias_value', [], [MASK_BIAS])], 'mask_bias_2d');
  const maskBias = g.op1('Unsqueeze', [bias2d, g.i64('mask_axes', [2], [1, 2])], 'mask_bias');

  const headShape = g.i64('head_shape', [4], [0, 0, heads, hd]);
  const mergedShape = g.i64('merged_shape', [3], [0, 0, h]);
  const scale = g.f32('attention_scale', [], [1 / Math.sqrt(hd)]);
  const half = g.f32('const_half', [], [0.5]);
  const invSqrt2 = g.f32('const_inv_sqrt2', [], [Math.SQRT1_2]);

  weights.layers.forEach((layer, l) => {
    const p = `layer${l}`;
    const ln1 = layerNorm(g, x, layer.ln1, `${p}_ln1`, weights.config.layerNormEps);
    const heads4d = (name: string, lin: Linear, perm: number[]) => {
      const flat = linear(ln1, lin, `${p}_${name}`);
      const split = g.op1('Reshape', [flat, headShape], `${p}_${name}_heads`);
      return g.op1('Transpose', [split], `${p}_${name}_t`, { perm });
    };
    const q = heads4d('query', layer.query, [0, 2, 1, 3]);
    const kT = heads4d('key', layer.key, [0, 2, 3, 1]);
    const v = heads4d('value', layer.value, [0, 2, 1, 3]);
    const raw = g.op1('MatMul', [q, kT], `${p}_scores_raw`);
    const scaled = g.op1('Mul', [raw, scale], `${p}_scores_scaled`);
    const masked = g.op1('Add', [scaled, maskBias], `${p}_scores`);
    const probs = g.op1('Softmax', [masked], `${p}_probs`, { axis: -1 });
    const ctx4d = g.op1('MatMul', [probs, v], `${p}_context_heads`);
    const ctxT = g.op1('Transpose', [ctx4d], `${p}_context_t`, { perm: [0, 2, 1, 3] });
    const ctx = g.op1('Reshape', [ctxT, mergedShape], `${p}_context`);
    const attn = linear(ctx, layer.attentionOutput, `${p}_attention_output`);
    const x1 = g.op1('Add', [x, attn], `${p}_attention_residual`);

    const ln2 = layerNorm(g, x1, layer.ln2, `${p}_ln2`, weights.config.layerNormEps);
    const inner = linear(ln2, layer.ffnIn, `${p}_ffn_in`);
    const erf = g.op1('Erf', [g.op1('Mul', [inner, invSqrt2], `${p}_gelu_scaled`)], `${p}_gelu_erf`);
    const cdf = g.op1('Add', [erf, g.f32(`${p}_gelu_one`, [], [1])], `${p}_gelu_cdf`);
    const gelu = g.op1('Mul', [g.op1('Mul', [inner, cdf], `${p}_gelu_x_cdf`), half], `${p}_gelu`);
    const out = linear(gelu, layer.ffnOut, `${p}_ffn_out`);
    const last = l === weights.layers.length - 1;
    x = g.op1('Add', [x1, out], last ? 'last_hidden_state' : `${p}_output`);
  });

  return encodeModelProto(g, {
    graphName: `locus_tiny_bert_${precision}`,
    docString,
    opsets: [
      { domain: '', version: TINY_BERT_OPSET },
      ...(precision === 'q4' ? [{ domain: MS_DOMAIN, version: 1 }] : []),
    ],
    inputs: [
      valueInfo('input_ids', DT.INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', DT.INT64, ['batch_size', 'sequence_length']),
    ],
    outputs: [valueInfo('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', h])],
  });
}

function layerNorm(g: GraphBuilder, x: string, w: LayerNormWeights, name: string, epsilon: number): string {
  const gamma = g.f32(`${name}_gamma`, [w.gamma.length], w.gamma);
  const beta = g.f32(`${name}_beta`, [w.beta.length], w.beta);
  return g.op1('LayerNormalization', [x, gamma, beta], name, { axis: -1, epsilon: { f: epsilon } });
}

type LinearEmitter = (x: string, lin: Linear, name: string) => string;

/** y = x·W + b for the precision: MatMul, DynamicQuantizeLinear + MatMulInteger, or MatMulNBits. */
function linearEmitter(g: GraphBuilder, precision: Precision): LinearEmitter {
  return (x, lin, name) => {
    const { inputs: k, outputs: n } = lin;
    let y: string;
    if (precision === 'fp32') {
      y = g.op1('MatMul', [x, g.f32(`${name}_weight`, [k, n], lin.w)], `${name}_matmul`);
    } else if (precision === 'q8') {
      const q: MatMulQ8 = quantizeMatMulQ8(lin.w, k, n);
      const w = g.tensor(`${name}_weight_q8`, DT.INT8, [k, n], u8(q.values));
      const wZero = g.tensor(`${name}_weight_zero_point`, DT.INT8, [n], new Uint8Array(n));
      const wScale = g.f32(`${name}_weight_scale`, [n], q.scales);
      const [xq, xScale, xZero] = g.op(
        'DynamicQuantizeLinear',
        [x],
        [`${name}_x_q`, `${name}_x_scale`, `${name}_x_zero_point`],
      );
      const acc = g.op1('MatMulInteger', [xq!, w, xZero!, wZero], `${name}_int32`);
      const accF = g.op1('Cast', [acc], `${name}_int32_f`, { to: DT.FLOAT });
      const s = g.op1('Mul', [xScale!, wScale], `${name}_scale`);
      y = g.op1('Mul', [accF, s], `${name}_matmul`);
    } else {
      const q: MatMulQ4 = quantizeMatMulQ4(lin.w, k, n, Q4_BLOCK_SIZE);
      const w = g.tensor(`${name}_weight_q4`, DT.UINT8, [n, q.blocks, q.blockSize / 2], q.packed);
      const wScale = g.f32(`${name}_weight_scales`, [n * q.blocks], q.scales);
      const attrs = { K: k, N: n, bits: 4, block_size: q.blockSize };
      y = g.op1('MatMulNBits', [x, w, wScale], `${name}_matmul`, attrs, MS_DOMAIN);
    }
    return g.op1('Add', [y, g.f32(`${name}_bias`, [n], lin.b)], name);
  };
}

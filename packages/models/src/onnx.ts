// ONNX graph of locus-glove-sif: last_hidden_state[b, s] = E[input_ids[b, s]] * mask[b, s], plus the
// embedding lookup for each precision that locus-tiny-bert reuses. Standard ai.onnx ops only
// (opset 13), so onnxruntime-node, onnxruntime-web (wasm) and WebGPU all run it.
import { DT, encodeModelProto, GraphBuilder, i32Bytes, u8, valueInfo } from './onnx-builder.js';
import type { Q4Table, Q8Table } from './quantize.js';

export const OPSET = 13;

export type Precision = 'fp32' | 'q8' | 'q4';

export const PRECISIONS: readonly Precision[] = ['fp32', 'q8', 'q4'];

/** dtype → file, as transformers.js names them. */
export const ONNX_FILES: Record<Precision, string> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
};

export interface GraphSource {
  rows: number;
  dim: number;
  fp32?: Float32Array;
  q8?: Q8Table;
  q4?: Q4Table;
}

/**
 * Gathers one table row per id into `out` ([..., dim] float). q8 and q4 keep the table quantized per
 * row and dequantize only the gathered rows in the graph.
 */
export function embeddingLookup(
  g: GraphBuilder,
  precision: Precision,
  src: GraphSource,
  ids: string,
  out: string,
  prefix = 'word_embeddings',
): string {
  const { rows, dim } = src;
  if (precision === 'fp32') {
    if (!src.fp32) throw new Error('fp32 table missing');
    const table = g.f32(prefix, [rows, dim], src.fp32);
    return g.op1('Gather', [table, ids], out, { axis: 0 });
  }
  const table = precision === 'q8' ? src.q8 : src.q4;
  if (!table) throw new Error(`${precision} table missing`);
  const scale = g.f32(`${prefix}_scale`, [rows, 1], table.scales);
  const rowScale = g.op1('Gather', [scale, ids], `${out}_scale`, { axis: 0 });
  if (precision === 'q8') {
    const q8 = g.tensor(`${prefix}_q8`, DT.INT8, [rows, dim], u8((table as Q8Table).values));
    const rowQ = g.op1('Gather', [q8, ids], `${out}_q8`, { axis: 0 });
    const rowF = g.op1('Cast', [rowQ], `${out}_q8_f`, { to: DT.FLOAT });
    return g.op1('Mul', [rowF, rowScale], out);
  }
  const packed = g.tensor(`${prefix}_q4`, DT.UINT8, [rows, dim / 2], u8((table as Q4Table).packed));
  const sixteen = g.tensor(`${prefix}_sixteen`, DT.INT32, [], i32Bytes([16]));
  const eight = g.f32(`${prefix}_eight`, [], [8]);
  const rowP = g.op1('Gather', [packed, ids], `${out}_packed`, { axis: 0 });
  const rowI = g.op1('Cast', [rowP], `${out}_packed_i`, { to: DT.INT32 });
  const lo = g.op1('Mod', [rowI, sixteen], `${out}_lo`);
  const hi = g.op1('Div', [rowI, sixteen], `${out}_hi`);
  const codes = g.op1('Concat', [lo, hi], `${out}_codes`, { axis: -1 });
  const codesF = g.op1('Cast', [codes], `${out}_codes_f`, { to: DT.FLOAT });
  const centred = g.op1('Sub', [codesF, eight], `${out}_q4_f`);
  return g.op1('Mul', [centred, rowScale], out);
}

/** Serializes locus-glove-sif for one precision; identical inputs give identical bytes. */
export function encodeModel(precision: Precision, src: GraphSource, docString: string): Uint8Array {
  const g = new GraphBuilder();
  const tokens = embeddingLookup(g, precision, src, 'input_ids', 'token_embeddings');
  // Padding positions give exact zeros (mean pooling skips them anyway).
  const axes = g.i64('unsqueeze_axes', [1], [2]);
  const maskF = g.op1('Cast', ['attention_mask'], 'mask_f', { to: DT.FLOAT });
  const mask3d = g.op1('Unsqueeze', [maskF, axes], 'mask_3d');
  g.op1('Mul', [tokens, mask3d], 'last_hidden_state');
  return encodeModelProto(g, {
    graphName: `locus_glove_sif_${precision}`,
    docString,
    opsets: [{ domain: '', version: OPSET }],
    inputs: [
      valueInfo('input_ids', DT.INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', DT.INT64, ['batch_size', 'sequence_length']),
    ],
    outputs: [valueInfo('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', src.dim])],
  });
}

// ONNX graphs for a word-embedding "encoder": last_hidden_state[b, s] = E[input_ids[b, s]] * mask[b, s].
// Written as protobuf ModelProto with `onnx-proto`; standard ai.onnx ops only (opset 13), so
// onnxruntime-node, onnxruntime-web (wasm) and WebGPU all run them.
import onnxProto from 'onnx-proto';
import type { Q4Table, Q8Table } from './quantize.js';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export const OPSET = 13;
export const PRODUCER = 'locus-models';

export type Precision = 'fp32' | 'q8' | 'q4';

export interface GraphSource {
  rows: number;
  dim: number;
  fp32?: Float32Array;
  q8?: Q8Table;
  q4?: Q4Table;
}

/** Serializes the model for one precision; identical inputs give identical bytes. */
export function encodeModel(precision: Precision, src: GraphSource, docString: string): Uint8Array {
  const nodes: INodeProto[] = [];
  const inits: ITensorProto[] = [];
  const { rows, dim } = src;

  if (precision === 'fp32') {
    if (!src.fp32) throw new Error('fp32 table missing');
    inits.push(tensor('word_embeddings', DT.FLOAT, [rows, dim], f32Bytes(src.fp32)));
    nodes.push(node('Gather', ['word_embeddings', 'input_ids'], ['token_embeddings'], { axis: 0 }));
  } else if (precision === 'q8') {
    if (!src.q8) throw new Error('q8 table missing');
    inits.push(tensor('word_embeddings_q8', DT.INT8, [rows, dim], u8(src.q8.values)));
    inits.push(tensor('word_embeddings_scale', DT.FLOAT, [rows, 1], f32Bytes(src.q8.scales)));
    nodes.push(
      node('Gather', ['word_embeddings_q8', 'input_ids'], ['rows_q8'], { axis: 0 }),
      node('Cast', ['rows_q8'], ['rows_q8_f'], { to: DT.FLOAT }),
      node('Gather', ['word_embeddings_scale', 'input_ids'], ['rows_scale'], { axis: 0 }),
      node('Mul', ['rows_q8_f', 'rows_scale'], ['token_embeddings']),
    );
  } else {
    if (!src.q4) throw new Error('q4 table missing');
    const half = dim / 2;
    inits.push(tensor('word_embeddings_q4', DT.UINT8, [rows, half], u8(src.q4.packed)));
    inits.push(tensor('word_embeddings_scale', DT.FLOAT, [rows, 1], f32Bytes(src.q4.scales)));
    inits.push(tensor('sixteen', DT.INT32, [], i32Bytes(Int32Array.of(16))));
    inits.push(tensor('eight', DT.FLOAT, [], f32Bytes(Float32Array.of(8))));
    nodes.push(
      node('Gather', ['word_embeddings_q4', 'input_ids'], ['rows_packed'], { axis: 0 }),
      node('Cast', ['rows_packed'], ['rows_packed_i'], { to: DT.INT32 }),
      node('Mod', ['rows_packed_i', 'sixteen'], ['rows_lo']),
      node('Div', ['rows_packed_i', 'sixteen'], ['rows_hi']),
      node('Concat', ['rows_lo', 'rows_hi'], ['rows_codes'], { axis: -1 }),
      node('Cast', ['rows_codes'], ['rows_codes_f'], { to: DT.FLOAT }),
      node('Sub', ['rows_codes_f', 'eight'], ['rows_q4_f']),
      node('Gather', ['word_embeddings_scale', 'input_ids'], ['rows_scale'], { axis: 0 }),
      node('Mul', ['rows_q4_f', 'rows_scale'], ['token_embeddings']),
    );
  }
  // Padding positions give exact zeros (mean pooling skips them anyway).
  inits.push(tensor('unsqueeze_axes', DT.INT64, [1], i64Bytes([2])));
  nodes.push(
    node('Cast', ['attention_mask'], ['mask_f'], { to: DT.FLOAT }),
    node('Unsqueeze', ['mask_f', 'unsqueeze_axes'], ['mask_3d']),
    node('Mul', ['token_embeddings', 'mask_3d'], ['last_hidden_state']),
  );

  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: PRODUCER,
    producerVersion: '1',
    docString,
    graph: {
      name: `locus_glove_sif_${precision}`,
      node: nodes,
      initializer: inits,
      input: [
        valueInfo('input_ids', DT.INT64, ['batch_size', 'sequence_length']),
        valueInfo('attention_mask', DT.INT64, ['batch_size', 'sequence_length']),
      ],
      output: [valueInfo('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', dim])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attrs: Record<string, number> = {},
): INodeProto {
  const attribute: IAttributeProto[] = Object.entries(attrs).map(([name, i]) => ({ name, type: AT.INT, i }));
  return { opType, input, output, name: `${opType}_${output[0]}`, attribute };
}

function tensor(name: string, dataType: number, dims: number[], rawData: Uint8Array): ITensorProto {
  return { name, dataType, dims, rawData };
}

function valueInfo(
  name: string,
  elemType: number,
  shape: (string | number)[],
): onnxProto.onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

// ONNX raw_data is little-endian; DataView makes that explicit on any host.
function f32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

function i32Bytes(values: Int32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i]!, true);
  return out;
}

function i64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return out;
}

function u8(values: Int8Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

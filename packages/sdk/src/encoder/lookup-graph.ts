import { LocusError } from '../errors.js';
import { DataType, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-reader.js';

/**
 * Runs ONNX graphs that compute each token's vector from its id alone: Gather from embedding
 * tables, (de)quantization arithmetic and the attention-mask multiply. Such a model needs no
 * general ONNX runtime, so the default encoder costs kilobytes of JS instead of a 27 MB wasm.
 * Any other op (MatMul, attention, ...) means "not a lookup model": use transformers.js.
 */

interface Tensor {
  dims: number[];
  data: Float32Array | Int32Array | Uint8Array | Int8Array;
}

const MODEL_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
const OUTPUT = 'last_hidden_state';

type Op = (node: OnnxNode, inputs: Tensor[]) => Tensor;

const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

function strides(dims: number[]): number[] {
  const out = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) out[i] = out[i + 1]! * dims[i + 1]!;
  return out;
}

function fail(message: string): never {
  throw new LocusError('encoder-failed', message);
}

/** numpy-style broadcasting of two shapes. */
function broadcastDims(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(`cannot broadcast [${a}] with [${b}]`);
    return Math.max(x, y);
  });
}

/** Offsets into `dims`-shaped data for each element of the broadcast output shape. */
function broadcastIndex(dims: number[], out: number[]): Int32Array {
  const padded = [...new Array<number>(out.length - dims.length).fill(1), ...dims];
  const inStrides = strides(padded).map((s, i) => (padded[i] === 1 ? 0 : s));
  const outStrides = strides(out);
  const index = new Int32Array(size(out));
  for (let flat = 0; flat < index.length; flat++) {
    let offset = 0;
    let rest = flat;
    for (let d = 0; d < out.length; d++) {
      const coord = Math.floor(rest / outStrides[d]!);
      rest -= coord * outStrides[d]!;
      offset += coord * inStrides[d]!;
    }
    index[flat] = offset;
  }
  return index;
}

/**
 * How `dims` repeats across the output: every element (`same`), one value (`scalar`), one value
 * per row of the last axis (`perRow`), or a general pattern that needs an index map.
 */
function pattern(dims: number[], out: number[]): 'same' | 'scalar' | 'perRow' | 'general' {
  const n = size(dims);
  if (n === size(out)) return 'same';
  if (n === 1) return 'scalar';
  const last = out[out.length - 1]!;
  if (dims[dims.length - 1] === 1 && n * last === size(out)) return 'perRow';
  return 'general';
}

/** A reader for operand `t` at output position i (fast for the patterns the models use). */
function reader(t: Tensor, out: number[]): (i: number) => number {
  const { data } = t;
  switch (pattern(t.dims, out)) {
    case 'same':
      return (i) => data[i]!;
    case 'scalar': {
      const value = data[0]!;
      return () => value;
    }
    case 'perRow': {
      const last = out[out.length - 1]!;
      return (i) => data[Math.floor(i / last)]!;
    }
    default: {
      const index = broadcastIndex(t.dims, out);
      return (i) => data[index[i]!]!;
    }
  }
}

function binary(fn: (x: number, y: number) => number, integer: (a: Tensor, b: Tensor) => boolean): Op {
  return (_node, [a, b]) => {
    const dims = broadcastDims(a!.dims, b!.dims);
    const n = size(dims);
    const ra = reader(a!, dims);
    const rb = reader(b!, dims);
    const data = integer(a!, b!) ? new Int32Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = fn(ra(i), rb(i));
    return { dims, data };
  };
}

const isInt = (t: Tensor) => t.data instanceof Int32Array;
const bothInt = (a: Tensor, b: Tensor) => isInt(a) && isInt(b);

function axisOf(node: OnnxNode, rank: number): number {
  const axis = Number(node.attributes.axis ?? 0);
  return axis < 0 ? axis + rank : axis;
}

const OPS: Record<string, Op> = {
  Identity: (_node, [x]) => x!,
  Gather: (node, [table, indices]) => {
    if (axisOf(node, table!.dims.length) !== 0) fail('Gather is supported on axis 0 only');
    const rows = table!.dims[0]!;
    const width = size(table!.dims.slice(1));
    const n = indices!.data.length;
    const Out = table!.data.constructor as new (length: number) => Tensor['data'];
    const data = new Out(n * width);
    for (let i = 0; i < n; i++) {
      const row = indices!.data[i]!;
      if (row < 0 || row >= rows) fail(`token id ${row} is outside the embedding table (${rows} rows)`);
      data.set(table!.data.subarray(row * width, (row + 1) * width), i * width);
    }
    return { dims: [...indices!.dims, ...table!.dims.slice(1)], data };
  },
  Cast: (node, [x]) => {
    const to = Number(node.attributes.to);
    if (to === DataType.FLOAT) return { dims: x!.dims, data: Float32Array.from(x!.data) };
    if (to === DataType.INT32 || to === DataType.INT64)
      return { dims: x!.dims, data: Int32Array.from(x!.data, Math.trunc) };
    return fail(`Cast to type ${to} is not supported`);
  },
  Unsqueeze: (_node, [x, axes]) => {
    const dims = [...x!.dims];
    const rank = dims.length + axes!.data.length;
    const sorted = Array.from(axes!.data, (a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
    for (const axis of sorted) dims.splice(axis, 0, 1);
    return { dims, data: x!.data };
  },
  Concat: (node, parts) => {
    const rank = parts[0]!.dims.length;
    const axis = axisOf(node, rank);
    const outer = size(parts[0]!.dims.slice(0, axis));
    const widths = parts.map((p) => size(p.dims.slice(axis)));
    const total = widths.reduce((a, b) => a + b, 0);
    const Out = parts[0]!.data.constructor as new (length: number) => Tensor['data'];
    const data = new Out(outer * total);
    for (let o = 0; o < outer; o++) {
      let at = o * total;
      parts.forEach((p, k) => {
        data.set(p.data.subarray(o * widths[k]!, (o + 1) * widths[k]!), at);
        at += widths[k]!;
      });
    }
    const dims = [...parts[0]!.dims];
    dims[axis] = parts.reduce((sum, p) => sum + p.dims[axis]!, 0);
    return { dims, data };
  },
  Add: binary((x, y) => x + y, bothInt),
  Sub: binary((x, y) => x - y, bothInt),
  Mul: binary((x, y) => x * y, bothInt),
  Div: binary((x, y) => x / y, bothInt),
  Mod: binary((x, y) => x - y * Math.floor(x / y), bothInt),
};
// Integer Div truncates (ONNX semantics); the binary helper writes into an Int32Array, which does.

function toTensor({ dims, data }: OnnxTensor): Tensor {
  if (data instanceof BigInt64Array) return { dims, data: Int32Array.from(data, Number) };
  return { dims, data };
}

/** Whether `graph` is a per-token lookup model this module can run. */
export function isLookupGraph(graph: OnnxGraph): boolean {
  return (
    graph.outputs.includes(OUTPUT) &&
    graph.inputs.every((name) => MODEL_INPUTS.has(name) || graph.initializers.has(name)) &&
    graph.nodes.every((node) => (node.domain === '' || node.domain === 'ai.onnx') && node.opType in OPS)
  );
}

export class LookupGraph {
  private readonly constants = new Map<string, Tensor>();

  constructor(private readonly graph: OnnxGraph) {
    if (!isLookupGraph(graph)) fail('this ONNX graph is not a per-token lookup model');
    for (const [name, tensor] of graph.initializers) this.constants.set(name, toTensor(tensor));
  }

  /** Token vectors for `ids` (one flat sequence): `ids.length` rows of `dim` values. */
  run(ids: Int32Array): { rows: Float32Array; dim: number } {
    const values = new Map<string, Tensor>(this.constants);
    values.set('input_ids', { dims: [1, ids.length], data: ids });
    values.set('attention_mask', { dims: [1, ids.length], data: new Int32Array(ids.length).fill(1) });
    values.set('token_type_ids', { dims: [1, ids.length], data: new Int32Array(ids.length) });
    for (const node of this.graph.nodes) {
      const inputs = node.inputs.map((name) => values.get(name) ?? fail(`graph input "${name}" is missing`));
      const output = OPS[node.opType]!(node, inputs);
      values.set(node.outputs[0]!, output);
    }
    const out = values.get(OUTPUT)!;
    const dim = out.dims[out.dims.length - 1]!;
    if (out.data.length !== ids.length * dim)
      fail(`"${OUTPUT}" has shape [${out.dims}] for ${ids.length} tokens`);
    return { rows: out.data instanceof Float32Array ? out.data : Float32Array.from(out.data), dim };
  }
}

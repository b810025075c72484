// A small ONNX graph builder over `onnx-proto` (protobuf types for ModelProto). Nodes and
// initializers are appended in call order and tensors are written as little-endian raw_data, so the
// same calls always serialize to the same bytes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export const PRODUCER = 'locus-models';
export const MS_DOMAIN = 'com.microsoft';

/** Attribute values: integers become INT, `{ f }` FLOAT, integer arrays INTS. */
export type AttrValue = number | { f: number } | number[];

export type Shape = (string | number)[];

export class GraphBuilder {
  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  private readonly names = new Set<string>();

  /** Adds an initializer; returns its name. */
  tensor(name: string, dataType: number, dims: number[], rawData: Uint8Array): string {
    this.claim(name);
    this.initializers.push({ name, dataType, dims, rawData });
    return name;
  }

  f32(name: string, dims: number[], values: ArrayLike<number>): string {
    checkSize(name, dims, values.length);
    return this.tensor(name, DT.FLOAT, dims, f32Bytes(values));
  }

  i64(name: string, dims: number[], values: number[]): string {
    checkSize(name, dims, values.length);
    return this.tensor(name, DT.INT64, dims, i64Bytes(values));
  }

  /** Appends one node; returns its outputs (named `output` or `output_1`, `output_2`, ...). */
  op(
    opType: string,
    inputs: string[],
    output: string | string[],
    attrs: Record<string, AttrValue> = {},
    domain = '',
  ): string[] {
    const outputs = Array.isArray(output) ? output : [output];
    for (const o of outputs) this.claim(o);
    const attribute: IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: AT.INTS, ints: v };
      if (typeof v === 'number') return { name, type: AT.INT, i: v };
      return { name, type: AT.FLOAT, f: v.f };
    });
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: `${opType}_${outputs[0]}`,
      attribute,
      domain,
    });
    return outputs;
  }

  /** One-output shorthand of op(). */
  op1(
    opType: string,
    inputs: string[],
    output: string,
    attrs: Record<string, AttrValue> = {},
    domain = '',
  ): string {
    return this.op(opType, inputs, output, attrs, domain)[0]!;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph: name "${name}" used twice`);
    this.names.add(name);
  }
}

export interface ModelSpec {
  graphName: string;
  docString: string;
  inputs: IValueInfoProto[];
  outputs: IValueInfoProto[];
  opsets: { domain: string; version: number }[];
}

export function encodeModelProto(g: GraphBuilder, spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: spec.opsets,
    producerName: PRODUCER,
    producerVersion: '1',
    docString: spec.docString,
    graph: {
      name: spec.graphName,
      node: g.nodes,
      initializer: g.initializers,
      input: spec.inputs,
      output: spec.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export function valueInfo(name: string, elemType: number, shape: Shape): IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function checkSize(name: string, dims: number[], length: number): void {
  const expected = dims.reduce((p, d) => p * d, 1);
  if (expected !== length)
    throw new Error(`ONNX tensor ${name}: dims ${dims} need ${expected} values, got ${length}`);
}

// ONNX raw_data is little-endian; DataView makes that explicit on any host.
export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

export function i32Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i]!, true);
  return out;
}

export function i64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return out;
}

export function u8(values: Int8Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

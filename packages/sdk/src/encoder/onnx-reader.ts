import protobuf from 'protobufjs/minimal.js';
import { LocusError } from '../errors.js';

/**
 * Reads the parts of an ONNX ModelProto a lookup-table encoder needs (nodes, initializers,
 * graph inputs/outputs) with protobufjs' wire-format reader. Field numbers are onnx.proto3's.
 */

export type TensorData = Float32Array | Int32Array | Uint8Array | Int8Array | BigInt64Array;

export interface OnnxTensor {
  name: string;
  dims: number[];
  data: TensorData;
}

export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, number | number[] | Uint8Array>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: string[];
  outputs: string[];
}

/** onnx.TensorProto.DataType values this reader understands. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

type Reader = protobuf.Reader;

/** Calls `onField(field, wireType)` for each field up to `end`; it must consume the field. */
function fields(reader: Reader, end: number, onField: (field: number, wire: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (!onField(field, wire)) reader.skipType(wire);
  }
}

function int64(reader: Reader): number {
  const value = reader.int64();
  return typeof value === 'number' ? value : Number(value.toString());
}

/** Reads a repeated int64 that may be packed (wire 2) or not. */
function pushInt64s(reader: Reader, wire: number, out: number[]): void {
  if (wire !== 2) {
    out.push(int64(reader));
    return;
  }
  const end = reader.uint32() + reader.pos;
  while (reader.pos < end) out.push(int64(reader));
}

function copyBytes(bytes: Uint8Array): ArrayBuffer {
  // raw_data is little-endian and may be unaligned inside the file: copy to an aligned buffer.
  return bytes.slice().buffer;
}

function tensorFrom(
  name: string,
  dims: number[],
  type: number,
  raw: Uint8Array | null,
  floats: number[],
): OnnxTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  let data: TensorData;
  if (raw) {
    const buffer = copyBytes(raw);
    switch (type) {
      case DataType.FLOAT:
        data = new Float32Array(buffer);
        break;
      case DataType.UINT8:
        data = new Uint8Array(buffer);
        break;
      case DataType.INT8:
        data = new Int8Array(buffer);
        break;
      case DataType.INT32:
        data = new Int32Array(buffer);
        break;
      case DataType.INT64:
        data = new BigInt64Array(buffer);
        break;
      default:
        throw new LocusError('encoder-failed', `initializer "${name}" has unsupported data type ${type}`);
    }
  } else if (type === DataType.FLOAT) {
    data = Float32Array.from(floats);
  } else {
    throw new LocusError('encoder-failed', `initializer "${name}" has no raw_data`);
  }
  if (data.length !== count) {
    throw new LocusError(
      'encoder-failed',
      `initializer "${name}" has ${data.length} values for dims [${dims}]`,
    );
  }
  return { name, dims, data };
}

function readTensor(reader: Reader, end: number): OnnxTensor {
  let name = '';
  const dims: number[] = [];
  let type = 0;
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  fields(reader, end, (field, wire) => {
    if (field === 1) pushInt64s(reader, wire, dims);
    else if (field === 2) type = reader.int32();
    else if (field === 8) name = reader.string();
    else if (field === 9) raw = reader.bytes();
    else if (field === 4 && wire === 2) {
      const stop = reader.uint32() + reader.pos;
      while (reader.pos < stop) floats.push(reader.float());
    } else if (field === 4) floats.push(reader.float());
    else if (field === 13 || field === 14) {
      throw new LocusError('encoder-failed', 'ONNX files with external data are not supported');
    } else return false;
    return true;
  });
  return tensorFrom(name, dims, type, raw, floats);
}

function readAttribute(reader: Reader, end: number): [string, number | number[] | Uint8Array] {
  let name = '';
  let value: number | number[] | Uint8Array = 0;
  const ints: number[] = [];
  fields(reader, end, (field, wire) => {
    if (field === 1) name = reader.string();
    else if (field === 2) value = reader.float();
    else if (field === 3) value = int64(reader);
    else if (field === 4) value = reader.bytes();
    else if (field === 8) pushInt64s(reader, wire, ints);
    else return false;
    return true;
  });
  return [name, ints.length > 0 ? ints : value];
}

function readNode(reader: Reader, end: number): OnnxNode {
  const node: OnnxNode = { opType: '', domain: '', inputs: [], outputs: [], attributes: {} };
  fields(reader, end, (field) => {
    if (field === 1) node.inputs.push(reader.string());
    else if (field === 2) node.outputs.push(reader.string());
    else if (field === 4) node.opType = reader.string();
    else if (field === 7) node.domain = reader.string();
    else if (field === 5) {
      const [name, value] = readAttribute(reader, reader.uint32() + reader.pos);
      node.attributes[name] = value;
    } else return false;
    return true;
  });
  return node;
}

/** ValueInfoProto: only its name (field 1). */
function readValueName(reader: Reader, end: number): string {
  let name = '';
  fields(reader, end, (field) => {
    if (field !== 1) return false;
    name = reader.string();
    return true;
  });
  return name;
}

function readGraph(reader: Reader, end: number): OnnxGraph {
  const graph: OnnxGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  fields(reader, end, (field, wire) => {
    if (wire !== 2) return false;
    const stop = reader.uint32() + reader.pos;
    if (field === 1) graph.nodes.push(readNode(reader, stop));
    else if (field === 5) {
      const tensor = readTensor(reader, stop);
      graph.initializers.set(tensor.name, tensor);
    } else if (field === 11) graph.inputs.push(readValueName(reader, stop));
    else if (field === 12) graph.outputs.push(readValueName(reader, stop));
    else reader.pos = stop;
    return true;
  });
  return graph;
}

/** Parses an ONNX model file; a file that is not one is a typed error, not a crash. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  try {
    const reader = protobuf.Reader.create(bytes);
    let graph: OnnxGraph | undefined;
    fields(reader, bytes.length, (field, wire) => {
      if (field !== 7 || wire !== 2) return false;
      graph = readGraph(reader, reader.uint32() + reader.pos);
      return true;
    });
    if (!graph || graph.nodes.length === 0) throw new Error('no graph');
    return graph;
  } catch (err) {
    if (err instanceof LocusError) throw err;
    throw new LocusError(
      'encoder-failed',
      `not a readable ONNX model (${err instanceof Error ? err.message : err})`,
      {
        cause: err,
      },
    );
  }
}

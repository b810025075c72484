/**
 * Little-endian byte views of the typed arrays the aggregator stores (weights, masked words). The
 * bytes on disk are defined as little-endian so a database means the same on any host; on the
 * little-endian hosts Node runs on in practice these are zero-copy views.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `values` (4 per element, little-endian). */
export function wordsToBytes(values: Float32Array | Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(4 * i, values[i]!, true);
    else view.setUint32(4 * i, values[i]!, true);
  }
  return bytes;
}

function aligned(bytes: Uint8Array): ArrayBuffer {
  if (bytes.length % 4 !== 0) throw new RangeError(`${bytes.length} bytes is not a whole number of words`);
  // Typed-array views need 4-byte alignment; a copy also detaches the result from driver buffers.
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const buffer = aligned(bytes);
  if (LITTLE_ENDIAN) return new Float32Array(buffer);
  const view = new DataView(buffer);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

/**
 * The words of `bytes` for reading only: a zero-copy view when the bytes are 4-byte aligned on a
 * little-endian host (the 40 KB masked inputs read back from SQLite, each its own buffer), a copy
 * otherwise. Summing a stage's inputs then touches each byte once.
 */
export function uint32View(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new RangeError(`${bytes.length} bytes is not a whole number of words`);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  }
  return bytesToUint32(bytes);
}

export function bytesToUint32(bytes: Uint8Array): Uint32Array {
  const buffer = aligned(bytes);
  if (LITTLE_ENDIAN) return new Uint32Array(buffer);
  const view = new DataView(buffer);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

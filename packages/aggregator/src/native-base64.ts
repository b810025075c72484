import { ProtocolError } from '@locus/protocol';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The protocol's strict base64-to-words decoding (`decodeBase64Words`) over Node's native base64,
 * for masked inputs (53 KB of base64 each for 10k parameters): about 6 µs instead of 70 µs here.
 *
 * Node's decoder is lenient: it skips characters outside the alphabet, accepts the base64url
 * alphabet, missing padding and non-zero padding bits. Strictness comes back from one comparison:
 * the canonical encoding of a byte string is unique, so the input is canonical base64 exactly when
 * re-encoding what Node decoded gives the input again, and then Node decoded it exactly.
 */
export function decodeBase64WordsNative(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new ProtocolError('malformed', 'not canonical base64');
  if (bytes.length % 4 !== 0) {
    throw new ProtocolError('wrong-length', 'a uint32 vector has a multiple of 4 bytes');
  }
  const count = bytes.length / 4;
  // Large buffers own their memory at offset 0; small ones come from Node's shared pool and may
  // sit at any offset, so those are copied (a view would need 4-byte alignment anyway).
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Uint32Array(bytes.buffer, 0, count);
  }
  const words = new Uint32Array(count);
  for (let i = 0; i < count; i++) words[i] = bytes.readUInt32LE(4 * i);
  return words;
}

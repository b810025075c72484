import { isLE } from '@noble/ciphers/utils.js';
import { ProtocolError } from '../protocol-error.js';

/**
 * Strict base64 (RFC 4648 §4, padded) for binary fields in JSON messages, and the little-endian
 * layouts of the vectors they carry. Strict means one encoding per byte string: no whitespace,
 * no missing or extra padding, no non-zero bits in the padding, so a message cannot be altered
 * without changing its meaning.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let k = 0; k < 64; k++) DECODE[ALPHABET.charCodeAt(k)] = k;
const PAD = 61; // '='
const ASCII = new TextDecoder();

/** Characters of the padded base64 encoding of `bytes` bytes. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

// The alphabets as character codes, built once: routed shares encode thousands of short fields
// per round, where building the table per call was most of the cost.
const ALPHABET_CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
const URL_ALPHABET_CODES = Uint8Array.from(URL_ALPHABET, (char) => char.charCodeAt(0));

function encodeWith(bytes: Uint8Array, table: Uint8Array, pad: boolean): string {
  const codes = new Uint8Array(base64Length(bytes.length));
  let out = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[out++] = table[n >>> 18]!;
    codes[out++] = table[(n >>> 12) & 63]!;
    codes[out++] = table[(n >>> 6) & 63]!;
    codes[out++] = table[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    codes[out++] = table[n >>> 18]!;
    codes[out++] = table[(n >>> 12) & 63]!;
    codes[out++] = rest === 2 ? table[(n >>> 6) & 63]! : PAD;
    codes[out++] = PAD;
  }
  const length = pad ? out : out - (rest === 0 ? 0 : 3 - rest);
  // The codes are ASCII, which UTF-8 decodes to the same characters: the platform's TextDecoder
  // builds the string natively (about 4 µs for a 10k-word vector, where String.fromCharCode over
  // spread chunks took 0.9 ms).
  return ASCII.decode(codes.subarray(0, length));
}

export function encodeBase64(bytes: Uint8Array): string {
  return encodeWith(bytes, ALPHABET_CODES, true);
}

/** Unpadded base64url (RFC 4648 §5), for tokens that travel in headers and URLs. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeWith(bytes, URL_ALPHABET_CODES, false);
}

function malformed(): never {
  throw new ProtocolError('malformed', 'not canonical base64');
}

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0) malformed();
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  const fullQuads = text.length / 4 - (padding > 0 ? 1 : 0);
  let out = 0;
  // Hot loop (masked updates are ~53 KB of base64): four lookups, one validity test per quad.
  for (let q = 0, i = 0; q < fullQuads; q++, i += 4) {
    const c0 = lookup(text.charCodeAt(i));
    const c1 = lookup(text.charCodeAt(i + 1));
    const c2 = lookup(text.charCodeAt(i + 2));
    const c3 = lookup(text.charCodeAt(i + 3));
    if ((c0 | c1 | c2 | c3) < 0) malformed();
    const n = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    bytes[out++] = n >>> 16;
    bytes[out++] = (n >>> 8) & 255;
    bytes[out++] = n & 255;
  }
  if (padding > 0) {
    const i = text.length - 4;
    const c0 = lookup(text.charCodeAt(i));
    const c1 = lookup(text.charCodeAt(i + 1));
    const c2 = padding === 2 ? 0 : lookup(text.charCodeAt(i + 2));
    if ((c0 | c1 | c2) < 0) malformed();
    // Canonical form: the bits the padding stands for must be zero.
    if (padding === 2 && (c1 & 15) !== 0) malformed();
    if (padding === 1 && (c2 & 3) !== 0) malformed();
    const n = (c0 << 18) | (c1 << 12) | (c2 << 6);
    bytes[out++] = n >>> 16;
    if (padding === 1) bytes[out++] = (n >>> 8) & 255;
  }
  return bytes;
}

/**
 * Strict base64 of little-endian uint32 words, decoded straight into a Uint32Array: the masked
 * input of every client (53 KB of base64 for 10k words) goes through here, and assembling words
 * from four quads at a time skips the byte array, its copy and three quarters of the stores. Same
 * acceptance as {@link decodeBase64} (throws `malformed`), then `wrong-length` when the bytes are
 * not whole words.
 */
export function decodeBase64Words(text: string): Uint32Array<ArrayBuffer> {
  if (text.length % 4 !== 0) malformed();
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const byteLength = (text.length / 4) * 3 - padding;
  if (byteLength % 4 !== 0) {
    decodeBase64(text); // A malformed text is reported as such before its length.
    throw new ProtocolError('wrong-length', 'a uint32 vector has a multiple of 4 bytes');
  }
  const words = new Uint32Array(byteLength / 4);
  // 16 characters are 12 bytes, three whole words; the padding quad is never in a full group.
  const groups = Math.floor((padding > 0 ? text.length - 4 : text.length) / 16);
  let w = 0;
  for (let g = 0, i = 0; g < groups; g++, i += 16) {
    const n0 = quad(text, i);
    const n1 = quad(text, i + 4);
    const n2 = quad(text, i + 8);
    const n3 = quad(text, i + 12);
    if ((n0 | n1 | n2 | n3) < 0) malformed();
    // Quads hold bytes big-endian (first byte highest); words take them little-endian.
    words[w++] = (n0 >>> 16) | (n0 & 0xff00) | ((n0 & 255) << 16) | ((n1 >>> 16) << 24);
    words[w++] = ((n1 >>> 8) & 255) | ((n1 & 255) << 8) | (n2 & 0xff0000) | (((n2 >>> 8) & 255) << 24);
    words[w++] = (n2 & 255) | ((n3 >>> 8) & 0xff00) | ((n3 & 0xff00) << 8) | ((n3 & 255) << 24);
  }
  // The rest (at most two words, with the padding quad) goes through the byte decoder.
  const tail = decodeBase64(text.slice(16 * groups));
  for (let k = 0; k < tail.length; k += 4, w++) {
    words[w] = tail[k]! | (tail[k + 1]! << 8) | (tail[k + 2]! << 16) | (tail[k + 3]! << 24);
  }
  return words;
}

/** The 24 bits of the quad at `i`, or a negative number when a character is not in the alphabet. */
function quad(text: string, i: number): number {
  return (
    (lookup(text.charCodeAt(i)) << 18) |
    (lookup(text.charCodeAt(i + 1)) << 12) |
    (lookup(text.charCodeAt(i + 2)) << 6) |
    lookup(text.charCodeAt(i + 3))
  );
}

/** The 6-bit value of a base64 character code, or −1 (also for '=' and non-ASCII). */
function lookup(code: number): number {
  return code < 128 ? DECODE[code]! : -1;
}

/** uint32 words as little-endian bytes (a copy). */
export function uint32ToBytes(words: Uint32Array): Uint8Array {
  if (isLE) return new Uint8Array(words.buffer.slice(words.byteOffset, words.byteOffset + words.byteLength));
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(4 * i, words[i]!, true);
  return bytes;
}

/** Little-endian bytes as uint32 words (a copy); the length must be a multiple of 4. */
export function bytesToUint32(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0)
    throw new ProtocolError('wrong-length', 'a uint32 vector has a multiple of 4 bytes');
  if (isLE) return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const words = new Uint32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(4 * i, true);
  return words;
}

/** float32 values as little-endian bytes (a copy). */
export function float32ToBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  return bytes;
}

/** Little-endian bytes as float32 values (a copy); the length must be a multiple of 4. */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0)
    throw new ProtocolError('wrong-length', 'a float32 vector has a multiple of 4 bytes');
  const values = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
  return values;
}

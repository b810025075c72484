import {
  createChaCha20RandomSource,
  decodeBase64Words,
  encodeBase64,
  isProtocolError,
  randomBytes,
} from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { decodeBase64WordsNative } from './native-base64.js';

const outcome = (decode: (text: string) => Uint32Array, text: string): Uint32Array | string => {
  try {
    return decode(text);
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
};

describe('native base64 of uint32 words', () => {
  it('decodes pooled (small, any offset) and owned (large) buffers to the protocol’s words', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(1));
    for (const count of [0, 1, 2, 3, 5, 8, 100, 1023, 1025, 10_000]) {
      // A few small decodes first, so later ones start at odd offsets of Node's pool.
      Buffer.from('QUJD', 'base64');
      const text = encodeBase64(randomBytes(random, 4 * count));
      const words = decodeBase64WordsNative(text);
      expect(words).toEqual(decodeBase64Words(text));
      expect(words).toBeInstanceOf(Uint32Array);
    }
  });

  it('accepts and refuses exactly what the protocol’s strict decoder does, with the same codes', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(2));
    // What Node's lenient decoder would otherwise accept: base64url, whitespace, missing or extra
    // padding, padding bits, characters outside the alphabet.
    const replacements = ['A', 'Q', 'g', 'z', '+', '/', '=', '-', '_', ' ', '\n', '.', '\u00e9', '\u0141'];
    let cases = 0;
    for (let count = 1; count <= 7; count++) {
      for (const byteCount of [4 * count, 4 * count - 1, 4 * count - 2]) {
        const valid = encodeBase64(randomBytes(random, byteCount));
        const variants = [valid, valid.slice(0, -1), valid.replace(/=+$/, ''), `${valid}=`, ` ${valid}`];
        for (let i = 0; i < valid.length; i++) {
          for (const char of replacements) variants.push(valid.slice(0, i) + char + valid.slice(i + 1));
          variants.push(valid.slice(0, i) + valid.slice(i + 1));
        }
        for (const text of variants) {
          expect(outcome(decodeBase64WordsNative, text), JSON.stringify(text)).toEqual(
            outcome(decodeBase64Words, text),
          );
          cases += 1;
        }
      }
    }
    expect(cases).toBeGreaterThan(5000);
    // Non-zero padding bits: Node decodes 'AB==' and 'AAB=' leniently, strict base64 refuses them.
    expect(outcome(decodeBase64WordsNative, 'AAAAAB==')).toBe('malformed');
    expect(outcome(decodeBase64WordsNative, 'AAAAAAAAAAB=')).toBe('malformed');
    expect(outcome(decodeBase64WordsNative, 'AAAA')).toBe('wrong-length');
  });
});

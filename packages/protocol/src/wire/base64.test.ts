import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.js';
import { createChaCha20RandomSource, randomBytes } from '../random/random-source.js';
import {
  base64Length,
  bytesToFloat32,
  bytesToUint32,
  decodeBase64,
  decodeBase64Words,
  encodeBase64,
  encodeBase64Url,
  float32ToBytes,
  uint32ToBytes,
} from './base64.js';

// Reference: the platform's btoa over a binary string (WHATWG forgiving-base64).
const reference = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

describe('base64', () => {
  it('matches btoa for every length up to 100 and round-trips', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(1));
    for (let length = 0; length <= 100; length++) {
      const bytes = randomBytes(random, length);
      const text = encodeBase64(bytes);
      expect(text).toBe(reference(bytes));
      expect(text).toHaveLength(base64Length(length));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it('round-trips large buffers (chunked string building)', () => {
    const bytes = randomBytes(createChaCha20RandomSource(new Uint8Array(32).fill(2)), 100_001);
    expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
  });

  it.each(['Zg=', 'Zh==', 'Zm9=', 'Zm 9v', 'Zm9v\n', 'Zm=v', '====', 'Zm9v====', 'Zm9\u00e9'])(
    'rejects the non-canonical or invalid %j',
    (text) => {
      let caught: unknown;
      try {
        decodeBase64(text);
      } catch (error) {
        caught = error;
      }
      expect(isProtocolError(caught, 'malformed')).toBe(true);
    },
  );

  it('encodes base64url without padding', () => {
    expect(encodeBase64Url(Uint8Array.from([0xfb, 0xff]))).toBe('-_8');
    expect(encodeBase64(Uint8Array.from([0xfb, 0xff]))).toBe('+/8=');
  });
});

/** What decodeBase64Words must do: the byte decoder, then whole little-endian words. */
function referenceWords(text: string): Uint32Array | string {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(text);
  } catch {
    return 'malformed';
  }
  return bytes.length % 4 === 0 ? bytesToUint32(bytes) : 'wrong-length';
}

function wordsOrCode(text: string): Uint32Array | string {
  try {
    return decodeBase64Words(text);
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe('base64 straight to uint32 words', () => {
  it('decodes every word count up to 40 and a 10k-word vector like the byte decoder', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(3));
    for (const count of [...Array.from({ length: 41 }, (_, k) => k), 10_000]) {
      const bytes = randomBytes(random, 4 * count);
      const text = encodeBase64(bytes);
      expect(decodeBase64Words(text)).toEqual(bytesToUint32(bytes));
    }
  });

  it('reads words little-endian', () => {
    expect([...decodeBase64Words(encodeBase64(Uint8Array.from([1, 2, 3, 4, 0xff, 0, 0, 0])))]).toEqual([
      0x04030201, 255,
    ]);
  });

  it('accepts and refuses exactly what the byte decoder does, malformed before wrong-length', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(4));
    const replacements = ['A', 'z', '+', '/', '=', '-', '_', ' ', '\n', '\u00e9', '\u0141'];
    let cases = 0;
    // 1 to 9 words: with two, one or no padding characters, inside and after full 16-char groups.
    for (let count = 1; count <= 9; count++) {
      const valid = encodeBase64(randomBytes(random, 4 * count));
      const variants = [valid, valid.slice(0, -1), valid.slice(0, -4), `${valid}AAAA`, `${valid}=`];
      for (let i = 0; i < valid.length; i++) {
        for (const char of replacements) variants.push(valid.slice(0, i) + char + valid.slice(i + 1));
        variants.push(valid.slice(0, i) + valid.slice(i + 1));
      }
      for (const text of variants) {
        expect(wordsOrCode(text), JSON.stringify(text)).toEqual(referenceWords(text));
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(2000);
    expect(wordsOrCode('AAAA')).toBe('wrong-length');
    expect(wordsOrCode('AA==')).toBe('wrong-length');
    expect(wordsOrCode('AA=A')).toBe('malformed');
    expect(wordsOrCode('AAAAAA==')).toEqual(Uint32Array.of(0));
    expect(wordsOrCode('')).toEqual(new Uint32Array(0));
  });
});

describe('vector layouts', () => {
  it('are little-endian on every host', () => {
    expect([...uint32ToBytes(Uint32Array.from([0x04030201]))]).toEqual([1, 2, 3, 4]);
    expect([...bytesToUint32(Uint8Array.from([1, 2, 3, 4, 0xff, 0, 0, 0]))]).toEqual([0x04030201, 255]);
    expect([...float32ToBytes(Float32Array.from([1]))]).toEqual([0, 0, 0x80, 0x3f]);
    expect([...bytesToFloat32(Uint8Array.from([0, 0, 0x80, 0xbf]))]).toEqual([-1]);
    expect(() => bytesToUint32(new Uint8Array(5))).toThrow(/multiple of 4/);
  });

  it('copy instead of aliasing subarray buffers', () => {
    const backing = Uint32Array.from([9, 1, 2, 9]);
    expect([...bytesToUint32(uint32ToBytes(backing.subarray(1, 3)))]).toEqual([1, 2]);
  });
});

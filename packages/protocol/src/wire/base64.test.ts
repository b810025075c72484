import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.js';
import { createChaCha20RandomSource, randomBytes } from '../random/random-source.js';
import {
  base64Length,
  bytesToFloat32,
  bytesToUint32,
  decodeBase64,
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

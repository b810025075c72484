import { chacha20 } from '@noble/ciphers/chacha.js';
import { describe, expect, it } from 'vitest';
import {
  createChaCha20RandomSource,
  cryptoRandomSource,
  randomBelow,
  randomBytes,
  randomUint32s,
} from './random-source.js';

const seed = (byte: number) => new Uint8Array(32).fill(byte);

describe('createChaCha20RandomSource', () => {
  it('hands out the RFC 8439 keystream, continuing across fills of any size', () => {
    const reference = chacha20(seed(7), new Uint8Array(12), new Uint8Array(1000));
    const source = createChaCha20RandomSource(seed(7));
    const pieces = [1, 63, 64, 65, 3, 128, 200, 476].map((length) => randomBytes(source, length));
    const joined = new Uint8Array(1000);
    let offset = 0;
    for (const piece of pieces) {
      joined.set(piece, offset);
      offset += piece.length;
    }
    expect(offset).toBe(1000);
    expect(joined).toEqual(reference);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    expect(randomBytes(createChaCha20RandomSource(seed(1)), 64)).toEqual(
      randomBytes(createChaCha20RandomSource(seed(1)), 64),
    );
    expect(randomBytes(createChaCha20RandomSource(seed(1)), 64)).not.toEqual(
      randomBytes(createChaCha20RandomSource(seed(2)), 64),
    );
  });

  it('rejects a seed that is not 32 bytes', () => {
    expect(() => createChaCha20RandomSource(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('cryptoRandomSource', () => {
  it('fills buffers larger than one getRandomValues call', () => {
    const bytes = randomBytes(cryptoRandomSource, 200_000);
    // The last chunk is filled too: 70k zero bytes in a row would be a 2^-560000 event.
    expect(bytes.subarray(130_000).some((byte) => byte !== 0)).toBe(true);
  });
});

describe('randomBelow / randomUint32s', () => {
  it('stays in range and reaches every value of a small range', () => {
    const source = createChaCha20RandomSource(seed(3));
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const value = randomBelow(source, 7);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(7);
      seen.add(value);
    }
    expect(seen.size).toBe(7);
  });

  it('gives words whose mean is near 2^31', () => {
    const words = randomUint32s(createChaCha20RandomSource(seed(4)), 10_000);
    const mean = words.reduce((sum, word) => sum + word, 0) / words.length;
    // Standard error of the mean: 2^32 / sqrt(12 * 10000) ≈ 1.24e7; allow 5 of them.
    expect(Math.abs(mean - 2 ** 31)).toBeLessThan(6.2e7);
  });
});

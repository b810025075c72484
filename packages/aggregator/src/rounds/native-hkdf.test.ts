import { createChaCha20RandomSource, hkdfSha256, randomBytes } from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { nativeHkdf } from './native-hkdf.js';

const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

describe('node:crypto HKDF as the protocol’s key derivation', () => {
  it('computes RFC 5869 test case 1 (SHA-256)', () => {
    const okm = nativeHkdf(
      fromHex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
      fromHex('000102030405060708090a0b0c'),
      fromHex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(Buffer.from(okm).toString('hex')).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('returns the protocol’s bytes for random inputs', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(3));
    for (let k = 0; k < 20; k++) {
      const ikm = randomBytes(random, 32);
      const salt = randomBytes(random, 15);
      const info = randomBytes(random, 10 + k);
      expect(nativeHkdf(ikm, salt, info, 32)).toEqual(hkdfSha256(ikm, salt, info, 32));
    }
  });
});

import { createChaCha20RandomSource, randomBytes } from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { createNativeKeyAgreement, isUsableX25519PublicKey } from './native-x25519.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

describe('node:crypto X25519 as the protocol’s key agreement', () => {
  it('computes RFC 7748 §6.1: both public keys from the base point, and the shared secret', () => {
    const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const basePoint = new Uint8Array(32);
    basePoint[0] = 9;
    const agree = createNativeKeyAgreement();
    const alicePublic = agree(alice, basePoint);
    const bobPublic = agree(bob, basePoint);
    expect(hex(alicePublic)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(hex(bobPublic)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(hex(agree(alice, bobPublic))).toBe(shared);
    expect(hex(agree(bob, alicePublic))).toBe(shared);
  });

  it('is symmetric for random keys, with the parsed keys cached across calls', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(8));
    const basePoint = Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? 9 : 0));
    const agree = createNativeKeyAgreement();
    const secrets = Array.from({ length: 6 }, () => randomBytes(random, 32));
    const publics = secrets.map((secret) => agree(secret, basePoint));
    for (const [i, a] of secrets.entries()) {
      for (const [j, b] of secrets.entries()) {
        if (i < j) expect(hex(agree(a, publics[j]!))).toBe(hex(agree(b, publics[i]!)));
      }
    }
  });

  it('refuses low-order public keys, whose shared secret would be public', () => {
    expect(isUsableX25519PublicKey(new Uint8Array(32))).toBe(false);
    expect(isUsableX25519PublicKey(Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? 1 : 0)))).toBe(false);
    // A point of order 8 (RFC 7748 §7 / libsodium's blocklist).
    expect(
      isUsableX25519PublicKey(fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')),
    ).toBe(false);
    expect(
      isUsableX25519PublicKey(fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')),
    ).toBe(true);
  });
});

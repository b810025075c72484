import { p384 } from '@noble/curves/nist.js';
import { bytesToHex } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.js';
import { createChaCha20RandomSource, randomBytes } from '../random/random-source.js';
import { pairwiseMaskKey, selfMaskKey, shareEncryptionKey } from './key-derivation.js';
import {
  applyMask,
  chacha20MaskKeystream,
  createMaskWorkspace,
  expandMask,
  type MaskKeystream,
} from './mask-expansion.js';
import { checkThreshold, defaultThreshold, neighbourSets } from './neighbour-graph.js';
import {
  combineShares,
  decodeShareValue,
  interpolateSecret,
  lagrangeCoefficientsAtZero,
  SHAMIR_PRIME,
  SHARE_BYTES,
  splitSecret,
} from './shamir.js';
import { openSharePair, SHARE_CIPHERTEXT_BYTES, sealSharePair } from './share-encryption.js';

const random = (byte = 1) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
  return undefined;
}

/** x^(p−2) mod p: the field inverse, by square-and-multiply. */
function inverse(x: bigint): bigint {
  let result = 1n;
  let base = ((x % SHAMIR_PRIME) + SHAMIR_PRIME) % SHAMIR_PRIME;
  for (let exponent = SHAMIR_PRIME - 2n; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % SHAMIR_PRIME;
    base = (base * base) % SHAMIR_PRIME;
  }
  return result;
}

describe('Shamir secret sharing', () => {
  it('uses the P-384 base field prime, which is above 2^256', () => {
    expect(SHAMIR_PRIME).toBe(p384.Point.Fp.ORDER);
    expect(SHAMIR_PRIME > 2n ** 256n).toBe(true);
  });

  it('reconstructs from any t shares, including a secret of all 0xff bytes', () => {
    const source = random(2);
    for (const secret of [randomBytes(source, 32), new Uint8Array(32).fill(0xff), new Uint8Array(32)]) {
      const holders = [1, 2, 3, 5, 8, 13, 21];
      const shares = splitSecret(secret, holders, 4, source);
      expect(shares.every((share) => share.y.length === SHARE_BYTES)).toBe(true);
      for (const subset of [
        [0, 1, 2, 3],
        [6, 4, 2, 0],
        [3, 4, 5, 6],
      ]) {
        expect(
          combineShares(
            subset.map((k) => shares[k]!),
            4,
          ),
        ).toEqual(secret);
      }
    }
  });

  it('decodes share values as big-endian field elements and refuses p and above', () => {
    const encode = (value: bigint) =>
      Uint8Array.from({ length: SHARE_BYTES }, (_, k) =>
        Number((value >> BigInt(8 * (SHARE_BYTES - 1 - k))) & 0xffn),
      );
    for (const value of [0n, 1n, 0x0102030405060708090an, 2n ** 256n + 5n, SHAMIR_PRIME - 1n]) {
      expect(decodeShareValue(encode(value))).toBe(value);
    }
    // A view into a larger buffer at an odd offset decodes the same.
    const backing = new Uint8Array(SHARE_BYTES + 3);
    backing.set(encode(SHAMIR_PRIME - 2n), 3);
    expect(decodeShareValue(backing.subarray(3))).toBe(SHAMIR_PRIME - 2n);
    expect(codeOf(() => decodeShareValue(encode(SHAMIR_PRIME)))).toBe('malformed');
    expect(codeOf(() => decodeShareValue(new Uint8Array(SHARE_BYTES).fill(0xff)))).toBe('malformed');
    expect(codeOf(() => decodeShareValue(new Uint8Array(SHARE_BYTES - 1)))).toBe('wrong-length');
  });

  it('interpolates with large coefficients and values, reducing once, like field arithmetic', () => {
    const source = random(9);
    const secret = randomBytes(source, 32);
    const holders = Array.from({ length: 40 }, (_, k) => 1000 + 17 * k);
    const shares = splitSecret(secret, holders, 30, source);
    const used = shares.slice(5, 35);
    const coefficients = lagrangeCoefficientsAtZero(used.map((share) => share.x));
    expect(
      interpolateSecret(
        used.map((share) => decodeShareValue(share.y)),
        coefficients,
      ),
    ).toEqual(secret);
    // Values near p: the unreduced sum is many times p² and must still reduce exactly (here to a
    // value above 2^256, which is not a secret).
    const top = used.map(() => SHAMIR_PRIME - 1n);
    let expected = 0n;
    for (const coefficient of coefficients) {
      expected = (expected + (SHAMIR_PRIME - 1n) * coefficient) % SHAMIR_PRIME;
    }
    expect(expected >= 2n ** 256n).toBe(true);
    expect(codeOf(() => interpolateSecret(top, coefficients))).toBe('reconstruction-failed');
    // Moving the last value by δ moves f(0) by λ·δ: choose δ so that f(0) = 5, a valid secret.
    const delta = ((5n - expected + SHAMIR_PRIME) * inverse(coefficients.at(-1)!)) % SHAMIR_PRIME;
    const shifted = [...top.slice(0, -1), (top.at(-1)! + delta) % SHAMIR_PRIME];
    const five = new Uint8Array(32);
    five[31] = 5;
    expect(interpolateSecret(shifted, coefficients)).toEqual(five);
  });

  it('fails with too-few-shares below the threshold', () => {
    const shares = splitSecret(randomBytes(random(3), 32), [1, 2, 3, 4, 5], 3, random(4));
    expect(codeOf(() => combineShares(shares.slice(0, 2), 3))).toBe('too-few-shares');
  });

  it('does not recover the secret from t − 1 shares plus a guess', () => {
    const secret = randomBytes(random(5), 32);
    const shares = splitSecret(secret, [1, 2, 3, 4], 3, random(6));
    // Interpolating a degree-1 polynomial through two shares gives an unrelated value.
    let result: Uint8Array | undefined;
    try {
      result = combineShares(shares.slice(0, 2), 2);
    } catch (error) {
      expect(isProtocolError(error, 'reconstruction-failed')).toBe(true);
    }
    expect(result).not.toEqual(secret);
  });

  it('rejects corrupted shares and bad arguments', () => {
    const shares = splitSecret(randomBytes(random(7), 32), [1, 2, 3], 3, random(8));
    const foreign = splitSecret(randomBytes(random(16), 32), [1, 2, 3], 3, random(17));
    // A share of another polynomial moves f(0) by λ·(uniform field element): below 2^256 with
    // probability 2^-128 only. (A small change, e.g. one low bit, goes unnoticed here: serverUnmask
    // also checks reconstructed keys against their public keys.)
    const mixed = [foreign[0]!, shares[1]!, shares[2]!];
    expect(codeOf(() => combineShares(mixed, 3))).toBe('reconstruction-failed');
    const outOfField = { x: 1, y: new Uint8Array(48).fill(0xff) };
    expect(codeOf(() => combineShares([outOfField, shares[1]!, shares[2]!], 3))).toBe('malformed');
    expect(codeOf(() => splitSecret(new Uint8Array(31), [1, 2], 2, random()))).toBe('invalid-argument');
    expect(codeOf(() => splitSecret(new Uint8Array(32), [1, 1], 2, random()))).toBe('invalid-argument');
    expect(codeOf(() => splitSecret(new Uint8Array(32), [0, 1], 2, random()))).toBe('invalid-argument');
    expect(codeOf(() => splitSecret(new Uint8Array(32), [1, 2], 3, random()))).toBe('invalid-argument');
  });
});

describe('key derivation', () => {
  it('separates purposes, rounds, pairs and directions', () => {
    const secret = randomBytes(random(9), 32);
    const keys = [
      shareEncryptionKey(secret, 'r1', 1, 2),
      shareEncryptionKey(secret, 'r1', 2, 1),
      shareEncryptionKey(secret, 'r2', 1, 2),
      pairwiseMaskKey(secret, 'r1', 1, 2),
      pairwiseMaskKey(secret, 'r1', 1, 3),
      selfMaskKey(secret, 'r1', 1),
      selfMaskKey(secret, 'r1', 2),
    ].map((key) => Array.from(key).join(','));
    expect(new Set(keys).size).toBe(keys.length);
    expect(pairwiseMaskKey(secret, 'r1', 1, 2)).toEqual(pairwiseMaskKey(secret, 'r1', 2, 1));
  });
});

describe('mask expansion', () => {
  it('expands a key into the same words every time, and + then − cancels', () => {
    const workspace = createMaskWorkspace(1000);
    const key = randomBytes(random(10), 32);
    const first = expandMask(key, workspace).slice();
    expect(expandMask(key, workspace)).toEqual(first);
    const target = Uint32Array.from({ length: 1000 }, (_, i) => i * 7);
    applyMask(target, key, 1, workspace);
    expect(target).not.toEqual(Uint32Array.from({ length: 1000 }, (_, i) => i * 7));
    applyMask(target, key, -1, workspace);
    expect(target).toEqual(Uint32Array.from({ length: 1000 }, (_, i) => i * 7));
  });

  it('is the RFC 8439 ChaCha20 keystream with nonce 0 from block counter 0 (appendix A.1, #1 and #2)', () => {
    // Test vectors #1 and #2 of RFC 8439 A.1: the all-zero key and nonce at block counters 0 and 1,
    // i.e. the first two blocks of the stream a mask of 32 words is cut from.
    const expected =
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
      'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586' +
      '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed' +
      '29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f';
    const output = new Uint8Array(128);
    chacha20MaskKeystream(new Uint8Array(32), output);
    expect(bytesToHex(output)).toBe(expected);
    // A shorter stream is a prefix (no per-length state), also for a partial block.
    const short = new Uint8Array(44);
    chacha20MaskKeystream(new Uint8Array(32), short);
    expect(bytesToHex(short)).toBe(expected.slice(0, 88));
  });

  it('expands through the injected keystream, reading its bytes as little-endian words', () => {
    const calls: number[] = [];
    const counting: MaskKeystream = (key, output) => {
      calls.push(output.length);
      chacha20MaskKeystream(key, output);
    };
    const key = randomBytes(random(13), 32);
    const injected = expandMask(key, createMaskWorkspace(100, counting)).slice();
    expect(calls).toEqual([400]);
    expect(injected).toEqual(expandMask(key, createMaskWorkspace(100)));
    const bytes = new Uint8Array(400);
    chacha20MaskKeystream(key, bytes);
    const view = new DataView(bytes.buffer);
    expect(injected[0]).toBe(view.getUint32(0, true));
    expect(injected[99]).toBe(view.getUint32(396, true));
    // A keystream that writes other bytes gives another mask: nothing checks it but the tests.
    const wrong: MaskKeystream = (_key, output) => output.fill(1);
    expect(expandMask(key, createMaskWorkspace(100, wrong))).not.toEqual(injected);
  });

  it('looks uniform: word mean near 2^31 and every byte value frequent', () => {
    const words = expandMask(randomBytes(random(11), 32), createMaskWorkspace(20_000));
    const mean = words.reduce((total, word) => total + word, 0) / words.length;
    expect(Math.abs(mean - 2 ** 31)).toBeLessThan(5 * (2 ** 32 / Math.sqrt(12 * 20_000)));
    const counts = new Array<number>(256).fill(0);
    for (const byte of new Uint8Array(words.buffer)) counts[byte]! += 1;
    // 80,000 bytes, 312.5 expected per value; a stuck or biased stream would be far off.
    expect(Math.min(...counts)).toBeGreaterThan(230);
    expect(Math.max(...counts)).toBeLessThan(400);
  });
});

describe('neighbour graph', () => {
  it('is the complete graph when k ≥ n − 1', () => {
    const sets = neighbourSets([3, 1, 2, 4], 3, new Uint8Array(32), 'r');
    expect(sets.get(1)).toEqual([2, 3, 4]);
    expect(sets.get(4)).toEqual([1, 2, 3]);
  });

  it('is k-regular, symmetric, and the same for the same seed and round', () => {
    const clients = Array.from({ length: 40 }, (_, i) => i + 1);
    const seed = randomBytes(random(12), 32);
    const sets = neighbourSets(clients, 8, seed, 'round-a');
    for (const [client, neighbours] of sets) {
      expect(neighbours).toHaveLength(8);
      expect(neighbours).not.toContain(client);
      for (const neighbour of neighbours) expect(sets.get(neighbour)).toContain(client);
    }
    expect(neighbourSets(clients, 8, seed, 'round-a')).toEqual(sets);
    expect(neighbourSets(clients, 8, seed, 'round-b')).not.toEqual(sets);
  });

  it('rejects odd sparse degrees and thresholds that are not a strict majority', () => {
    expect(codeOf(() => neighbourSets([1, 2, 3, 4, 5, 6], 3, new Uint8Array(32), 'r'))).toBe(
      'invalid-cohort',
    );
    expect(defaultThreshold(30)).toBe(20);
    expect(defaultThreshold(11)).toBe(8);
    expect(codeOf(() => checkThreshold(5, 10))).toBe('invalid-cohort');
    expect(codeOf(() => checkThreshold(11, 10))).toBe('invalid-cohort');
    expect(codeOf(() => checkThreshold(6, 10))).toBeUndefined();
  });
});

describe('share encryption', () => {
  it('opens only with the same key, round and direction, and detects tampering', () => {
    const secret = randomBytes(random(13), 32);
    const pair = { seedShare: new Uint8Array(48).fill(1), keyShare: new Uint8Array(48).fill(2) };
    const sealed = sealSharePair(secret, 'r1', 4, 9, pair, random(14));
    expect(sealed).toHaveLength(SHARE_CIPHERTEXT_BYTES);
    expect(openSharePair(secret, 'r1', 4, 9, sealed)).toEqual(pair);
    expect(codeOf(() => openSharePair(secret, 'r1', 9, 4, sealed))).toBe('decryption-failed');
    expect(codeOf(() => openSharePair(secret, 'r2', 4, 9, sealed))).toBe('decryption-failed');
    expect(codeOf(() => openSharePair(randomBytes(random(15), 32), 'r1', 4, 9, sealed))).toBe(
      'decryption-failed',
    );
    const tampered = sealed.slice();
    tampered[40]! ^= 1;
    expect(codeOf(() => openSharePair(secret, 'r1', 4, 9, tampered))).toBe('decryption-failed');
    expect(codeOf(() => openSharePair(secret, 'r1', 4, 9, sealed.subarray(1)))).toBe('wrong-length');
  });
});

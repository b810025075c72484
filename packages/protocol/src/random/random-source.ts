import { chacha20 } from '@noble/ciphers/chacha.js';
import { ProtocolError, requireArgument } from '../protocol-error.js';

/**
 * A source of cryptographically strong random bytes. Everything in this package that needs
 * randomness takes one, so production code passes {@link cryptoRandomSource} and tests pass a
 * seeded {@link createChaCha20RandomSource} to be reproducible.
 */
export interface RandomSource {
  /** Overwrites every byte of `target` with random bytes. */
  fill(target: Uint8Array): void;
}

// WebCrypto refuses more than 65,536 bytes per getRandomValues call.
const GET_RANDOM_VALUES_LIMIT = 65_536;

/** The platform CSPRNG (`globalThis.crypto.getRandomValues`), in browsers and Node 20 alike. */
export const cryptoRandomSource: RandomSource = {
  fill(target) {
    const crypto = globalThis.crypto;
    if (crypto?.getRandomValues === undefined) {
      throw new ProtocolError('invalid-argument', 'globalThis.crypto.getRandomValues is not available');
    }
    for (let offset = 0; offset < target.length; offset += GET_RANDOM_VALUES_LIMIT) {
      crypto.getRandomValues(target.subarray(offset, offset + GET_RANDOM_VALUES_LIMIT));
    }
  },
};

const CHACHA_BLOCK_BYTES = 64;
const CHACHA_MAX_BLOCKS = 2 ** 32;

/**
 * A deterministic stream of ChaCha20 keystream bytes (RFC 8439) under a 32-byte seed used as the
 * key: consecutive `fill` calls continue the same stream. Use it for reproducible tests and to
 * derive public pseudo-randomness (e.g. the neighbour graph) from a shared seed; it is as strong
 * as its seed, so a secret seed from {@link cryptoRandomSource} makes it a CSPRNG.
 */
export function createChaCha20RandomSource(seed: Uint8Array, nonce = new Uint8Array(12)): RandomSource {
  requireArgument(seed.length === 32, 'a ChaCha20 seed is 32 bytes');
  requireArgument(nonce.length === 12, 'a ChaCha20 nonce is 12 bytes');
  const key = seed.slice();
  const nonceCopy = nonce.slice();
  let nextBlock = 0;
  // Keystream of the last block that was only partly handed out.
  const carry = new Uint8Array(CHACHA_BLOCK_BYTES);
  let carryOffset = CHACHA_BLOCK_BYTES;
  let zeros = new Uint8Array(0);

  const keystream = (target: Uint8Array) => {
    const blocks = target.length / CHACHA_BLOCK_BYTES;
    if (nextBlock + blocks > CHACHA_MAX_BLOCKS) {
      throw new ProtocolError('invalid-argument', 'ChaCha20 stream exhausted (2^32 blocks)');
    }
    if (zeros.length < target.length) zeros = new Uint8Array(target.length);
    chacha20(key, nonceCopy, zeros.subarray(0, target.length), target, nextBlock);
    nextBlock += blocks;
  };

  return {
    fill(target) {
      let written = 0;
      const fromCarry = Math.min(CHACHA_BLOCK_BYTES - carryOffset, target.length);
      target.set(carry.subarray(carryOffset, carryOffset + fromCarry));
      carryOffset += fromCarry;
      written += fromCarry;
      const wholeBlockBytes = Math.floor((target.length - written) / CHACHA_BLOCK_BYTES) * CHACHA_BLOCK_BYTES;
      if (wholeBlockBytes > 0) {
        keystream(target.subarray(written, written + wholeBlockBytes));
        written += wholeBlockBytes;
      }
      if (written < target.length) {
        keystream(carry);
        const rest = target.length - written;
        target.set(carry.subarray(0, rest), written);
        carryOffset = rest;
      }
    },
  };
}

/** `length` fresh random bytes. */
export function randomBytes(source: RandomSource, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  source.fill(bytes);
  return bytes;
}

/** `length` independent uniform 32-bit words (platform byte order; every order is uniform). */
export function randomUint32s(source: RandomSource, length: number): Uint32Array {
  const words = new Uint32Array(length);
  source.fill(new Uint8Array(words.buffer));
  return words;
}

/** A uniform integer in [0, bound) without modulo bias (rejection sampling), bound ≤ 2^32. */
export function randomBelow(source: RandomSource, bound: number): number {
  requireArgument(Number.isInteger(bound) && bound >= 1 && bound <= 2 ** 32, 'bound must be in [1, 2^32]');
  const word = new Uint32Array(1);
  const bytes = new Uint8Array(word.buffer);
  // Largest multiple of bound that fits in 32 bits; words at or above it would bias the result.
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    source.fill(bytes);
    const value = word[0]!;
    if (value < limit) return value % bound;
  }
}

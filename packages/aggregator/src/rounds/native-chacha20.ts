import { createCipheriv } from 'node:crypto';
import type { MaskKeystream } from '@locus/protocol';

/**
 * ChaCha20 from node:crypto (OpenSSL) as the protocol's mask keystream, for `serverUnmask`: each
 * survivor's self mask and each (dropout, surviving neighbour) pairwise mask is a 4L-byte
 * keystream, and OpenSSL's is several times faster than the pure-JS default.
 *
 * Same stream, different calling convention: the protocol's masks are RFC 8439 ChaCha20 with a
 * 32-bit block counter starting at 0 and an all-zero 96-bit nonce. OpenSSL's `chacha20` takes one
 * 16-byte IV whose first 4 bytes are that block counter (little-endian) and whose last 12 are the
 * nonce, so the all-zero IV is exactly counter 0 ‖ nonce 0. (OpenSSL carries a counter overflow
 * into the nonce where RFC 8439 would stop; masks of at most 2^20 words are 2^16 blocks, far from
 * either.) The test beside this file checks the bytes against the protocol's own stream.
 */
const COUNTER_ZERO_NONCE_ZERO = Buffer.alloc(16);

/**
 * A keystream that encrypts a cached zero buffer (grown to the longest stream asked for, never
 * written) and copies the result into the caller's buffer. One per process is enough: see
 * {@link nativeMaskKeystream}.
 */
export function createNativeMaskKeystream(): MaskKeystream {
  let zeros = Buffer.alloc(0);
  return (key, output) => {
    if (zeros.length < output.length) zeros = Buffer.alloc(output.length);
    const cipher = createCipheriv('chacha20', key, COUNTER_ZERO_NONCE_ZERO);
    output.set(cipher.update(zeros.subarray(0, output.length)));
  };
}

/**
 * The process's one native keystream. Servers share it rather than each making their own: the
 * JIT-compiled unmasking loop is specialised to the keystream it calls, and a new one per server
 * (tests, benchmarks) would throw that code away each time.
 */
export const nativeMaskKeystream: MaskKeystream = createNativeMaskKeystream();

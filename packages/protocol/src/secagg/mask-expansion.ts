import { chacha20 } from '@noble/ciphers/chacha.js';
import { swap32IfBE } from '@noble/ciphers/utils.js';
import { requireArgument } from '../protocol-error.js';

/**
 * Masks are ChaCha20 keystreams (RFC 8439) read as little-endian uint32 words: computationally
 * indistinguishable from uniform vectors in Z_(2^32)^L, which is what hides an input once it is
 * added mod 2^32. Each mask key comes from HKDF with a unique info (round, clients), so the fixed
 * all-zero nonce never repeats under one key.
 */
const NONCE = new Uint8Array(12);

/**
 * Writes the mask stream of a 32-byte `key` into all of `output`: the RFC 8439 ChaCha20 keystream
 * under the all-zero 96-bit nonce, starting at block counter 0 (the encryption of `output.length`
 * zero bytes). Injectable so a server can use a native ChaCha20 (`node:crypto`'s is several times
 * faster than the pure-JS default); every implementation must write exactly these bytes, or
 * unmasking silently produces garbage. Streams stay below 2^32 blocks (vectors are at most
 * `LIMITS.maxVectorLength` words), so no implementation reaches a counter wrap.
 */
export type MaskKeystream = (key: Uint8Array, output: Uint8Array) => void;

/**
 * The zero plaintext noble's ChaCha20 encrypts into a keystream: grown to the longest stream asked
 * for and only ever read, so one buffer serves every caller.
 */
let zeroPlaintext = new Uint8Array(0);

/** The pure-JS default {@link MaskKeystream} (noble's ChaCha20), for browsers and tests. */
export const chacha20MaskKeystream: MaskKeystream = (key, output) => {
  if (zeroPlaintext.length < output.length) zeroPlaintext = new Uint8Array(output.length);
  chacha20(key, NONCE, zeroPlaintext.subarray(0, output.length), output);
};

/**
 * Reusable buffers for expanding masks of one vector length: the server expands one mask per
 * survivor and per (dropout, neighbour) pair, and reusing the buffers keeps that loop free of
 * allocations.
 */
export interface MaskWorkspace {
  readonly length: number;
  readonly keystream: Uint8Array;
  readonly words: Uint32Array;
  readonly expand: MaskKeystream;
}

export function createMaskWorkspace(
  length: number,
  expand: MaskKeystream = chacha20MaskKeystream,
): MaskWorkspace {
  requireArgument(Number.isInteger(length) && length >= 1, 'vector length must be a positive integer');
  const keystream = new Uint8Array(4 * length);
  return { length, keystream, words: new Uint32Array(keystream.buffer), expand };
}

/**
 * The mask of `key` as uint32 words. Returns the workspace's buffer, which the next call
 * overwrites.
 */
export function expandMask(key: Uint8Array, workspace: MaskWorkspace): Uint32Array {
  requireArgument(key.length === 32, 'a mask key is 32 bytes');
  workspace.expand(key, workspace.keystream);
  // Words are defined as little-endian; a big-endian host swaps them in place.
  return swap32IfBE(workspace.words);
}

/** target += sign · mask(key), mod 2^32, in place. */
export function applyMask(
  target: Uint32Array,
  key: Uint8Array,
  sign: 1 | -1,
  workspace: MaskWorkspace,
): void {
  requireArgument(target.length === workspace.length, 'vector and workspace lengths differ');
  const mask = expandMask(key, workspace);
  if (sign === 1) for (let i = 0; i < target.length; i++) target[i] = target[i]! + mask[i]!;
  else for (let i = 0; i < target.length; i++) target[i] = target[i]! - mask[i]!;
}

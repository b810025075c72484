import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { requireArgument } from '../protocol-error.js';

/**
 * Every symmetric key of a round comes from HKDF-SHA256 (RFC 5869) with a fixed protocol salt and
 * an `info` that names its purpose, the round and the clients involved, so no key is ever used for
 * two purposes, two rounds or two pairs. That uniqueness is what lets the mask stream use a fixed
 * nonce.
 */
const SALT = new TextEncoder().encode('locus/secagg/v1');
const KEY_BYTES = 32;
const MAX_ROUND_ID_BYTES = 255;

/**
 * HKDF-SHA256 (RFC 5869) as a function, so a server can substitute a native one for the mask keys
 * it derives when unmasking (one per survivor and per dropout-neighbour pair). Every implementation
 * must return exactly RFC 5869's output.
 */
export type Hkdf = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) => Uint8Array;

/** The pure-JS default {@link Hkdf} (noble's), for browsers and tests. */
export const hkdfSha256: Hkdf = (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length);

/** label ‖ 0x00 ‖ len(roundId) ‖ roundId ‖ u32be(first) ‖ u32be(second): unambiguous by construction. */
function info(label: string, roundId: string, first: number, second: number): Uint8Array {
  const encoder = new TextEncoder();
  const labelBytes = encoder.encode(label);
  const roundBytes = encoder.encode(roundId);
  requireArgument(roundBytes.length <= MAX_ROUND_ID_BYTES, 'roundId is longer than 255 bytes');
  const out = new Uint8Array(labelBytes.length + 2 + roundBytes.length + 8);
  out.set(labelBytes, 0);
  let offset = labelBytes.length;
  out[offset++] = 0;
  out[offset++] = roundBytes.length;
  out.set(roundBytes, offset);
  offset += roundBytes.length;
  const view = new DataView(out.buffer);
  view.setUint32(offset, first);
  view.setUint32(offset + 4, second);
  return out;
}

/** Key of the AEAD that carries `sender`'s shares to `recipient` (one key per direction). */
export function shareEncryptionKey(
  encryptionSharedSecret: Uint8Array,
  roundId: string,
  sender: number,
  recipient: number,
): Uint8Array {
  return hkdf(
    sha256,
    encryptionSharedSecret,
    SALT,
    info('share-encryption', roundId, sender, recipient),
    KEY_BYTES,
  );
}

/** Additional authenticated data binding a share ciphertext to its round and direction. */
export function shareAssociatedData(roundId: string, sender: number, recipient: number): Uint8Array {
  return info('share-aad', roundId, sender, recipient);
}

/** ChaCha20 key of the pairwise mask of clients `a` and `b` (symmetric in a and b). */
export function pairwiseMaskKey(
  maskingSharedSecret: Uint8Array,
  roundId: string,
  a: number,
  b: number,
  derive: Hkdf = hkdfSha256,
): Uint8Array {
  return derive(
    maskingSharedSecret,
    SALT,
    info('pairwise-mask', roundId, Math.min(a, b), Math.max(a, b)),
    KEY_BYTES,
  );
}

/** ChaCha20 key of `owner`'s self mask, from its secret self-mask seed. */
export function selfMaskKey(
  selfMaskSeed: Uint8Array,
  roundId: string,
  owner: number,
  derive: Hkdf = hkdfSha256,
): Uint8Array {
  return derive(selfMaskSeed, SALT, info('self-mask', roundId, owner, 0), KEY_BYTES);
}

/** Key of the public pseudo-random permutation behind the neighbour graph. */
export function neighbourGraphKey(graphSeed: Uint8Array, roundId: string): Uint8Array {
  return hkdf(sha256, graphSeed, SALT, info('neighbour-graph', roundId, 0, 0), KEY_BYTES);
}

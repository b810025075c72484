import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ProtocolError } from '../protocol-error.js';
import { type RandomSource, randomBytes } from '../random/random-source.js';
import { shareAssociatedData, shareEncryptionKey } from './key-derivation.js';
import { SHARE_BYTES } from './shamir.js';

/**
 * Shares travel client to client through the server, sealed with XChaCha20-Poly1305 under a key
 * derived from the pair's encryption-key ECDH secret: the server relays bytes it can neither read
 * nor alter undetected. Plaintext: the recipient's share of the sender's self-mask seed, then its
 * share of the sender's masking secret key. Layout: 24-byte random nonce ‖ ciphertext ‖ 16-byte tag.
 */
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
export const SHARE_PLAINTEXT_BYTES = 2 * SHARE_BYTES;
export const SHARE_CIPHERTEXT_BYTES = NONCE_BYTES + SHARE_PLAINTEXT_BYTES + TAG_BYTES;

export interface SharePair {
  seedShare: Uint8Array;
  keyShare: Uint8Array;
}

export function sealSharePair(
  encryptionSharedSecret: Uint8Array,
  roundId: string,
  sender: number,
  recipient: number,
  pair: SharePair,
  random: RandomSource,
): Uint8Array {
  const key = shareEncryptionKey(encryptionSharedSecret, roundId, sender, recipient);
  const nonce = randomBytes(random, NONCE_BYTES);
  const plaintext = new Uint8Array(SHARE_PLAINTEXT_BYTES);
  plaintext.set(pair.seedShare, 0);
  plaintext.set(pair.keyShare, SHARE_BYTES);
  const sealed = xchacha20poly1305(key, nonce, shareAssociatedData(roundId, sender, recipient)).encrypt(
    plaintext,
  );
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce, 0);
  out.set(sealed, NONCE_BYTES);
  return out;
}

/** Opens a sealed share pair; `decryption-failed` on a wrong key, round, direction or any tampering. */
export function openSharePair(
  encryptionSharedSecret: Uint8Array,
  roundId: string,
  sender: number,
  recipient: number,
  ciphertext: Uint8Array,
): SharePair {
  if (ciphertext.length !== SHARE_CIPHERTEXT_BYTES) {
    throw new ProtocolError('wrong-length', `a sealed share pair is ${SHARE_CIPHERTEXT_BYTES} bytes`, {
      sender,
    });
  }
  const key = shareEncryptionKey(encryptionSharedSecret, roundId, sender, recipient);
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(
      key,
      ciphertext.subarray(0, NONCE_BYTES),
      shareAssociatedData(roundId, sender, recipient),
    ).decrypt(ciphertext.subarray(NONCE_BYTES));
  } catch {
    throw new ProtocolError('decryption-failed', `shares from client ${sender} failed authentication`, {
      sender,
    });
  }
  return { seedShare: plaintext.slice(0, SHARE_BYTES), keyShare: plaintext.slice(SHARE_BYTES) };
}

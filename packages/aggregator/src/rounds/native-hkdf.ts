import { hkdfSync } from 'node:crypto';
import type { Hkdf } from '@locus/protocol';

/**
 * HKDF-SHA256 from node:crypto (OpenSSL) as the protocol's key derivation, for `serverUnmask`:
 * every mask it removes starts with one HKDF (a survivor's seed or a dropout-neighbour shared
 * secret to the mask's ChaCha20 key), and OpenSSL's runs in a fraction of the pure-JS default's
 * time in a busy server. Same function: RFC 5869 over SHA-256; the test beside this file checks
 * it against the protocol's.
 */
export const nativeHkdf: Hkdf = (ikm, salt, info, length) =>
  new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));

import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject, randomBytes } from 'node:crypto';
import type { KeyAgreement } from '@locus/protocol';

/**
 * X25519 from node:crypto (OpenSSL), for the protocol's `serverUnmask`: recomputing dropouts'
 * pairwise masks needs one key agreement per (dropout, surviving neighbour), and OpenSSL's is about
 * 25× faster than the pure-JS default. Same function: RFC 7748 with scalar clamping.
 */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
/**
 * Node builds an OKP private key from the JWK's `d` alone (a raw import, about 15 µs); `x` must
 * be a string but is not read. The public half is not known here (deriving it is what the caller
 * checks the key with), so this stands in; everything the key agreement computes comes from `d`.
 */
const UNUSED_PUBLIC_HALF = Buffer.alloc(32).toString('base64url');

/** Secret keys go in as JWK; PKCS#8 DER, which OpenSSL decodes in about 500 µs, if that fails. */
function privateKeyOf(secretKey: Uint8Array): KeyObject {
  const bytes = Buffer.from(secretKey.buffer, secretKey.byteOffset, secretKey.byteLength);
  try {
    return createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', d: bytes.toString('base64url'), x: UNUSED_PUBLIC_HALF },
      format: 'jwk',
    });
  } catch {
    return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, bytes]), format: 'der', type: 'pkcs8' });
  }
}

/** Public keys go in as JWK: OpenSSL's DER decoder costs about 70 µs a key, the raw import 5 µs. */
function publicKeyOf(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}

/**
 * A key agreement that caches parsed keys: parsing costs about twice the agreement, and each
 * dropout's key meets every surviving neighbour. Make one per unmasking so the cache dies with it.
 */
export function createNativeKeyAgreement(): KeyAgreement {
  const secrets = new Map<string, KeyObject>();
  const publics = new Map<string, KeyObject>();
  const cached = (cache: Map<string, KeyObject>, bytes: Uint8Array, parse: (b: Uint8Array) => KeyObject) => {
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    let key = cache.get(id);
    if (!key) {
      key = parse(bytes);
      cache.set(id, key);
    }
    return key;
  };
  return (secretKey, publicKey) =>
    new Uint8Array(
      diffieHellman({
        privateKey: cached(secrets, secretKey, privateKeyOf),
        publicKey: cached(publics, publicKey, publicKeyOf),
      }),
    );
}

const probe = privateKeyOf(randomBytes(32));

/**
 * Whether a client's advertised X25519 key can be used: OpenSSL refuses low-order points (their
 * shared secret is all zeros, i.e. public). One such key in a cohort would make every other client
 * refuse the round, so the server screens keys at check-in.
 */
export function isUsableX25519PublicKey(publicKey: Uint8Array): boolean {
  try {
    diffieHellman({ privateKey: probe, publicKey: publicKeyOf(publicKey) });
    return true;
  } catch {
    return false;
  }
}

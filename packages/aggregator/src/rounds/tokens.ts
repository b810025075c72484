import { createHash } from 'node:crypto';
import { createRoundToken, type RandomSource } from '@locus/protocol';

/**
 * Per-round bearer tokens: 256 random bits (base64url), handed to a client once at admission and
 * stored only as SHA-256. A stolen database therefore yields no usable token, and looking a token
 * up by its hash needs no constant-time comparison: finding another token with a matching hash
 * prefix is a preimage search.
 */
export function issueToken(random: RandomSource): { token: string; tokenHash: string } {
  const token = createRoundToken(random);
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

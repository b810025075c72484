import { bytesToHex } from '@noble/curves/utils.js';
import { LIMITS } from '../limits.js';
import { ProtocolError } from '../protocol-error.js';
import { checkThreshold, neighbourSets, shareholderCount } from './neighbour-graph.js';
import { MAX_SHARE_INDEX } from './shamir.js';

/** X25519 public keys and secret keys are 32 bytes. */
export const X25519_KEY_BYTES = 32;

/**
 * The two per-round public keys a client advertises, as in Bonawitz et al.: one for the
 * authenticated channel that carries shares, one for pairwise masks. They must differ in purpose:
 * the server may learn a dropped client's masking key, and that must not open the shares it
 * received.
 */
export interface PublicKeys {
  encryptionPublicKey: Uint8Array;
  maskingPublicKey: Uint8Array;
}

export interface CohortMember extends PublicKeys {
  /** The client's index in this round: its Shamir x-coordinate and its address on the wire. */
  index: number;
}

/** Everything a client needs to take part in a round's secure aggregation; public. */
export interface CohortSetup {
  roundId: string;
  /** Length of the quantized update vector (uint32 words). */
  vectorLength: number;
  /** Shamir threshold t. */
  threshold: number;
  /** Neighbours per client; n − 1 (or more) means the complete graph. */
  neighbourCount: number;
  /** Public 32-byte seed of the neighbour graph. */
  graphSeed: Uint8Array;
  /** Members sorted by index. */
  members: CohortMember[];
}

const ROUND_ID = /^[A-Za-z0-9_-]+$/;

function invalid(message: string, details?: Record<string, unknown>): never {
  throw new ProtocolError('invalid-cohort', message, details);
}

/**
 * Checks a cohort setup the way a client must before it reveals anything: sizes, distinct indexes,
 * distinct well-formed keys (a server that repeats a client's own key could make its masks cancel),
 * a threshold that is a strict majority of each client's shareholders, and a buildable graph.
 * Returns the neighbour sets it had to compute anyway.
 */
export function checkCohortSetup(setup: CohortSetup): Map<number, number[]> {
  const n = setup.members.length;
  if (!ROUND_ID.test(setup.roundId) || setup.roundId.length > LIMITS.maxRoundIdLength) {
    invalid('roundId must be 1–64 characters of [A-Za-z0-9_-]');
  }
  if (n < 2 || n > LIMITS.maxCohortSize)
    invalid(`a cohort has 2 to ${LIMITS.maxCohortSize} members, not ${n}`);
  if (
    !Number.isInteger(setup.vectorLength) ||
    setup.vectorLength < 1 ||
    setup.vectorLength > LIMITS.maxVectorLength
  ) {
    invalid(`vectorLength must be an integer in [1, ${LIMITS.maxVectorLength}]`);
  }
  if (setup.graphSeed.length !== 32) invalid('the graph seed is 32 bytes');
  const indexes = new Set<number>();
  const seenKeys = new Set<string>();
  let previous = 0;
  for (const member of setup.members) {
    const { index } = member;
    if (!Number.isInteger(index) || index < 1 || index > MAX_SHARE_INDEX || index <= previous) {
      invalid('member indexes must be increasing integers in [1, 65535]', { index });
    }
    previous = index;
    indexes.add(index);
    for (const key of [member.encryptionPublicKey, member.maskingPublicKey]) {
      if (key.length !== X25519_KEY_BYTES) invalid('public keys are 32 bytes', { index });
      const hex = bytesToHex(key);
      if (seenKeys.has(hex)) invalid('public keys must all be distinct', { index });
      seenKeys.add(hex);
    }
  }
  if (!Number.isInteger(setup.neighbourCount) || setup.neighbourCount < 1) {
    invalid('neighbourCount must be a positive integer');
  }
  checkThreshold(setup.threshold, shareholderCount(n, setup.neighbourCount));
  return neighbourSets([...indexes], setup.neighbourCount, setup.graphSeed, setup.roundId);
}

/** The member with this index, or `unknown-client`. */
export function memberByIndex(setup: CohortSetup, index: number): CohortMember {
  const member = setup.members.find((candidate) => candidate.index === index);
  if (!member) throw new ProtocolError('unknown-client', `client ${index} is not in this cohort`, { index });
  return member;
}

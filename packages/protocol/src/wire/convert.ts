import { ProtocolError } from '../protocol-error.js';
import type { QuantizationParams } from '../quantize/quantize.js';
import { type RandomSource, randomBytes } from '../random/random-source.js';
import type { CohortSetup } from '../secagg/cohort.js';
import type { MaskedInputSubmission, ShareSubmission, UnmaskResponse } from '../secagg/messages.js';
import { encodeBase64Url } from './base64.js';
import type {
  CheckInAccepted,
  MaskedInputRequest,
  ShareKeysRequest,
  UnmaskResponseMessage,
} from './messages.js';

/**
 * The glue between wire messages and the secure-aggregation stage functions. Field names match on
 * purpose; only the client's address (`clientIndex` on the wire, `sender` in secagg) and the
 * round id (top level on the wire, inside CohortSetup in secagg) move.
 */

/** The cohort a client receives in its `accepted` check-in answer, for `clientShareKeys`. */
export function cohortSetupOf(accepted: CheckInAccepted): CohortSetup {
  return { roundId: accepted.roundId, ...accepted.cohort };
}

/** The `cohort` field of an `accepted` check-in answer, from `serverCollectKeys`'s setup. */
export function cohortFieldOf(setup: CohortSetup): CheckInAccepted['cohort'] {
  const { roundId: _roundId, ...cohort } = setup;
  return cohort;
}

/**
 * The quantization parameters of an `accepted` round. Refuses (`invalid-cohort`) a summand bound
 * below the cohort size: the sum could wrap and the round would silently produce garbage.
 */
export function quantizationOf(accepted: CheckInAccepted): QuantizationParams {
  if (accepted.maxSummands < accepted.cohort.members.length) {
    throw new ProtocolError(
      'invalid-cohort',
      `maxSummands ${accepted.maxSummands} is below the cohort size ${accepted.cohort.members.length}`,
    );
  }
  return { clippingBound: accepted.clippingBound, maxSummands: accepted.maxSummands };
}

export function shareSubmissionOf(message: ShareKeysRequest): ShareSubmission {
  return { sender: message.clientIndex, shares: message.shares };
}

export function maskedInputSubmissionOf(message: MaskedInputRequest): MaskedInputSubmission {
  return { sender: message.clientIndex, maskedInput: message.maskedInput };
}

export function unmaskResponseOf(message: UnmaskResponseMessage): UnmaskResponse {
  return { sender: message.clientIndex, seedShares: message.seedShares, keyShares: message.keyShares };
}

/** A fresh per-round bearer token: 256 random bits, base64url (43 characters). */
export function createRoundToken(random: RandomSource): string {
  return encodeBase64Url(randomBytes(random, 32));
}

import {
  type CheckInRequest,
  type CheckInResponse,
  PROTOCOL_VERSION,
  type RandomSource,
  randomUint32s,
} from '@locus/protocol';
import { type RoundRecord, TERMINAL_STATUSES } from '../store/index.js';
import { RoundError } from './errors.js';
import { isUsableX25519PublicKey } from './native-x25519.js';
import { keyId, type OpenRound, pairId } from './open-round.js';
import { hashToken, issueToken } from './tokens.js';
import { closeCheckIn, type RoundContext } from './transitions.js';

/**
 * Stage 0 of a round: admission by Poisson sampling (capped), polling with the token of a
 * `pending` answer, and the answers themselves. Called by the coordinator inside its queue.
 */

/** How often a waiting client should ask again, at most. */
export const POLL_INTERVAL_MS = 1000;

/** The deadline of the stage a round is in, ms since the epoch; null while none runs. */
export function stageDeadline(record: RoundRecord): number | null {
  const { status, deadlines } = record;
  switch (status) {
    case 'check-in':
      return deadlines.checkIn;
    case 'share-keys':
      return deadlines.shareKeys;
    case 'masked-input':
      return deadlines.maskedInput;
    case 'unmask':
      return deadlines.unmask;
    default:
      return null;
  }
}

export async function admit(
  ctx: RoundContext,
  round: OpenRound,
  request: CheckInRequest,
): Promise<CheckInResponse> {
  const { metrics, settings, clock } = ctx;
  const { encryptionPublicKey, maskingPublicKey } = request.publicKeys;
  if (round.record.status !== 'check-in') {
    metrics.checkIns.inc({ decision: 'round-in-progress' });
    return rejected(ctx, round, 'round-in-progress');
  }
  const pair = pairId(encryptionPublicKey, maskingPublicKey);
  const earlier = round.decisions.get(pair);
  if (earlier === 'admitted') {
    throw new RoundError(
      'duplicate_keys',
      'these keys already checked in: poll with the token you were given',
    );
  }
  if (earlier === 'not-sampled') return rejected(ctx, round, 'not-sampled');
  if (keyId(encryptionPublicKey) === keyId(maskingPublicKey)) {
    throw new RoundError('invalid_key', 'the encryption and masking keys must differ');
  }
  if (round.takenKeys.has(keyId(encryptionPublicKey)) || round.takenKeys.has(keyId(maskingPublicKey))) {
    throw new RoundError('duplicate_keys', 'a key is already used by another client of this round');
  }
  if (!isUsableX25519PublicKey(encryptionPublicKey) || !isUsableX25519PublicKey(maskingPublicKey)) {
    throw new RoundError('invalid_key', 'a public key is not a usable X25519 key (low-order point)');
  }
  if (round.size >= round.record.parameters.maxCohort) {
    metrics.checkIns.inc({ decision: 'round-full' });
    return rejected(ctx, round, 'round-full');
  }
  if (!sampled(ctx.random, round.record.parameters.samplingRate)) {
    round.decisions.set(pair, 'not-sampled');
    metrics.checkIns.inc({ decision: 'not-sampled' });
    return rejected(ctx, round, 'not-sampled');
  }
  const { token, tokenHash } = issueToken(ctx.random);
  const participant = { clientIndex: round.size + 1, tokenHash, encryptionPublicKey, maskingPublicKey };
  await ctx.store.addParticipant(round.id, participant);
  round.admit(participant);
  metrics.checkIns.inc({ decision: 'admitted' });
  if (round.record.deadlines.checkIn === null) {
    const now = clock.now();
    const record: RoundRecord = {
      ...round.record,
      deadlines: { ...round.record.deadlines, checkIn: now + settings.deadlines.checkInMs },
      times: { ...round.record.times, firstCheckInAt: now },
    };
    await ctx.store.saveRound(record);
    round.update(record);
  }
  // A full cohort need not wait for the window to end.
  if (round.size >= round.record.parameters.maxCohort) await closeCheckIn(ctx, round);
  return answerMember(ctx, round, participant.clientIndex, token);
}

export async function poll(
  ctx: RoundContext,
  round: OpenRound,
  request: CheckInRequest,
  token: string,
): Promise<CheckInResponse> {
  const member = round.membersByToken.get(hashToken(token));
  if (!member) {
    const earlier = await ctx.store.findToken(hashToken(token));
    const ended = earlier ? await ctx.store.round(earlier.roundId) : null;
    if (!ended) throw new RoundError('invalid_token', 'this token belongs to no round');
    return rejected(
      ctx,
      round,
      ended.outcome?.code ?? `round-${ended.status}`,
      TERMINAL_STATUSES.has(ended.status) ? 0 : untilRoundEnds(ctx, round),
    );
  }
  if (
    pairId(request.publicKeys.encryptionPublicKey, request.publicKeys.maskingPublicKey) !==
    pairId(member.encryptionPublicKey, member.maskingPublicKey)
  ) {
    throw new RoundError('token_mismatch', 'this token was issued for other keys');
  }
  return answerMember(ctx, round, member.clientIndex, token);
}

/** `pending` while check-in is open, `accepted` once the cohort is fixed, `rejected` after that. */
function answerMember(
  ctx: RoundContext,
  round: OpenRound,
  clientIndex: number,
  token: string,
): CheckInResponse {
  const { record } = round;
  if (record.status === 'check-in') {
    return {
      protocolVersion: PROTOCOL_VERSION,
      status: 'pending',
      token,
      retryAfterMs: pollDelay(ctx, round),
    };
  }
  if (TERMINAL_STATUSES.has(record.status))
    return rejected(ctx, round, record.outcome?.code ?? `round-${record.status}`, 0);
  // Admitted, but it asks only now that keys are being masked: too late for this round.
  if (record.status !== 'share-keys') return rejected(ctx, round, 'stage-closed');
  const iso = (ms: number | null) => new Date(ms ?? 0).toISOString();
  return {
    protocolVersion: PROTOCOL_VERSION,
    status: 'accepted',
    roundId: record.roundId,
    token,
    clientIndex,
    model: round.model,
    clippingBound: record.parameters.clippingBound,
    maxSummands: record.counts.cohort,
    noiseMultiplier: record.parameters.noiseMultiplier,
    cohort: round.cohortField(),
    deadlines: {
      shareKeys: iso(record.deadlines.shareKeys),
      maskedInput: iso(record.deadlines.maskedInput),
      unmask: iso(record.deadlines.unmask),
    },
  };
}

function rejected(
  ctx: RoundContext,
  round: OpenRound,
  reason: string,
  retryAfterMs = untilRoundEnds(ctx, round),
): CheckInResponse {
  return { protocolVersion: PROTOCOL_VERSION, status: 'rejected', reason, retryAfterMs };
}

/** When the open round will have ended at the latest: the earliest sensible next check-in. */
function untilRoundEnds(ctx: RoundContext, round: OpenRound): number {
  const { record } = round;
  const { deadlines } = ctx.settings;
  const now = ctx.clock.now();
  const end =
    record.deadlines.unmask ??
    (record.deadlines.checkIn ?? now + deadlines.checkInMs) +
      deadlines.shareKeysMs +
      deadlines.maskedInputMs +
      deadlines.unmaskMs;
  return Math.min(86_400_000, Math.max(0, Math.ceil(end - now)));
}

export function pollDelay(ctx: RoundContext, round: OpenRound): number {
  const deadline = stageDeadline(round.record);
  const remaining = deadline === null ? POLL_INTERVAL_MS : deadline - ctx.clock.now();
  return Math.max(100, Math.min(POLL_INTERVAL_MS, Math.ceil(remaining)));
}

/** Poisson sampling: admit with probability q, from 32 fresh random bits. */
function sampled(random: RandomSource, q: number): boolean {
  if (q >= 1) return true;
  return randomUint32s(random, 1)[0]! < q * 2 ** 32;
}

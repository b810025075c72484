import { x25519 } from '@noble/curves/ed25519.js';
import { equalBytes } from '@noble/curves/utils.js';
import { ProtocolError } from '../protocol-error.js';
import { cryptoRandomSource, type RandomSource, randomBytes } from '../random/random-source.js';
import {
  type CohortSetup,
  checkCohortSetup,
  memberByIndex,
  type PublicKeys,
  X25519_KEY_BYTES,
} from './cohort.js';
import { pairwiseMaskKey, selfMaskKey } from './key-derivation.js';
import { applyMask, createMaskWorkspace } from './mask-expansion.js';
import type {
  MaskedInputSubmission,
  RoutedShare,
  ShareSubmission,
  UnmaskRequest,
  UnmaskResponse,
} from './messages.js';
import { SECRET_BYTES, splitSecret } from './shamir.js';
import { openSharePair, type SharePair, sealSharePair } from './share-encryption.js';

/**
 * The client side of one round, as four pure stage functions. Each takes the previous stage's
 * state (plain data: keep it in memory or in IndexedDB between requests) and returns the next
 * state and the message to send. Secrets live only in the states of the first two stages; the
 * state after masking holds nothing but the shares this client keeps for others.
 */

export interface ClientSecretKeys {
  encryptionSecretKey: Uint8Array;
  maskingSecretKey: Uint8Array;
}

export interface ClientAdvertisedState {
  stage: 'keys-advertised';
  publicKeys: PublicKeys;
  secretKeys: ClientSecretKeys;
}

export interface ClientSharedState {
  stage: 'keys-shared';
  setup: CohortSetup;
  index: number;
  neighbours: number[];
  secretKeys: ClientSecretKeys;
  /**
   * ECDH secrets of the share channel with each neighbour, kept from stage 1 so opening the
   * inbox in stage 2 costs no second key agreement per neighbour.
   */
  channelSecrets: { peer: number; sharedSecret: Uint8Array }[];
  selfMaskSeed: Uint8Array;
  /** This client's own shares of its self-mask seed and masking key (it is a shareholder too). */
  ownShares: SharePair;
}

/** Shares of `owner`'s secrets that this client holds. */
export interface HeldShares extends SharePair {
  owner: number;
}

export interface ClientMaskedState {
  stage: 'input-masked';
  roundId: string;
  index: number;
  threshold: number;
  /** Neighbours whose shares arrived; the pairwise masks were built with exactly these. */
  partners: number[];
  /** Shares held for each partner and for this client itself. */
  heldShares: HeldShares[];
}

export interface ClientUnmaskedState extends Omit<ClientMaskedState, 'stage'> {
  stage: 'unmask-answered';
  answeredRequest: UnmaskRequest;
  response: UnmaskResponse;
}

/**
 * Every client refuses cohorts whose threshold is below this, whatever the server says: the
 * threshold is the smallest number of clients whose updates the server can learn a sum of.
 */
export const DEFAULT_MINIMUM_THRESHOLD = 10;

function requireStage(actual: string, expected: string): void {
  if (actual !== expected)
    throw new ProtocolError('invalid-argument', `client state is ${actual}, not ${expected}`);
}

function ecdh(secretKey: Uint8Array, publicKey: Uint8Array, peer: number): Uint8Array {
  try {
    return x25519.getSharedSecret(secretKey, publicKey);
  } catch {
    // noble refuses low-order points, which would give an all-zero (public) shared secret.
    throw new ProtocolError('invalid-cohort', `client ${peer} advertised an invalid X25519 key`, { peer });
  }
}

function generateKeyPair(random: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = randomBytes(random, X25519_KEY_BYTES);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/** Stage 0: fresh per-round X25519 key pairs; the public halves go into the check-in request. */
export function clientAdvertiseKeys(random: RandomSource = cryptoRandomSource): {
  state: ClientAdvertisedState;
  publicKeys: PublicKeys;
} {
  const encryption = generateKeyPair(random);
  const masking = generateKeyPair(random);
  const publicKeys = { encryptionPublicKey: encryption.publicKey, maskingPublicKey: masking.publicKey };
  return {
    state: {
      stage: 'keys-advertised',
      publicKeys,
      secretKeys: { encryptionSecretKey: encryption.secretKey, maskingSecretKey: masking.secretKey },
    },
    publicKeys,
  };
}

export interface ShareKeysOptions {
  random?: RandomSource;
  /** Refuse cohorts with a lower threshold. Default {@link DEFAULT_MINIMUM_THRESHOLD}. */
  minimumThreshold?: number;
}

/**
 * Stage 1: checks the cohort, draws the self-mask seed, Shamir-shares the seed and the masking
 * secret key among the neighbours and itself, and seals each neighbour's pair of shares for it.
 */
export function clientShareKeys(
  state: ClientAdvertisedState,
  setup: CohortSetup,
  options: ShareKeysOptions = {},
): { state: ClientSharedState; submission: ShareSubmission } {
  requireStage(state.stage, 'keys-advertised');
  const random = options.random ?? cryptoRandomSource;
  const minimumThreshold = options.minimumThreshold ?? DEFAULT_MINIMUM_THRESHOLD;
  const neighbourMap = checkCohortSetup(setup);
  if (setup.threshold < minimumThreshold) {
    throw new ProtocolError(
      'invalid-cohort',
      `threshold ${setup.threshold} is below this client's minimum ${minimumThreshold}`,
    );
  }
  const own = setup.members.filter(
    (member) =>
      equalBytes(member.encryptionPublicKey, state.publicKeys.encryptionPublicKey) &&
      equalBytes(member.maskingPublicKey, state.publicKeys.maskingPublicKey),
  );
  if (own.length !== 1) throw new ProtocolError('invalid-cohort', "this client's keys are not in the cohort");
  const index = own[0]!.index;
  const neighbours = neighbourMap.get(index)!;
  const holders = [...neighbours, index].sort((a, b) => a - b);

  const selfMaskSeed = randomBytes(random, SECRET_BYTES);
  const seedShares = splitSecret(selfMaskSeed, holders, setup.threshold, random);
  const keyShares = splitSecret(state.secretKeys.maskingSecretKey, holders, setup.threshold, random);
  const seedShareOf = new Map(seedShares.map((share) => [share.x, share.y]));
  const keyShareOf = new Map(keyShares.map((share) => [share.x, share.y]));
  const pairFor = (holder: number): SharePair => ({
    seedShare: seedShareOf.get(holder)!,
    keyShare: keyShareOf.get(holder)!,
  });

  const members = new Map(setup.members.map((member) => [member.index, member]));
  const channelSecrets = neighbours.map((peer) => ({
    peer,
    sharedSecret: ecdh(state.secretKeys.encryptionSecretKey, members.get(peer)!.encryptionPublicKey, peer),
  }));
  const shares = channelSecrets.map(({ peer: recipient, sharedSecret }) => ({
    recipient,
    ciphertext: sealSharePair(sharedSecret, setup.roundId, index, recipient, pairFor(recipient), random),
  }));
  return {
    state: {
      stage: 'keys-shared',
      setup,
      index,
      neighbours,
      secretKeys: state.secretKeys,
      channelSecrets,
      selfMaskSeed,
      ownShares: pairFor(index),
    },
    submission: { sender: index, shares },
  };
}

/**
 * Stage 2: opens the shares routed to this client, then masks the quantized update:
 * y = x + PRG(seed) + Σ_{partner v > me} PRG(s_me,v) − Σ_{partner v < me} PRG(s_me,v)  (mod 2^32).
 * The partners are the neighbours whose shares arrived, i.e. those that completed stage 1.
 */
export function clientMaskInput(
  state: ClientSharedState,
  inbox: readonly RoutedShare[],
  quantizedUpdate: Uint32Array,
): { state: ClientMaskedState; submission: MaskedInputSubmission } {
  requireStage(state.stage, 'keys-shared');
  const { setup, index } = state;
  if (quantizedUpdate.length !== setup.vectorLength) {
    throw new ProtocolError(
      'wrong-length',
      `the update has ${quantizedUpdate.length} words, not ${setup.vectorLength}`,
    );
  }
  const channelSecretOf = new Map(state.channelSecrets.map(({ peer, sharedSecret }) => [peer, sharedSecret]));
  const heldShares: HeldShares[] = [{ owner: index, ...state.ownShares }];
  for (const { sender, ciphertext } of inbox) {
    const secret = channelSecretOf.get(sender);
    if (secret === undefined) {
      throw new ProtocolError('unexpected-message', `client ${sender} is not a neighbour`, { sender });
    }
    if (heldShares.some((held) => held.owner === sender)) {
      throw new ProtocolError('duplicate-message', `two share pairs from client ${sender}`, { sender });
    }
    heldShares.push({ owner: sender, ...openSharePair(secret, setup.roundId, sender, index, ciphertext) });
  }
  const partners = heldShares
    .map((held) => held.owner)
    .filter((owner) => owner !== index)
    .sort((a, b) => a - b);
  // Our own secrets must stay recoverable: at least t live holders among partners and us.
  if (partners.length + 1 < setup.threshold) {
    throw new ProtocolError(
      'too-few-clients',
      `only ${partners.length} neighbours shared keys; the threshold is ${setup.threshold}`,
    );
  }

  const workspace = createMaskWorkspace(setup.vectorLength);
  const maskedInput = quantizedUpdate.slice();
  applyMask(maskedInput, selfMaskKey(state.selfMaskSeed, setup.roundId, index), 1, workspace);
  for (const partner of partners) {
    const peer = memberByIndex(setup, partner);
    const secret = ecdh(state.secretKeys.maskingSecretKey, peer.maskingPublicKey, partner);
    applyMask(
      maskedInput,
      pairwiseMaskKey(secret, setup.roundId, index, partner),
      index < partner ? 1 : -1,
      workspace,
    );
  }
  return {
    state: {
      stage: 'input-masked',
      roundId: setup.roundId,
      index,
      threshold: setup.threshold,
      partners,
      heldShares: heldShares.sort((a, b) => a.owner - b.owner),
    },
    submission: { sender: index, maskedInput },
  };
}

function normalizedRequest(request: UnmaskRequest): UnmaskRequest {
  const survivors = [...new Set(request.survivors)].sort((a, b) => a - b);
  const dropouts = [...new Set(request.dropouts)].sort((a, b) => a - b);
  if (survivors.length !== request.survivors.length || dropouts.length !== request.dropouts.length) {
    throw new ProtocolError('malformed', 'the unmask request lists a client twice');
  }
  return { survivors, dropouts };
}

function sameRequest(a: UnmaskRequest, b: UnmaskRequest): boolean {
  const key = (request: UnmaskRequest) => `${request.survivors.join(',')}|${request.dropouts.join(',')}`;
  return key(a) === key(b);
}

/**
 * Stage 3: for each partner (and itself) the server reports as a survivor, reveal the share of
 * its self-mask seed; for each partner reported as dropped, the share of its masking key; never
 * both for one client. Refuses when fewer than t survived, when it is itself called a dropout, or
 * when a different request follows an answered one (a server fishing for both shares). Repeating
 * the same request returns the same response, so HTTP retries are safe.
 */
export function clientAnswerUnmask(
  state: ClientMaskedState | ClientUnmaskedState,
  request: UnmaskRequest,
): { state: ClientUnmaskedState; response: UnmaskResponse } {
  // Types rule this out for TypeScript callers; states restored from storage are not typed.
  const stage: string = state.stage;
  if (stage !== 'input-masked' && stage !== 'unmask-answered') requireStage(stage, 'input-masked');
  const normalized = normalizedRequest(request);
  if (state.stage === 'unmask-answered') {
    if (!sameRequest(state.answeredRequest, normalized)) {
      throw new ProtocolError('conflicting-request', 'a different unmask request was already answered');
    }
    return { state, response: state.response };
  }
  const survivors = new Set(normalized.survivors);
  const dropouts = new Set(normalized.dropouts);
  if (normalized.survivors.some((client) => dropouts.has(client))) {
    throw new ProtocolError('conflicting-request', 'a client is listed as both survivor and dropout');
  }
  if (!survivors.has(state.index)) {
    throw new ProtocolError(
      'conflicting-request',
      'this client sent its input but is not listed as a survivor',
    );
  }
  if (survivors.size < state.threshold) {
    throw new ProtocolError(
      'too-few-clients',
      `${survivors.size} survivors; the threshold is ${state.threshold}`,
    );
  }
  const response: UnmaskResponse = { sender: state.index, seedShares: [], keyShares: [] };
  for (const held of state.heldShares) {
    if (survivors.has(held.owner)) response.seedShares.push({ owner: held.owner, share: held.seedShare });
    else if (dropouts.has(held.owner)) response.keyShares.push({ owner: held.owner, share: held.keyShare });
  }
  const { stage: _stage, ...rest } = state;
  return { state: { ...rest, stage: 'unmask-answered', answeredRequest: normalized, response }, response };
}

import { ProtocolError } from '../protocol-error.js';
import { addInto } from '../quantize/quantize.js';
import { cryptoRandomSource, type RandomSource, randomBytes } from '../random/random-source.js';
import { type CohortSetup, checkCohortSetup, type PublicKeys } from './cohort.js';
import type { MaskedInputSubmission, RoutedShare, ShareSubmission, UnmaskRequest } from './messages.js';
import { defaultThreshold, shareholderCount } from './neighbour-graph.js';
import { SHARE_CIPHERTEXT_BYTES } from './share-encryption.js';

/**
 * The server side of one round, as four pure stage functions over explicit, plain-data states
 * (stage 3, unmasking, is in server-unmask.ts). Each stage takes the batch of messages accepted
 * for it (any iterable, so a server can stream them from storage); the matching `check…`
 * function validates one message on arrival with the same rules, so an HTTP handler can reject
 * it early with a typed error. Persist the state after each stage, or the accepted messages and
 * replay: the stages are deterministic given them.
 *
 * Trust model: an honest-but-curious server (it follows the protocol but may look at everything it
 * sees). The consistency-check round of Bonawitz et al. against a malicious server is not
 * implemented; clients do refuse the requests that would reveal both secrets of one client.
 */

export interface ServerSharesStage {
  stage: 'collecting-shares';
  setup: CohortSetup;
}

export interface ServerMaskedInputStage {
  stage: 'collecting-masked-inputs';
  setup: CohortSetup;
  /** Clients whose shares were routed (U2, sorted): every masked input comes from one of them. */
  sharedClients: number[];
}

export interface ServerUnmaskStage {
  stage: 'collecting-unmask-responses';
  setup: CohortSetup;
  sharedClients: number[];
  /** Clients whose masked input is in the sum (U3, sorted). */
  survivors: number[];
  /** Σ masked inputs of the survivors, mod 2^32. */
  maskedSum: Uint32Array;
}

export interface CollectKeysOptions {
  roundId: string;
  vectorLength: number;
  /** Neighbours per client. Default: the complete graph (n − 1); use an even k for SecAgg+. */
  neighbourCount?: number;
  /** Shamir threshold. Default: h − ⌊h/3⌋ for h shareholders per client. */
  threshold?: number;
  random?: RandomSource;
}

/** Stage 0: indexes the advertised keys 1..n in the given order and fixes the round's parameters. */
export function serverCollectKeys(
  options: CollectKeysOptions,
  advertised: readonly PublicKeys[],
): { state: ServerSharesStage; setup: CohortSetup } {
  const n = advertised.length;
  const neighbourCount = Math.min(options.neighbourCount ?? n - 1, n - 1);
  const setup: CohortSetup = {
    roundId: options.roundId,
    vectorLength: options.vectorLength,
    threshold: options.threshold ?? defaultThreshold(shareholderCount(n, neighbourCount)),
    neighbourCount,
    graphSeed: randomBytes(options.random ?? cryptoRandomSource, 32),
    members: advertised.map((keys, position) => ({
      index: position + 1,
      encryptionPublicKey: keys.encryptionPublicKey,
      maskingPublicKey: keys.maskingPublicKey,
    })),
  };
  checkCohortSetup(setup);
  return { state: { stage: 'collecting-shares', setup }, setup };
}

/** Neighbour sets of the cohort (re-validating the setup, which is cheap next to a stage). */
export function neighbourhoods(setup: CohortSetup): Map<number, number[]> {
  return checkCohortSetup(setup);
}

export function requireStage(actual: string, expected: string): void {
  if (actual !== expected)
    throw new ProtocolError('unexpected-message', `state is ${actual}, not ${expected}`);
}

/** Validates one share submission: a known sender, one sealed pair for each of its neighbours. */
export function checkShareSubmission(
  state: ServerSharesStage,
  submission: ShareSubmission,
  neighbourMap: Map<number, number[]> = neighbourhoods(state.setup),
): void {
  requireStage(state.stage, 'collecting-shares');
  const neighbours = neighbourMap.get(submission.sender);
  if (!neighbours)
    throw new ProtocolError('unknown-client', `client ${submission.sender} is not in this cohort`);
  const recipients = submission.shares.map((share) => share.recipient).sort((a, b) => a - b);
  if (
    recipients.length !== neighbours.length ||
    recipients.some((recipient, k) => recipient !== neighbours[k])
  ) {
    throw new ProtocolError(
      'unexpected-message',
      'shares must go to exactly the sender’s neighbours, once each',
      {
        sender: submission.sender,
      },
    );
  }
  for (const share of submission.shares) {
    if (share.ciphertext.length !== SHARE_CIPHERTEXT_BYTES) {
      throw new ProtocolError('wrong-length', `a sealed share pair is ${SHARE_CIPHERTEXT_BYTES} bytes`);
    }
  }
}

/**
 * Stage 1: routes each sealed share pair to its recipient. Clients left with fewer than t − 1
 * neighbours that shared keys are dropped from the round (their own secrets could not be
 * recovered), repeatedly until every remaining client has enough; `too-few-clients` if fewer
 * than t remain.
 */
export function serverRouteShares(
  state: ServerSharesStage,
  submissions: Iterable<ShareSubmission>,
): { state: ServerMaskedInputStage; inboxes: Map<number, RoutedShare[]> } {
  const { setup } = state;
  const neighbourMap = neighbourhoods(setup);
  const accepted = new Map<number, ShareSubmission>();
  for (const submission of submissions) {
    checkShareSubmission(state, submission, neighbourMap);
    if (accepted.has(submission.sender)) {
      throw new ProtocolError('duplicate-message', `two share submissions from client ${submission.sender}`);
    }
    accepted.set(submission.sender, submission);
  }
  const shared = new Set(accepted.keys());
  for (let changed = true; changed; ) {
    changed = false;
    for (const client of shared) {
      const live = neighbourMap.get(client)!.filter((neighbour) => shared.has(neighbour)).length;
      if (live + 1 < setup.threshold) {
        shared.delete(client);
        changed = true;
      }
    }
  }
  if (shared.size < setup.threshold) {
    throw new ProtocolError(
      'too-few-clients',
      `${shared.size} clients shared keys; the threshold is ${setup.threshold}`,
    );
  }
  const inboxes = new Map<number, RoutedShare[]>([...shared].map((client) => [client, []]));
  for (const sender of shared) {
    for (const { recipient, ciphertext } of accepted.get(sender)!.shares) {
      inboxes.get(recipient)?.push({ sender, ciphertext });
    }
  }
  return {
    state: { stage: 'collecting-masked-inputs', setup, sharedClients: [...shared].sort((a, b) => a - b) },
    inboxes,
  };
}

/** Validates one masked input: from a client whose shares were routed, of the round's length. */
export function checkMaskedInput(state: ServerMaskedInputStage, submission: MaskedInputSubmission): void {
  requireStage(state.stage, 'collecting-masked-inputs');
  if (!state.sharedClients.includes(submission.sender)) {
    throw new ProtocolError(
      'unexpected-message',
      `client ${submission.sender} is not expected to send an input`,
    );
  }
  if (submission.maskedInput.length !== state.setup.vectorLength) {
    throw new ProtocolError(
      'wrong-length',
      `masked input has ${submission.maskedInput.length} words, not ${state.setup.vectorLength}`,
    );
  }
}

/**
 * Stage 2: sums the masked inputs mod 2^32 (one pass per input, no other allocation) and asks for
 * the shares that remove the masks. `too-few-clients` when some client's secrets would have fewer
 * than t live holders, which for the complete graph means fewer than t inputs arrived.
 */
export function serverSumMaskedInputs(
  state: ServerMaskedInputStage,
  submissions: Iterable<MaskedInputSubmission>,
): { state: ServerUnmaskStage; unmaskRequest: UnmaskRequest } {
  const { setup } = state;
  const maskedSum = new Uint32Array(setup.vectorLength);
  const survivors = new Set<number>();
  for (const submission of submissions) {
    checkMaskedInput(state, submission);
    if (survivors.has(submission.sender)) {
      throw new ProtocolError('duplicate-message', `two masked inputs from client ${submission.sender}`);
    }
    survivors.add(submission.sender);
    addInto(maskedSum, submission.maskedInput);
  }
  const neighbourMap = neighbourhoods(setup);
  for (const client of state.sharedClients) {
    const liveHolders =
      neighbourMap.get(client)!.filter((holder) => survivors.has(holder)).length +
      (survivors.has(client) ? 1 : 0);
    if (liveHolders < setup.threshold) {
      throw new ProtocolError(
        'too-few-clients',
        `${survivors.size} inputs arrived; client ${client} has ${liveHolders} live shareholders, ` +
          `${setup.threshold} needed`,
      );
    }
  }
  const sortedSurvivors = [...survivors].sort((a, b) => a - b);
  const dropouts = state.sharedClients.filter((client) => !survivors.has(client));
  return {
    state: {
      stage: 'collecting-unmask-responses',
      setup,
      sharedClients: state.sharedClients,
      survivors: sortedSurvivors,
      maskedSum,
    },
    unmaskRequest: { survivors: sortedSurvivors, dropouts },
  };
}

import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.js';
import { addInto } from '../quantize/quantize.js';
import { createChaCha20RandomSource, randomUint32s } from '../random/random-source.js';
import {
  type ClientAdvertisedState,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
} from './client.js';
import type { CohortSetup } from './cohort.js';
import { chacha20MaskKeystream } from './mask-expansion.js';
import type { MaskedInputSubmission } from './messages.js';
import {
  checkMaskedInput,
  checkShareSubmission,
  serverCollectKeys,
  serverRouteShares,
  serverSumMaskedInputs,
} from './server.js';
import { checkUnmaskResponse, serverUnmask } from './server-unmask.js';

const seeded = (byte: number) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
  return undefined;
}

interface RoundPlan {
  clients: number;
  vectorLength?: number;
  neighbourCount?: number;
  /** 1-based indexes that are in the cohort but never share keys. */
  neverShare?: number[];
  /** 1-based indexes that share keys and then send no input. */
  dropouts?: number[];
  /** 1-based indexes that send input and then never answer the unmask request. */
  silent?: number[];
}

/** Drives every stage directly and returns the pieces, so tests can also tamper between stages. */
function runRound(plan: RoundPlan, seed = 1) {
  const random = seeded(seed);
  const vectorLength = plan.vectorLength ?? 64;
  const inputs = Array.from({ length: plan.clients }, () => randomUint32s(random, vectorLength));
  const advertised = inputs.map(() => clientAdvertiseKeys(random));
  const collected = serverCollectKeys(
    {
      roundId: 'round-7',
      vectorLength,
      random,
      ...(plan.neighbourCount ? { neighbourCount: plan.neighbourCount } : {}),
    },
    advertised.map((client) => client.publicKeys),
  );
  const shared = advertised.map((client) =>
    clientShareKeys(client.state, collected.setup, { random, minimumThreshold: 2 }),
  );
  const neverShare = new Set(plan.neverShare ?? []);
  const routed = serverRouteShares(
    collected.state,
    shared.filter((client) => !neverShare.has(client.state.index)).map((client) => client.submission),
  );
  const dropouts = new Set(plan.dropouts ?? []);
  const maskedClients = shared
    .filter((client) => !dropouts.has(client.state.index) && !neverShare.has(client.state.index))
    .map((client) =>
      clientMaskInput(client.state, routed.inboxes.get(client.state.index)!, inputs[client.state.index - 1]!),
    );
  const summed = serverSumMaskedInputs(
    routed.state,
    maskedClients.map((client) => client.submission),
  );
  const silent = new Set(plan.silent ?? []);
  const responses = maskedClients
    .filter((client) => !silent.has(client.state.index))
    .map((client) => clientAnswerUnmask(client.state, summed.unmaskRequest).response);
  const expected = new Uint32Array(vectorLength);
  for (const client of maskedClients) addInto(expected, inputs[client.state.index - 1]!);
  return {
    inputs,
    advertised,
    collected,
    shared,
    routed,
    maskedClients,
    summed,
    responses,
    expected,
    random,
  };
}

describe('secure aggregation round', () => {
  it('sums exactly with nobody dropping out', () => {
    const round = runRound({ clients: 12 });
    expect(round.collected.setup.threshold).toBe(8);
    expect(serverUnmask(round.summed.state, round.responses).sum).toEqual(round.expected);
    expect(round.summed.unmaskRequest.dropouts).toEqual([]);
  });

  it('sums the survivors exactly when a third drop out after sharing keys', () => {
    const round = runRound({ clients: 15, dropouts: [2, 5, 6, 11, 15] });
    expect(round.collected.setup.threshold).toBe(10);
    expect(round.summed.unmaskRequest.dropouts).toEqual([2, 5, 6, 11, 15]);
    // The server's key agreement is injectable (e.g. node:crypto); it is called once per
    // (dropout, surviving neighbour) pair, once per dropout to check its key, and nowhere else.
    let agreements = 0;
    const result = serverUnmask(round.summed.state, round.responses, {
      keyAgreement: (secretKey, publicKey) => {
        agreements += 1;
        return x25519.getSharedSecret(secretKey, publicKey);
      },
    });
    expect(agreements).toBe(5 * 10 + 5);
    expect(result.survivors).toHaveLength(10);
    expect(result.sum).toEqual(round.expected);
  });

  it('expands every mask with the injected keystream: one per survivor and per dropout pair', () => {
    const round = runRound({ clients: 15, dropouts: [2, 5, 6, 11, 15] });
    const lengths: number[] = [];
    const result = serverUnmask(round.summed.state, round.responses, {
      maskKeystream: (key, output) => {
        lengths.push(output.length);
        chacha20MaskKeystream(key, output);
      },
    });
    expect(lengths).toHaveLength(10 + 5 * 10);
    expect(lengths.every((length) => length === 4 * 64)).toBe(true);
    expect(result.sum).toEqual(round.expected);
  });

  it('leaves out clients that never shared keys: nobody masks with them', () => {
    const round = runRound({ clients: 12, neverShare: [3, 9], dropouts: [5] });
    expect(round.routed.state.sharedClients).not.toContain(3);
    expect(round.maskedClients.every((client) => !client.state.partners.includes(9))).toBe(true);
    expect(round.summed.unmaskRequest.dropouts).toEqual([5]);
    expect(serverUnmask(round.summed.state, round.responses).sum).toEqual(round.expected);
  });

  it('sums exactly when some survivors also stay silent at the unmask stage', () => {
    const round = runRound({ clients: 15, dropouts: [1, 2], silent: [4, 10, 15] });
    expect(round.responses).toHaveLength(10);
    expect(serverUnmask(round.summed.state, round.responses).sum).toEqual(round.expected);
  });

  it('sums exactly on a sparse SecAgg+ graph with dropouts', () => {
    const round = runRound({ clients: 40, neighbourCount: 12, dropouts: [3, 17, 31] }, 2);
    const setup = round.collected.setup;
    expect(setup.neighbourCount).toBe(12);
    expect(setup.threshold).toBe(9);
    // Each client sealed shares for its 12 neighbours only.
    expect(round.shared.every((client) => client.submission.shares.length === 12)).toBe(true);
    expect(serverUnmask(round.summed.state, round.responses).sum).toEqual(round.expected);
  });

  it('hides each input: a masked input is not the input and its words look uniform', () => {
    const round = runRound({ clients: 10, vectorLength: 4000 });
    const inputs = round.inputs.map((input) => input.map((word) => word & 0xff)); // low-entropy inputs
    const masked = clientMaskInput(
      round.shared[0]!.state,
      round.routed.inboxes.get(1)!,
      inputs[0]!,
    ).submission;
    const difference = masked.maskedInput.map((word, i) => word - inputs[0]![i]!);
    const mean = difference.reduce((total, word) => total + word, 0) / difference.length;
    expect(Math.abs(mean - 2 ** 31)).toBeLessThan(5 * (2 ** 32 / Math.sqrt(12 * 4000)));
    expect(masked.maskedInput.filter((word, i) => word === inputs[0]![i]).length).toBeLessThan(3);
  });
});

describe('the server refuses to unmask too few clients', () => {
  it('refuses with too-few-clients when more than a third drop out', () => {
    expect(codeOf(() => runRound({ clients: 15, dropouts: [1, 2, 3, 4, 5, 6] }))).toBe('too-few-clients');
  });

  it('refuses with too-few-shares when fewer than t survivors answer', () => {
    const round = runRound({ clients: 15, silent: [1, 2, 3, 4, 5, 6] });
    expect(codeOf(() => serverUnmask(round.summed.state, round.responses))).toBe('too-few-shares');
  });

  it('refuses with too-few-clients when fewer than t clients share keys', () => {
    const round = runRound({ clients: 12 });
    const few = round.shared.slice(0, 7).map((client) => client.submission);
    expect(codeOf(() => serverRouteShares(round.collected.state, few))).toBe('too-few-clients');
  });

  it('detects an inconsistent masking-key share (reconstruction-failed)', () => {
    const round = runRound({ clients: 12, dropouts: [4] });
    const responses = round.responses.map((response, k) =>
      k === 0
        ? {
            ...response,
            keyShares: response.keyShares.map(({ owner }) => ({
              owner,
              share: round.responses[1]!.seedShares[0]!.share,
            })),
          }
        : response,
    );
    expect(codeOf(() => serverUnmask(round.summed.state, responses))).toBe('reconstruction-failed');
  });
});

describe('server message checks', () => {
  it('rejects unknown senders, wrong recipients, duplicates, wrong lengths and stray shares', () => {
    const round = runRound({ clients: 12 });
    const submission = round.shared[0]!.submission;
    expect(codeOf(() => checkShareSubmission(round.collected.state, { ...submission, sender: 99 }))).toBe(
      'unknown-client',
    );
    expect(
      codeOf(() =>
        checkShareSubmission(round.collected.state, { ...submission, shares: submission.shares.slice(1) }),
      ),
    ).toBe('unexpected-message');
    const short = submission.shares.map((share) => ({ ...share, ciphertext: share.ciphertext.subarray(1) }));
    expect(codeOf(() => checkShareSubmission(round.collected.state, { ...submission, shares: short }))).toBe(
      'wrong-length',
    );
    expect(codeOf(() => serverRouteShares(round.collected.state, [submission, submission]))).toBe(
      'duplicate-message',
    );

    const masked: MaskedInputSubmission = round.maskedClients[0]!.submission;
    expect(
      codeOf(() => checkMaskedInput(round.routed.state, { ...masked, maskedInput: new Uint32Array(63) })),
    ).toBe('wrong-length');
    expect(codeOf(() => checkMaskedInput(round.routed.state, { ...masked, sender: 13 }))).toBe(
      'unexpected-message',
    );
    expect(codeOf(() => serverSumMaskedInputs(round.routed.state, [masked, masked]))).toBe(
      'duplicate-message',
    );

    const response = round.responses[0]!;
    const stray = { ...response, keyShares: [{ owner: 2, share: new Uint8Array(48) }] };
    expect(codeOf(() => checkUnmaskResponse(round.summed.state, stray))).toBe('unexpected-message');
    expect(codeOf(() => serverUnmask(round.summed.state, [response, response]))).toBe('duplicate-message');
    // Stages only accept their own state.
    expect(codeOf(() => checkMaskedInput(round.collected.state as never, masked))).toBe('unexpected-message');
  });
});

describe('client refusals', () => {
  function freshCohort(clients = 12) {
    const random = seeded(40);
    const advertised = Array.from({ length: clients }, () => clientAdvertiseKeys(random));
    const { setup } = serverCollectKeys(
      { roundId: 'r', vectorLength: 8, random },
      advertised.map((client) => client.publicKeys),
    );
    return { advertised, setup, random };
  }
  const share = (state: ClientAdvertisedState, setup: CohortSetup, minimumThreshold = 2) =>
    clientShareKeys(state, setup, { random: seeded(41), minimumThreshold });

  it('refuses a cohort without its keys, with a repeated key, or with a weak threshold', () => {
    const { advertised, setup } = freshCohort();
    const stranger = clientAdvertiseKeys(seeded(42));
    expect(codeOf(() => share(stranger.state, setup))).toBe('invalid-cohort');
    const repeated = {
      ...setup,
      members: setup.members.map((member, k) =>
        k === 1 ? { ...member, maskingPublicKey: setup.members[0]!.maskingPublicKey } : member,
      ),
    };
    expect(codeOf(() => share(advertised[0]!.state, repeated))).toBe('invalid-cohort');
    expect(codeOf(() => share(advertised[0]!.state, { ...setup, threshold: 6 }))).toBe('invalid-cohort');
    // The default client minimum (10) refuses a threshold of 8 even though it is a valid majority.
    expect(codeOf(() => clientShareKeys(advertised[0]!.state, setup, { random: seeded(43) }))).toBe(
      'invalid-cohort',
    );
    const lowOrder = {
      ...setup,
      members: setup.members.map((member, k) =>
        k === 2 ? { ...member, encryptionPublicKey: new Uint8Array(32) } : member,
      ),
    };
    expect(codeOf(() => share(advertised[0]!.state, lowOrder))).toBe('invalid-cohort');
  });

  it('refuses forged shares, shares from strangers and too few partners', () => {
    const round = runRound({ clients: 12 });
    const state = round.shared[0]!.state;
    const inbox = round.routed.inboxes.get(1)!;
    const forged = inbox.map((routed, k) => (k === 0 ? { ...routed, sender: inbox[1]!.sender } : routed));
    expect(codeOf(() => clientMaskInput(state, forged, round.inputs[0]!))).toBe('decryption-failed');
    expect(
      codeOf(() =>
        clientMaskInput(state, [...inbox, { sender: 1, ciphertext: inbox[0]!.ciphertext }], round.inputs[0]!),
      ),
    ).toBe('unexpected-message');
    expect(codeOf(() => clientMaskInput(state, inbox.slice(0, 5), round.inputs[0]!))).toBe('too-few-clients');
    expect(codeOf(() => clientMaskInput(state, inbox, new Uint32Array(3)))).toBe('wrong-length');
    // Stages only take the state of the stage before them.
    expect(codeOf(() => clientMaskInput(round.advertised[0]!.state as never, inbox, round.inputs[0]!))).toBe(
      'invalid-argument',
    );
  });

  it('answers an identical unmask request again but never a different one', () => {
    const round = runRound({ clients: 12, dropouts: [12] });
    const masked = round.maskedClients[0]!.state;
    const request = round.summed.unmaskRequest;
    const first = clientAnswerUnmask(masked, request);
    expect(first.response.keyShares.map((share) => share.owner)).toEqual([12]);
    expect(first.response.seedShares).toHaveLength(11);
    expect(
      clientAnswerUnmask(first.state, {
        survivors: [...request.survivors].reverse(),
        dropouts: request.dropouts,
      }).response,
    ).toBe(first.response);
    const fishing = { survivors: request.survivors.filter((client) => client !== 5), dropouts: [5, 12] };
    expect(codeOf(() => clientAnswerUnmask(first.state, fishing))).toBe('conflicting-request');
    expect(
      codeOf(() => clientAnswerUnmask(masked, { survivors: request.survivors.slice(1), dropouts: [1, 12] })),
    ).toBe('conflicting-request');
    expect(codeOf(() => clientAnswerUnmask(masked, { survivors: [1, 2, 3], dropouts: [] }))).toBe(
      'too-few-clients',
    );
    expect(codeOf(() => clientAnswerUnmask(masked, { survivors: [1, 2, 3, 3], dropouts: [] }))).toBe(
      'malformed',
    );
  });
});

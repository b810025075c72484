import { clipToL2Norm } from '../dp/clip.js';
import { requireArgument } from '../protocol-error.js';
import { dequantizeSum, type QuantizationParams, quantize } from '../quantize/quantize.js';
import { cryptoRandomSource, type RandomSource } from '../random/random-source.js';
import {
  type ClientMaskedState,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
} from '../secagg/client.js';
import type { MaskedInputSubmission, ShareSubmission, UnmaskResponse } from '../secagg/messages.js';
import { serverCollectKeys, serverRouteShares, serverSumMaskedInputs } from '../secagg/server.js';
import { serverUnmask } from '../secagg/server-unmask.js';

/**
 * The reference round, in process: N clients and the server run every stage of the real code
 * (clip → quantize → advertise → share → mask → sum → unmask → dequantize), with chosen clients
 * dropping out. It is the executable description of the message flow for the aggregator and the
 * browser client, and the driver a simulation can start from. It does not add DP noise or apply
 * a strategy: see `finishRound`.
 */
export interface SimulateRoundOptions {
  /** One float update per client (w_local − w_global), any length as long as all agree. */
  updates: readonly ArrayLike<number>[];
  clippingBound: number;
  roundId?: string;
  /**
   * Clients (positions in `updates`) that share keys, so their neighbours mask with them, and then
   * vanish before sending a masked input: the server must reconstruct their masking keys.
   */
  dropoutsAfterSharing?: readonly number[];
  /** Clients whose masked input arrives but who never answer the unmask request. */
  silentAtUnmask?: readonly number[];
  neighbourCount?: number;
  threshold?: number;
  /** Passed to every client; the default client minimum is 10. */
  minimumThreshold?: number;
  random?: RandomSource;
}

export interface SimulatedRound {
  /** The unmasked sum mod 2^32, as the server computes it. */
  sum: Uint32Array;
  /** The sum as floats (scale removed, signed). */
  dequantizedSum: Float64Array;
  /** dequantizedSum / number of survivors. */
  mean: Float64Array;
  /** Positions (in `updates`) of the clients whose input is in the sum. */
  survivors: number[];
  /** Simulation only, for checking: every client's clipped update and its quantization. */
  clippedUpdates: Float64Array[];
  quantizedUpdates: Uint32Array[];
  quantization: QuantizationParams;
}

export function simulateRound(options: SimulateRoundOptions): SimulatedRound {
  const { updates, clippingBound } = options;
  const random = options.random ?? cryptoRandomSource;
  const roundId = options.roundId ?? 'simulated-round';
  requireArgument(updates.length >= 2, 'a round needs at least two clients');
  const vectorLength = updates[0]!.length;
  requireArgument(
    updates.every((update) => update.length === vectorLength),
    'all updates must have the same length',
  );
  const dropped = new Set(options.dropoutsAfterSharing ?? []);
  const silent = new Set(options.silentAtUnmask ?? []);
  const quantization = { clippingBound, maxSummands: updates.length };

  const clippedUpdates = updates.map((update) => clipToL2Norm(update, clippingBound).values);
  const quantizedUpdates = clippedUpdates.map((update) => quantize(update, quantization, random));

  // Stage 0: keys (the server indexes clients 1..n in check-in order: position + 1).
  const advertised = updates.map(() => clientAdvertiseKeys(random));
  const server0 = serverCollectKeys(
    {
      roundId,
      vectorLength,
      random,
      ...(options.neighbourCount === undefined ? {} : { neighbourCount: options.neighbourCount }),
      ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    },
    advertised.map((client) => client.publicKeys),
  );
  const clientOptions = {
    random,
    ...(options.minimumThreshold === undefined ? {} : { minimumThreshold: options.minimumThreshold }),
  };

  // Stage 1: everyone shares keys.
  const shared = advertised.map((client) => clientShareKeys(client.state, server0.setup, clientOptions));
  const shareSubmissions: ShareSubmission[] = shared.map((client) => client.submission);
  const server1 = serverRouteShares(server0.state, shareSubmissions);

  // Stage 2: the survivors mask and send their inputs; the dropouts vanish.
  const masked = new Map<number, ClientMaskedState>();
  const maskedInputs: MaskedInputSubmission[] = [];
  shared.forEach((client, position) => {
    const inbox = server1.inboxes.get(client.state.index);
    if (inbox === undefined || dropped.has(position)) return;
    const result = clientMaskInput(client.state, inbox, quantizedUpdates[position]!);
    masked.set(position, result.state);
    maskedInputs.push(result.submission);
  });
  const server2 = serverSumMaskedInputs(server1.state, maskedInputs);

  // Stage 3: the survivors that are still online reveal shares; the server unmasks.
  const responses: UnmaskResponse[] = [];
  for (const [position, state] of masked) {
    if (!silent.has(position)) responses.push(clientAnswerUnmask(state, server2.unmaskRequest).response);
  }
  const { sum, survivors } = serverUnmask(server2.state, responses);

  const dequantizedSum = dequantizeSum(sum, quantization);
  const mean = dequantizedSum.map((value) => value / survivors.length);
  return {
    sum,
    dequantizedSum,
    mean,
    survivors: survivors.map((index) => index - 1),
    clippedUpdates,
    quantizedUpdates,
    quantization,
  };
}

import { describe, expect, it } from 'vitest';
import { addInto } from '../quantize/quantize.js';
import { createChaCha20RandomSource, randomUint32s } from '../random/random-source.js';
import {
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
} from '../secagg/client.js';
import {
  type ServerMaskedInputStage,
  type ServerSharesStage,
  type ServerUnmaskStage,
  serverCollectKeys,
  serverRouteShares,
  serverSumMaskedInputs,
} from '../secagg/server.js';
import { serverUnmask } from '../secagg/server-unmask.js';
import { deserializeState, serializeState } from './persisted-state.js';

describe('persisted stage states', () => {
  it('round-trip typed arrays of every persisted kind', () => {
    const value = {
      bytes: Uint8Array.from([0, 255]),
      words: Uint32Array.from([0xffff_ffff, 1]),
      single: Float32Array.from([0.5, -1]),
      double: Float64Array.from([Math.PI]),
      nested: [{ a: new Uint8Array(0) }],
      text: 'kept',
    };
    expect(deserializeState(serializeState(value))).toEqual(value);
    expect(() => serializeState({ bad: new Int16Array(1) })).toThrow(/Int16Array/);
    expect(() => serializeState({ bad: Number.NaN })).toThrow(/non-finite/);
  });

  it('let a server crash after every stage and still produce the exact sum', () => {
    const random = createChaCha20RandomSource(new Uint8Array(32).fill(3));
    const inputs = Array.from({ length: 12 }, () => randomUint32s(random, 50));
    const keyed = inputs.map(() => clientAdvertiseKeys(random));
    const restart = <State>(state: State) => deserializeState<State>(serializeState(state));

    const collected = serverCollectKeys(
      { roundId: 'crash', vectorLength: 50, random },
      keyed.map((k) => k.publicKeys),
    );
    const shared = keyed.map((client) =>
      clientShareKeys(client.state, collected.setup, { random, minimumThreshold: 2 }),
    );
    const routed = serverRouteShares(
      restart<ServerSharesStage>(collected.state),
      shared.map((client) => client.submission),
    );
    const masked = shared
      .slice(0, 10)
      .map((client, k) => clientMaskInput(client.state, routed.inboxes.get(client.state.index)!, inputs[k]!));
    const summed = serverSumMaskedInputs(
      restart<ServerMaskedInputStage>(routed.state),
      masked.map((client) => client.submission),
    );
    const resumed = restart<ServerUnmaskStage>(summed.state);
    expect(resumed.maskedSum).toBeInstanceOf(Uint32Array);
    const responses = masked.map((client) => clientAnswerUnmask(client.state, summed.unmaskRequest).response);
    const expected = new Uint32Array(50);
    for (const input of inputs.slice(0, 10)) addInto(expected, input);
    expect(serverUnmask(resumed, responses).sum).toEqual(expected);
  });
});

import type * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { HealthResponse } from '../health.js';
import type { ModelInfo } from '../model.js';
import { addInto } from '../quantize/quantize.js';
import { createChaCha20RandomSource, randomUint32s } from '../random/random-source.js';
import {
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
} from '../secagg/client.js';
import { serverCollectKeys, serverRouteShares, serverSumMaskedInputs } from '../secagg/server.js';
import { serverUnmask } from '../secagg/server-unmask.js';
import { PROTOCOL_VERSION } from '../version.js';
import { decodeBase64Words } from './base64.js';
import {
  encodeMessage,
  maxCharsForVector,
  parseMessage,
  WIRE_MAX_CHARS,
  WireError,
  type WireKind,
  type WireMessage,
} from './codec.js';
import {
  cohortFieldOf,
  cohortSetupOf,
  createRoundToken,
  maskedInputSubmissionOf,
  quantizationOf,
  shareSubmissionOf,
  unmaskResponseOf,
} from './convert.js';
import type { HealthResponseJson, ModelInfoSchema } from './messages.js';

const seeded = (byte: number) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));
const model: ModelInfo = {
  modelId: 'locus-ctr',
  version: 3,
  layoutVersion: 1,
  updatedAt: '2025-01-31T12:00:00.000Z',
};

function codeOf(kind: WireKind, input: unknown, options?: { vectorLength?: number }): string | undefined {
  try {
    parseMessage(kind, input, options);
  } catch (error) {
    if (error instanceof WireError) return error.code;
    throw error;
  }
  return undefined;
}

/** Every hop goes through JSON text, as over HTTP. */
function hop<K extends WireKind>(
  kind: K,
  message: Parameters<typeof encodeMessage<K>>[1],
  options?: { vectorLength?: number },
) {
  return parseMessage(kind, encodeMessage(kind, message), options);
}

describe('a secure-aggregation round over the wire', () => {
  it('gives the exact sum when every message is serialized, size-checked and parsed', () => {
    const random = seeded(1);
    const clients = 10;
    const vectorLength = 300;
    const roundId = 'round-42';
    const inputs = Array.from({ length: clients }, () => randomUint32s(random, vectorLength));
    const keyed = inputs.map(() => clientAdvertiseKeys(random));
    const checkIns = keyed.map((client) =>
      hop('check-in-request', {
        protocolVersion: PROTOCOL_VERSION,
        modelId: 'locus-ctr',
        publicKeys: client.publicKeys,
      }),
    );
    const server0 = serverCollectKeys(
      { roundId, vectorLength, random },
      checkIns.map((checkIn) => checkIn.publicKeys),
    );
    const tokens = inputs.map(() => createRoundToken(random));
    const accepted = keyed.map((_, position) =>
      hop('check-in-response', {
        protocolVersion: PROTOCOL_VERSION,
        status: 'accepted',
        roundId,
        token: tokens[position]!,
        clientIndex: position + 1,
        model,
        clippingBound: 0.5,
        maxSummands: clients,
        noiseMultiplier: 1.1,
        cohort: cohortFieldOf(server0.setup),
      }),
    );
    const first = accepted[0]!;
    if (first.status !== 'accepted') throw new Error('expected accepted');
    expect(quantizationOf(first)).toEqual({ clippingBound: 0.5, maxSummands: clients });
    expect(() => quantizationOf({ ...first, maxSummands: clients - 1 })).toThrow(/below the cohort size/);
    const shared = keyed.map((client, position) => {
      const answer = accepted[position]!;
      if (answer.status !== 'accepted') throw new Error('expected accepted');
      return clientShareKeys(client.state, cohortSetupOf(answer), { random, minimumThreshold: 2 });
    });
    const shareRequests = shared.map(({ submission }, position) =>
      hop('share-keys-request', {
        protocolVersion: PROTOCOL_VERSION,
        roundId,
        token: tokens[position]!,
        clientIndex: submission.sender,
        shares: submission.shares,
      }),
    );
    const server1 = serverRouteShares(server0.state, shareRequests.map(shareSubmissionOf));
    const masked = shared.slice(0, 8).map((client, position) => {
      const inbox = hop('routed-shares', {
        protocolVersion: PROTOCOL_VERSION,
        roundId,
        shares: server1.inboxes.get(client.state.index)!,
      });
      const result = clientMaskInput(client.state, inbox.shares, inputs[position]!);
      const request = hop(
        'masked-input-request',
        {
          protocolVersion: PROTOCOL_VERSION,
          roundId,
          token: tokens[position]!,
          clientIndex: result.submission.sender,
          maskedInput: result.submission.maskedInput,
        },
        { vectorLength },
      );
      return { state: result.state, request };
    });
    const server2 = serverSumMaskedInputs(
      server1.state,
      masked.map(({ request }) => maskedInputSubmissionOf(request)),
    );
    const unmaskRequest = hop('unmask-request', {
      protocolVersion: PROTOCOL_VERSION,
      roundId,
      ...server2.unmaskRequest,
    });
    const responses = masked.map(({ state }, position) => {
      const { response } = clientAnswerUnmask(state, unmaskRequest);
      return unmaskResponseOf(
        hop('unmask-response', {
          protocolVersion: PROTOCOL_VERSION,
          roundId,
          token: tokens[position]!,
          clientIndex: response.sender,
          seedShares: response.seedShares,
          keyShares: response.keyShares,
        }),
      );
    });
    const expected = new Uint32Array(vectorLength);
    for (const input of inputs.slice(0, 8)) addInto(expected, input);
    expect(serverUnmask(server2.state, responses).sum).toEqual(expected);
  });
});

describe('model download and privacy ledger', () => {
  it('round-trip the weights bit for bit and the ledger with a null ε', () => {
    const weights = Float32Array.from([0.1, -2.5e-8, 3e38, 0]);
    const download = hop(
      'model-download',
      { protocolVersion: PROTOCOL_VERSION, model, weights },
      { vectorLength: 4 },
    );
    expect(download.weights).toEqual(weights);
    expect(download.model).toEqual(model);
    const entry = {
      round: 1,
      modelVersion: 4,
      cohortSize: 20,
      contributors: 14,
      samplingRate: 20 / 943,
      noiseMultiplier: 0,
      clippingBound: 0.5,
      delta: 1e-6,
      roundEpsilon: null,
      cumulativeEpsilon: null,
      accountant: 'rdp-poisson-subsampled-gaussian' as const,
      conversion: 'improved' as const,
      publishedAt: '2025-01-31T12:00:00.000Z',
    };
    expect(hop('privacy-ledger', { protocolVersion: PROTOCOL_VERSION, entries: [entry] }).entries).toEqual([
      entry,
    ]);
  });

  it('rejects non-finite weights', () => {
    const text = encodeMessage('model-download', {
      protocolVersion: PROTOCOL_VERSION,
      model,
      weights: Float32Array.from([Number.NaN]),
    });
    expect(codeOf('model-download', text)).toBe('malformed');
  });
});

describe('validation errors have stable codes', () => {
  const keys = clientAdvertiseKeys(seeded(2)).publicKeys;
  const checkIn = JSON.parse(
    encodeMessage('check-in-request', {
      protocolVersion: PROTOCOL_VERSION,
      modelId: 'locus-ctr',
      publicKeys: keys,
    }),
  );

  it('accepts the valid message as text and as parsed JSON', () => {
    expect(codeOf('check-in-request', JSON.stringify(checkIn))).toBeUndefined();
    expect(codeOf('check-in-request', checkIn)).toBeUndefined();
  });

  it('wrong-version for another protocol version, malformed without one', () => {
    expect(codeOf('check-in-request', { ...checkIn, protocolVersion: 2 })).toBe('wrong-version');
    const { protocolVersion: _omitted, ...unversioned } = checkIn;
    expect(codeOf('check-in-request', unversioned)).toBe('malformed');
  });

  it('malformed for bad JSON, wrong types, bad base64 and bad ids', () => {
    expect(codeOf('check-in-request', '{"protocolVersion":1,')).toBe('malformed');
    expect(codeOf('check-in-request', '[1]')).toBe('malformed');
    expect(codeOf('check-in-request', { ...checkIn, modelId: 7 })).toBe('malformed');
    expect(codeOf('check-in-request', { ...checkIn, modelId: 'a b' })).toBe('malformed');
    expect(
      codeOf('check-in-request', {
        ...checkIn,
        publicKeys: { ...checkIn.publicKeys, maskingPublicKey: '!!!!' },
      }),
    ).toBe('malformed');
    expect(codeOf('check-in-request', { ...checkIn, token: 'short' })).toBe('malformed');
  });

  it('wrong-length for keys, shares and vectors of the wrong size', () => {
    const shortKey = btoa(String.fromCharCode(...new Uint8Array(31)));
    expect(
      codeOf('check-in-request', {
        ...checkIn,
        publicKeys: { ...checkIn.publicKeys, maskingPublicKey: shortKey },
      }),
    ).toBe('wrong-length');
    const masked: WireMessage<'masked-input-request'> = {
      protocolVersion: PROTOCOL_VERSION,
      roundId: 'r1',
      token: createRoundToken(seeded(3)),
      clientIndex: 1,
      maskedInput: new Uint32Array(10),
    };
    const text = encodeMessage('masked-input-request', masked);
    expect(codeOf('masked-input-request', text, { vectorLength: 10 })).toBeUndefined();
    expect(codeOf('masked-input-request', text, { vectorLength: 11 })).toBe('wrong-length');
    const odd = { ...JSON.parse(text), maskedInput: btoa('abcde') };
    expect(codeOf('masked-input-request', odd)).toBe('wrong-length');
  });

  it('decodes masked inputs with an injected words decoder, with the same codes', () => {
    const masked: WireMessage<'masked-input-request'> = {
      protocolVersion: PROTOCOL_VERSION,
      roundId: 'r1',
      token: createRoundToken(seeded(4)),
      clientIndex: 2,
      maskedInput: randomUint32s(seeded(5), 10),
    };
    const text = encodeMessage('masked-input-request', masked);
    const decoded: string[] = [];
    const decodeWords = (base64: string) => {
      decoded.push(base64);
      return decodeBase64Words(base64);
    };
    expect(parseMessage('masked-input-request', text, { vectorLength: 10, decodeWords })).toEqual(masked);
    expect(decoded).toEqual([JSON.parse(text).maskedInput]);
    const codeWith = (input: unknown) => {
      try {
        parseMessage('masked-input-request', input, { decodeWords });
      } catch (error) {
        if (error instanceof WireError) return error.code;
        throw error;
      }
      return undefined;
    };
    expect(codeWith({ ...JSON.parse(text), maskedInput: btoa('abcde') })).toBe('wrong-length');
    expect(codeWith({ ...JSON.parse(text), maskedInput: 'AAA=AAAA' })).toBe('malformed');
    expect(codeWith({ ...JSON.parse(text), token: 'short' })).toBe('malformed');
    // Other kinds ignore the option.
    expect(codeOf('check-in-request', checkIn)).toBeUndefined();
  });

  it('too-large for oversized bodies and arrays', () => {
    const padded = JSON.stringify({ ...checkIn, padding: 'x'.repeat(WIRE_MAX_CHARS['check-in-request']) });
    expect(codeOf('check-in-request', padded)).toBe('too-large');
    const masked = encodeMessage('masked-input-request', {
      protocolVersion: PROTOCOL_VERSION,
      roundId: 'r1',
      token: createRoundToken(seeded(3)),
      clientIndex: 1,
      maskedInput: new Uint32Array(1000),
    });
    expect(codeOf('masked-input-request', masked, { vectorLength: 100 })).toBe('too-large');
    const crowd = {
      protocolVersion: PROTOCOL_VERSION,
      roundId: 'r',
      survivors: new Array(1001).fill(1),
      dropouts: [],
    };
    expect(codeOf('unmask-request', crowd)).toBe('too-large');
    expect(() =>
      encodeMessage('unmask-request', {
        protocolVersion: PROTOCOL_VERSION,
        roundId: 'r',
        survivors: new Array(20_000).fill(65_535),
        dropouts: [],
      }),
    ).toThrow(WireError);
  });
});

describe('sizes', () => {
  it('a masked update of a 10k-parameter model is about 53 KB of JSON', () => {
    const text = encodeMessage('masked-input-request', {
      protocolVersion: PROTOCOL_VERSION,
      roundId: 'round-000123',
      token: createRoundToken(seeded(4)),
      clientIndex: 999,
      maskedInput: randomUint32s(seeded(5), 10_000),
    });
    expect(text.length).toBeGreaterThan(53_336); // base64 of 40,000 bytes
    expect(text.length).toBeLessThan(53_500);
    expect(text.length).toBeLessThanOrEqual(maxCharsForVector(10_000));
  });
});

describe('types', () => {
  it('infer the same ModelInfo and HealthResponse the package already exported', () => {
    expectTypeOf<v.InferOutput<typeof ModelInfoSchema>>().toEqualTypeOf<ModelInfo>();
    expectTypeOf<HealthResponseJson>().toEqualTypeOf<{
      status: 'ok';
      protocolVersion: 1;
      model: ModelInfo;
    }>();
    const health: HealthResponse = { status: 'ok', protocolVersion: PROTOCOL_VERSION, model };
    expect(parseMessage('health', JSON.stringify(health))).toEqual(health);
  });
});

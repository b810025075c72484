import { encodeMessage, PROTOCOL_VERSION, WIRE_MAX_CHARS } from '@locus/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUND_ERROR_STATUS } from '../http/round-errors.js';
import type { RoundErrorCode } from '../rounds/errors.js';
import { type FlTestClient, syntheticUpdate } from '../testing/fl-client.js';
import {
  expectNoContent,
  formCohort,
  type TestAggregator,
  testAggregator,
  testSettings,
} from '../testing/harness.js';

let aggregator: TestAggregator | undefined;
afterEach(async () => {
  await aggregator?.dispose();
  aggregator = undefined;
});

/** Asserts the status, the JSON error body and (when given) the Retry-After header. */
async function expectError(
  res: Response,
  code: string,
  retryAfter?: string,
): Promise<Record<string, unknown>> {
  const body = (await res.json()) as { error: Record<string, unknown> };
  expect({ status: res.status, code: body.error.code }).toEqual({
    status: (ROUND_ERROR_STATUS as Record<string, number>)[code] ?? expect.any(Number),
    code,
  });
  expect(typeof body.error.message).toBe('string');
  if (retryAfter !== undefined) expect(res.headers.get('retry-after')).toBe(retryAfter);
  return body.error;
}

const checkInBody = (client: FlTestClient, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    ...JSON.parse(
      encodeMessage('check-in-request', {
        protocolVersion: PROTOCOL_VERSION,
        modelId: 'locus-ctr',
        publicKeys: client.keys.publicKeys,
      }),
    ),
    ...extra,
  });

describe('federation routes: every refusal has its status and code', () => {
  const seen = new Set<string>();

  it('check-in: malformed, wrong version, too large, wrong model, invalid and duplicate keys', async () => {
    aggregator = await testAggregator();
    const [a, b] = aggregator.clients(2);
    const post = (body: string) => aggregator!.app.request('/fl/v1/check-in', { method: 'POST', body });
    await expectError(await post('{not json'), 'malformed');
    await expectError(await post(checkInBody(a!, { protocolVersion: 2 })), 'wrong_version');
    await expectError(
      await post(checkInBody(a!, { publicKeys: { encryptionPublicKey: 'AAAA', maskingPublicKey: 'AAAA' } })),
      'wrong_length',
    );
    await expectError(
      await post(checkInBody(a!, { padding: 'x'.repeat(WIRE_MAX_CHARS['check-in-request']) })),
      'payload_too_large',
    );
    await expectError(await post(checkInBody(a!, { modelId: 'another-model' })), 'wrong_model');
    const zeros = Buffer.alloc(32).toString('base64');
    await expectError(
      await post(
        checkInBody(a!, {
          publicKeys: {
            encryptionPublicKey: zeros,
            maskingPublicKey: Buffer.alloc(32, 1).toString('base64'),
          },
        }),
      ),
      'invalid_key',
    );
    expect((await post(checkInBody(a!))).status).toBe(200);
    await expectError(await post(checkInBody(a!)), 'duplicate_keys');
    // b reuses one of a's keys: masks would cancel, so the cohort refuses it.
    const stolen = {
      ...JSON.parse(checkInBody(b!)).publicKeys,
      maskingPublicKey: JSON.parse(checkInBody(a!)).publicKeys.maskingPublicKey,
    };
    await expectError(await post(checkInBody(b!, { publicKeys: stolen })), 'duplicate_keys');
    for (const code of [
      'malformed',
      'wrong_version',
      'wrong_length',
      'payload_too_large',
      'wrong_model',
      'invalid_key',
      'duplicate_keys',
    ])
      seen.add(code);
  });

  it('round routes: tokens, stages, duplicates, replays and messages that do not fit the stage', async () => {
    aggregator = await testAggregator();
    const clients = aggregator.clients(21);
    const [first, second, silent] = [clients[0]!, clients[1]!, clients[20]!];
    await formCohort(aggregator, clients);
    const app = aggregator.app;
    const shares = `/fl/v1/rounds/${first.roundId}/shares`;

    await expectError(await app.request(shares), 'invalid_token');
    await expectError(
      await app.request(shares, { headers: { authorization: `Bearer ${'x'.repeat(43)}` } }),
      'invalid_token',
    );
    await expectError(
      await app.request('/fl/v1/rounds/round-99-ffffffff/shares', {
        headers: { authorization: `Bearer ${first.token}` },
      }),
      'round_not_found',
    );
    await expectError(await first.getRaw('shares'), 'too_early', '1');
    await expectError(await first.getRaw('unmask'), 'too_early');

    // Another client's index under my token, and my body under another's token.
    const result = await first.shareKeys();
    await expectNoContent(result);
    await expectError(
      await first.post('share-keys', 'share-keys-request', {
        ...second.envelope(),
        token: first.token!,
        shares: [],
      }),
      'token_mismatch',
    );
    await expectError(
      await first.post('share-keys', 'share-keys-request', { ...first.envelope(), shares: [] }),
      'duplicate_message',
    );
    // Shares addressed to a non-neighbour set (only one recipient): valid JSON, wrong for the stage.
    await expectNoContent(await second.shareKeys());
    await expectError(
      await clients[2]!.post('share-keys', 'share-keys-request', { ...clients[2]!.envelope(), shares: [] }),
      'unexpected_message',
    );
    for (const client of clients.slice(2, 20)) await expectNoContent(await client.shareKeys());
    await aggregator.advance(30_000); // silent never shared keys
    await expectError(await silent.getRaw('shares'), 'dropped');
    await expectError(await silent.shareKeys(), 'stage_closed');

    const sharers = clients.slice(0, 20);
    for (const client of sharers) await client.fetchShares();
    // A masked input of the wrong length: the round's vectors have 64 words.
    const short = first.post('masked-input', 'masked-input-request', {
      ...first.envelope(),
      maskedInput: new Uint32Array(63),
    });
    await expectError(await short, 'wrong_length');
    const fromSilent = silent.post('masked-input', 'masked-input-request', {
      ...silent.envelope(),
      maskedInput: new Uint32Array(64),
    });
    await expectError(await fromSilent, 'dropped');
    for (const [k, client] of sharers.entries())
      await expectNoContent(await client.maskInput(syntheticUpdate(64, k)));
    const request = await first.fetchUnmaskRequest();
    for (const client of sharers) await expectNoContent(await client.answerUnmask(request));
    expect(aggregator.coordinator.current.status).toBe('completed');
    // Replays after the round: the round is over, whatever the message.
    await expectError(await first.answerUnmask(request), 'round_closed');
    await aggregator.coordinator.advance();
    await expectError(await first.getRaw('unmask'), 'round_closed');
    for (const code of [
      'invalid_token',
      'round_not_found',
      'too_early',
      'token_mismatch',
      'duplicate_message',
      'unexpected_message',
      'dropped',
      'stage_closed',
      'round_closed',
    ])
      seen.add(code);
  });

  it('covers every RoundErrorCode', () => {
    const all = Object.keys(ROUND_ERROR_STATUS) as RoundErrorCode[];
    expect(all.filter((code) => !seen.has(code))).toEqual([]);
  });
});

describe('rate limits', () => {
  it('limits by client address and by round token, with Retry-After', async () => {
    aggregator = await testAggregator(
      testSettings((s) => {
        s.http.addressLimit = { ratePerSecond: 1, burst: 3 };
      }),
    );
    const [client] = aggregator.clients(1);
    for (let i = 0; i < 3; i++) expect((await client!.checkIn()).status).toBe('pending');
    await expectError(
      await aggregator.app.request('/fl/v1/check-in', { method: 'POST', body: '{}' }),
      'rate_limited',
      '1',
    );

    await aggregator.dispose();
    aggregator = await testAggregator(
      testSettings((s) => {
        s.http.tokenLimit = { ratePerSecond: 0.5, burst: 2 };
      }),
    );
    const clients = aggregator.clients(20);
    await formCohort(aggregator, clients);
    await expectError(await clients[0]!.getRaw('shares'), 'too_early');
    await expectError(await clients[0]!.getRaw('shares'), 'too_early');
    await expectError(await clients[0]!.getRaw('shares'), 'rate_limited', '2');
    await expectError(await clients[1]!.getRaw('shares'), 'too_early'); // another token, its own bucket
  });
});

describe('public routes', () => {
  it('serve the model, the ledger and recent rounds to any origin; /metrics in Prometheus text', async () => {
    aggregator = await testAggregator();
    const app = aggregator.app;
    const model = await app.request('/fl/v1/model', { headers: { origin: 'https://news.example' } });
    expect(model.status).toBe(200);
    expect(model.headers.get('access-control-allow-origin')).toBe('*');
    const etag = model.headers.get('etag')!;
    expect(await model.json()).toMatchObject({ protocolVersion: 1, model: { version: 0, layoutVersion: 1 } });
    expect((await app.request('/fl/v1/model', { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect(await (await app.request('/fl/v1/ledger')).json()).toEqual({ protocolVersion: 1, entries: [] });
    const rounds = (await (await app.request('/fl/v1/rounds')).json()) as { rounds: { status: string }[] };
    expect(rounds.rounds).toMatchObject([{ status: 'check-in', sequence: 1 }]);
    expect((await app.request('/fl/v1/rounds?limit=0')).status).toBe(400);
    // Round routes are same-origin only unless --cors-origins says otherwise.
    const preflight = await app.request('/fl/v1/check-in', {
      method: 'OPTIONS',
      headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toContain('locus_http_requests_total{method="GET",route="/fl/v1/model",status="200"} 1');
    expect(metrics).toContain('locus_model_version 0');
    expect(metrics).toContain('locus_rejects_total{code="bad_request"} 1'); // the limit=0 above
  });
});

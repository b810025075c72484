import {
  addInto,
  type CheckInResponse,
  dequantizeSum,
  FedAdam,
  parseMessage,
  privacySpent,
  quantizationOf,
  type UnmaskRequest,
} from '@locus/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Aggregator, createAggregator } from './aggregator.js';
import { type RunningServer, startServer } from './server.js';
import { SqliteStore } from './store/index.js';
import { expectedFedAvgWeights, FlTestClient, httpTransport, syntheticUpdate } from './testing/fl-client.js';
import {
  expectNoContent,
  formCohort,
  type TestAggregator,
  testAggregator,
  testSettings,
} from './testing/harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Repeats `request` while the server answers 425 too_early, waiting as it says. */
async function whenReady(request: () => Promise<Response>): Promise<Response> {
  for (;;) {
    const res = await request();
    if (res.status !== 425) return res;
    const { error } = (await res.json()) as { error: { retryAfterMs: number } };
    await sleep(error.retryAfterMs);
  }
}

async function acceptedAfterPolling(client: FlTestClient): Promise<void> {
  let answer: CheckInResponse = await client.checkIn();
  while (answer.status === 'pending') {
    await sleep(answer.retryAfterMs);
    answer = await client.checkIn();
  }
  if (answer.status !== 'accepted') throw new Error(`not accepted: ${answer.reason}`);
}

describe('end to end over HTTP: 30 clients, 30% drop out after masking', () => {
  let server: RunningServer | undefined;
  let aggregator: Aggregator | undefined;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await server?.close();
    await aggregator?.close();
    await store?.close();
  });

  it('publishes old weights + FedAvg of the exact mean of the 21 survivors’ clipped updates', async () => {
    const settings = testSettings((s) => {
      s.model.length = 500;
      s.cohort.maxCohort = 30;
      s.deadlines.maskedInputMs = 3000;
      s.deadlines.unmaskMs = 10_000;
    });
    store = SqliteStore.open(':memory:');
    aggregator = await createAggregator({ store, settings, logger: pino({ level: 'silent' }) });
    server = await startServer(aggregator.app, { port: 0, host: '127.0.0.1' });
    const transport = httpTransport(server.url);
    const clients = Array.from({ length: 30 }, (_, k) => new FlTestClient(transport, 500 + k));
    const dropouts = new Set(clients.filter((_, k) => k % 10 < 3)); // 9 of 30
    const survivors = clients.filter((client) => !dropouts.has(client));
    const oldWeights = await store.modelWeights(0);

    const unmaskRequests: UnmaskRequest[] = [];
    await Promise.all(
      clients.map(async (client, k) => {
        await acceptedAfterPolling(client);
        await expectNoContent(await client.shareKeys());
        const inbox = parseMessage(
          'routed-shares',
          await (await whenReady(() => client.getRaw('shares'))).text(),
        );
        client.inbox = inbox.shares;
        if (dropouts.has(client)) return; // masked its update, then went away before uploading
        await expectNoContent(await client.maskInput(syntheticUpdate(500, k)));
        const res = await whenReady(() => client.getRaw('unmask'));
        const request = parseMessage('unmask-request', await res.text());
        unmaskRequests.push(request);
        await expectNoContent(await client.answerUnmask(request));
      }),
    );
    expect(unmaskRequests[0]!.dropouts).toEqual(
      [...dropouts].map((client) => client.index).sort((a, b) => a - b),
    );
    const model = parseMessage('model-download', await (await fetch(`${server.url}/fl/v1/model`)).text());
    expect(model.model.version).toBe(1);
    expect(model.weights).toEqual(expectedFedAvgWeights(oldWeights!, survivors));

    const rounds = (await (await fetch(`${server.url}/fl/v1/rounds`)).json()) as { rounds: unknown[] };
    expect(rounds.rounds.at(-1)).toMatchObject({
      status: 'completed',
      cohortSize: 30,
      contributors: 21,
      publishedVersion: 1,
      dropouts: { shareKeys: 0, maskedInput: 9, unmask: 0 },
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('locus_rounds_total{outcome="completed"} 1');
    expect(metrics).toContain('locus_dropouts_total{stage="masked-input"} 9');
  });
});

/** Offers clients until `count` are admitted (with q < 1 some are not sampled), then runs a full round. */
async function fullRound(
  aggregator: TestAggregator,
  count: number,
  length: number,
  seed: number,
): Promise<FlTestClient[]> {
  const admitted: FlTestClient[] = [];
  for (const client of aggregator.clients(3 * count, seed)) {
    if ((await client.checkIn()).status === 'pending') admitted.push(client);
    if (admitted.length === count) break;
  }
  await formCohort(aggregator, admitted);
  for (const client of admitted) await expectNoContent(await client.shareKeys());
  for (const client of admitted) await client.fetchShares();
  for (const [k, client] of admitted.entries())
    await expectNoContent(await client.maskInput(syntheticUpdate(length, seed + k)));
  const request = await admitted[0]!.fetchUnmaskRequest();
  for (const client of admitted) await expectNoContent(await client.answerUnmask(request));
  await aggregator.coordinator.advance();
  return admitted;
}

function exactSumOf(clients: FlTestClient[]): Float64Array {
  const sum = new Uint32Array(clients[0]!.quantized!.length);
  for (const client of clients) addInto(sum, client.quantized!);
  return dequantizeSum(sum, quantizationOf(clients[0]!.accepted!));
}

describe('strategies and central noise (fake clock, in process)', () => {
  let aggregator: TestAggregator | undefined;
  afterEach(async () => aggregator?.dispose());

  it('FedAdam: each published model is FedAdam of the exact mean, its state carried across rounds in the store', async () => {
    const strategy = {
      name: 'fedadam' as const,
      serverLearningRate: 0.05,
      beta1: 0.9,
      beta2: 0.99,
      tau: 1e-3,
    };
    aggregator = await testAggregator(
      testSettings((s) => {
        s.strategy = strategy;
      }),
    );
    const adam = new FedAdam({ cohortSize: 20, clippingBound: 1, noiseMultiplier: 0, ...strategy });
    let weights = (await aggregator.store.modelWeights(0))!;
    let state = adam.initialState(64);
    for (let round = 1; round <= 2; round++) {
      const clients = await fullRound(aggregator, 20, 64, 100 * round);
      const expected = adam.aggregate(
        { globalWeights: weights, noisyUpdateSum: exactSumOf(clients), contributors: 20 },
        state,
      );
      weights = (await aggregator.store.modelWeights(round))!;
      expect(weights).toEqual(expected.weights);
      state = expected.state;
    }
  });

  it('FedAvg with noise: N(0, (σC)²) on the sum, and the ledger per round and cumulatively', async () => {
    const settings = testSettings((s) => {
      s.model.length = 2000;
      s.privacy.noiseMultiplier = 2;
      s.privacy.clippingBound = 0.5;
      s.cohort.samplingRate = 0.9;
    });
    aggregator = await testAggregator(settings, 7);
    let weights = (await aggregator.store.modelWeights(0))!;
    for (let round = 1; round <= 2; round++) {
      const clients = await fullRound(aggregator, 20, 2000, 100 * round);
      const published = (await aggregator.store.modelWeights(round))!;
      const exact = exactSumOf(clients);
      // published = old + (exact sum + noise) / 20: the noise on the mean has σC/20 = 0.05.
      const noise = published.map((w, i) => (w - weights[i]! - exact[i]! / 20) * 20);
      const std = Math.sqrt(noise.reduce((total, x) => total + x * x, 0) / noise.length);
      expect(std).toBeGreaterThan(1 * 0.93); // σC = 1 on the sum; 2000 samples: ±1.6% standard error
      expect(std).toBeLessThan(1 * 1.07);
      weights = published;
    }
    const ledger = parseMessage(
      'privacy-ledger',
      await (await aggregator.app.request('/fl/v1/ledger')).text(),
    );
    const one = privacySpent({ samplingRate: 0.9, noiseMultiplier: 2, rounds: 1, delta: 1e-6 }).epsilon;
    const two = privacySpent({ samplingRate: 0.9, noiseMultiplier: 2, rounds: 2, delta: 1e-6 }).epsilon;
    expect(ledger.entries).toMatchObject([
      {
        round: 1,
        modelVersion: 1,
        cohortSize: 20,
        contributors: 20,
        samplingRate: 0.9,
        noiseMultiplier: 2,
        clippingBound: 0.5,
        delta: 1e-6,
      },
      { round: 2, modelVersion: 2, accountant: 'rdp-poisson-subsampled-gaussian', conversion: 'improved' },
    ]);
    expect(ledger.entries[0]!.roundEpsilon).toBeCloseTo(one, 10);
    expect(ledger.entries[0]!.cumulativeEpsilon).toBeCloseTo(one, 10);
    expect(ledger.entries[1]!.roundEpsilon).toBeCloseTo(one, 10);
    expect(ledger.entries[1]!.cumulativeEpsilon).toBeCloseTo(two, 10);
    expect(two).toBeGreaterThan(one);
  });

  it('σ = 0 is published as a null ε: no differential privacy', async () => {
    aggregator = await testAggregator();
    await fullRound(aggregator, 20, 64, 1);
    const ledger = parseMessage(
      'privacy-ledger',
      await (await aggregator.app.request('/fl/v1/ledger')).text(),
    );
    expect(ledger.entries).toMatchObject([
      { noiseMultiplier: 0, roundEpsilon: null, cumulativeEpsilon: null },
    ]);
  });
});

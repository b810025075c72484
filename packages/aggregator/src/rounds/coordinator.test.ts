import { afterEach, describe, expect, it } from 'vitest';
import { expectedFedAvgWeights, syntheticUpdate } from '../testing/fl-client.js';
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

const stageLines = (logs: Record<string, unknown>[]) =>
  logs.filter((line) => line.msg === 'stage closed').map((line) => `${line.from}→${line.to}`);

describe('RoundCoordinator (fake clock)', () => {
  it('runs a round stage by stage, closing each early once everyone answered, and publishes v1', async () => {
    aggregator = await testAggregator();
    const { coordinator } = aggregator;
    const clients = aggregator.clients(21);
    expect(coordinator.current.status).toBe('check-in');
    expect(coordinator.nextDeadline()).toBeNull(); // the window starts with the first admission

    const first = await clients[0]!.checkIn();
    expect(first).toMatchObject({ status: 'pending', retryAfterMs: 1000 });
    expect(coordinator.nextDeadline()).toBe(aggregator.clock.now() + 30_000);
    await formCohort(aggregator, clients);
    expect(coordinator.current.status).toBe('share-keys');
    const accepted = clients[0]!.accepted!;
    expect(accepted).toMatchObject({ clientIndex: 1, maxSummands: 21, clippingBound: 1, noiseMultiplier: 0 });
    expect(accepted.cohort.members).toHaveLength(21);
    expect(accepted.cohort.threshold).toBe(14);
    expect(accepted.model).toMatchObject({ version: 0, layoutVersion: 1 });
    expect(Date.parse(accepted.deadlines!.unmask)).toBe(aggregator.clock.now() + 180_000);

    for (const client of clients) await expectNoContent(await client.shareKeys());
    expect(coordinator.current.status).toBe('masked-input'); // closed early: all 21 shared
    // ... so masked input gets its full two minutes from now, earlier than announced.
    expect(coordinator.nextDeadline()).toBe(aggregator.clock.now() + 120_000);
    for (const client of clients) expect(await client.fetchShares()).toHaveLength(20);
    for (const [k, client] of clients.entries())
      await expectNoContent(await client.maskInput(syntheticUpdate(64, k)));
    expect(coordinator.current.status).toBe('unmask');
    for (const client of clients)
      await expectNoContent(await client.answerUnmask(await client.fetchUnmaskRequest()));

    expect(coordinator.current).toMatchObject({ status: 'completed', publishedVersion: 1 });
    expect(await aggregator.store.modelWeights(1)).toEqual(
      expectedFedAvgWeights(new Float32Array(64), clients),
    );
    expect(stageLines(aggregator.logs)).toEqual([
      'check-in→share-keys',
      'share-keys→masked-input',
      'masked-input→unmask',
      'unmask→completed',
    ]);
    await coordinator.advance();
    expect(coordinator.current).toMatchObject({ status: 'check-in', sequence: 2, modelVersion: 1 });
  });

  it('waits for the deadlines when clients stay silent, and the stragglers are told they dropped', async () => {
    aggregator = await testAggregator();
    const clients = aggregator.clients(24);
    await formCohort(aggregator, clients);
    const late = clients[23]!; // never shares keys
    for (const client of clients.slice(0, 23)) await expectNoContent(await client.shareKeys());
    expect(aggregator.coordinator.current.status).toBe('share-keys');
    const early = await clients[0]!.getRaw('shares');
    expect(early.status).toBe(425);
    expect(early.headers.get('retry-after')).toBe('1');

    await aggregator.advance(30_000);
    expect(aggregator.coordinator.current.status).toBe('masked-input');
    const lateShares = await late.getRaw('shares');
    expect(lateShares.status).toBe(410);
    expect(await lateShares.json()).toMatchObject({ error: { code: 'dropped' } });

    const sharers = clients.slice(0, 23);
    for (const client of sharers) await client.fetchShares();
    // Seven of 23 (30%) mask nothing: they shared keys, so their pairwise masks must be recovered.
    const survivors = sharers.filter((_, k) => k % 3 !== 1 || k > 20);
    expect(sharers.length - survivors.length).toBe(7);
    for (const [k, client] of survivors.entries())
      await expectNoContent(await client.maskInput(syntheticUpdate(64, k)));
    await aggregator.advance(120_000);
    expect(aggregator.coordinator.current).toMatchObject({
      status: 'unmask',
      counts: { cohort: 24, shared: 23, survivors: 16 },
    });
    const request = await survivors[0]!.fetchUnmaskRequest();
    expect(request.dropouts).toHaveLength(7);
    for (const client of survivors) await expectNoContent(await client.answerUnmask(request));
    expect(await aggregator.store.modelWeights(1)).toEqual(
      expectedFedAvgWeights(new Float32Array(64), survivors),
    );
  });

  it('abandons a round with fewer than K check-ins, with the reason, and opens the next one', async () => {
    aggregator = await testAggregator();
    const clients = aggregator.clients(19);
    for (const client of clients) await client.checkIn();
    await aggregator.advance(30_000);
    const [abandoned] = await aggregator.store.recentRounds(2).then((rounds) => rounds.slice(1));
    expect(abandoned).toMatchObject({
      status: 'abandoned',
      outcome: { code: 'too-few-clients', message: '19 clients checked in; at least 20 are needed' },
    });
    expect(aggregator.coordinator.current).toMatchObject({ status: 'check-in', sequence: 2 });
    expect(await clients[0]!.checkIn()).toMatchObject({
      status: 'rejected',
      reason: 'too-few-clients',
      retryAfterMs: 0,
    });
    expect(
      aggregator.logs.some((line) => line.msg === 'round abandoned' && line.reason === 'too-few-clients'),
    ).toBe(true);
  });

  it('fails a round when too few masked inputs arrive, publishing nothing', async () => {
    aggregator = await testAggregator();
    const clients = aggregator.clients(20);
    await formCohort(aggregator, clients);
    for (const client of clients) await client.shareKeys();
    for (const client of clients) await client.fetchShares();
    for (const [k, client] of clients.slice(0, 13).entries()) await client.maskInput(syntheticUpdate(64, k));
    await aggregator.advance(120_000); // 13 inputs; the threshold is 14
    const [failed] = await aggregator.store.recentRounds(2).then((rounds) => rounds.slice(1));
    expect(failed).toMatchObject({
      status: 'failed',
      outcome: { code: 'too-few-clients' },
      publishedVersion: null,
    });
    expect((await aggregator.store.currentModel()).version).toBe(0);
  });

  it('Poisson-samples check-ins with probability q, answers a repeat the same, and caps the cohort', async () => {
    aggregator = await testAggregator(
      testSettings((s) => {
        s.cohort.samplingRate = 0.5;
        s.cohort.maxCohort = 30;
      }),
    );
    const reasons = new Map<string, number>();
    let admitted = 0;
    for (const client of aggregator.clients(150)) {
      const answer = await client.checkIn();
      if (answer.status === 'rejected') {
        reasons.set(answer.reason, (reasons.get(answer.reason) ?? 0) + 1);
        if (answer.reason === 'not-sampled')
          expect(await client.checkIn()).toMatchObject({ reason: 'not-sampled' });
      } else admitted++;
    }
    expect(admitted).toBe(30);
    expect(aggregator.coordinator.current.status).toBe('share-keys'); // a full cohort closes at once
    // About as many not sampled as admitted before the cap (binomial, q = 0.5), then all refused.
    const notSampled = reasons.get('not-sampled')!;
    expect(notSampled).toBeGreaterThan(12);
    expect(notSampled).toBeLessThan(60);
    expect(reasons.get('round-in-progress')).toBe(150 - 30 - notSampled);
  });
});

import { activateBackend } from '@locus/sdk/ctr';
import { beforeAll, describe, expect, it } from 'vitest';
import { MovieLensFederation } from './movielens-clients.js';
import { adaptivityFloor, type FederatedRunOptions } from './options.js';
import { runFederated } from './simulation.js';
import { syntheticTastes } from './synthetic.js';

// A tiny federation end to end, without the MovieLens data: 30 synthetic users, a small model,
// three rounds, two of them through the real aggregator with the SDK's round client.
const SMALL_SHAPE = {
  contextIdFields: 0,
  idBuckets: 256,
  factorDim: 4,
  fieldDim: 4,
  hidden: [8],
};

function tinyFederation() {
  const { data, vectors } = syntheticTastes({ users: 30, items: 160, perUser: 14, textDim: 8, seed: 3 });
  return new MovieLensFederation(
    data,
    vectors,
    { shape: SMALL_SHAPE, historyLength: 10 },
    { steps: 2, batchPositives: 8, optimizer: 'adam', learningRate: 0.01, l2: 1e-5 },
  );
}

function tinyRun(overrides: Partial<FederatedRunOptions>): FederatedRunOptions {
  return {
    label: 'tiny',
    rounds: 3,
    // q = 0.9: cohorts of about 27 of the 30, always above K = 20 with this seed.
    expectedCohort: 27,
    minCohort: 20,
    maxCohort: 30,
    dropoutRate: 0,
    clippingBound: 1,
    targetEpsilon: null,
    delta: 1e-6,
    strategy: { name: 'fedavg', serverLearningRate: 1 },
    local: { steps: 2, batchPositives: 8, optimizer: 'adam', learningRate: 0.01, l2: 1e-5 },
    evaluateEvery: 3,
    aggregatorRounds: [1, 3],
    seed: 5,
    ...overrides,
  };
}

describe('federated simulation', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('advances the model every round; the aggregator rounds equal the protocol sum, with 30% dropouts', async () => {
    const federation = tinyFederation();
    const prior = federation.initialWeights();
    try {
      const result = await runFederated(federation, tinyRun({ dropoutRate: 0.3 }));
      // Training moved the device model, not version 0: the next run starts where this one did.
      expect(federation.initialWeights()).toEqual(prior);
      expect(result.rounds.map((r) => [r.round, r.via, r.outcome, r.modelVersion])).toEqual([
        [1, 'aggregator', 'completed', 1],
        [2, 'protocol', 'completed', 2],
        [3, 'aggregator', 'completed', 3],
      ]);
      for (const round of result.rounds) {
        expect(round.cohort).toBeGreaterThanOrEqual(20);
        expect(round.dropouts).toBe(Math.floor(0.3 * round.cohort));
        expect(round.contributors).toBe(round.cohort - round.dropouts);
      }
      expect(result.aggregatorRounds).toHaveLength(2);
      for (const round of result.aggregatorRounds) {
        expect(round.publishedVersion).toBe(1); // each aggregator starts at version 0
        expect(round.check).toMatchObject({ kind: 'exact', ok: true });
        expect(round.check!.measured).toBeLessThanOrEqual(round.check!.expected);
        // Check-in, share keys, a masked input of 4 bytes per parameter in base64, the unmask answer.
        expect(round.meanBytesPerContributor).toBeGreaterThan(federation.parameterCount * 4);
      }
      expect(result.epsilon).toBeNull();
      expect(result.curve.map((p) => p.round)).toEqual([0, 3]);
    } finally {
      federation.dispose();
    }
  }, 120_000);

  it('adds the noise σ·C that the accountant charges for, and the aggregator reports the same ε', async () => {
    const federation = tinyFederation();
    try {
      const result = await runFederated(federation, tinyRun({ targetEpsilon: 8, aggregatorRounds: [2] }));
      expect(result.noiseMultiplier).toBeGreaterThan(0);
      expect(result.epsilon).toBeLessThanOrEqual(8);
      expect(result.epsilon).toBeGreaterThan(7);
      const [round] = result.aggregatorRounds;
      expect(round!.check).toMatchObject({ kind: 'noise', ok: true });
      expect(round!.aggregatorRoundEpsilon).toBeCloseTo(round!.simulationRoundEpsilon!, 9);
      expect(result.rounds.map((r) => r.modelVersion)).toEqual([1, 2, 3]);
    } finally {
      federation.dispose();
    }
  }, 120_000);
});

describe('FedAdam adaptivity floor', () => {
  it('is the configured τ without noise, and the noise scale σ·C / cohort with it', () => {
    expect(adaptivityFloor(1e-6, { cohortSize: 100, clippingBound: 1, noiseMultiplier: 0 })).toBe(1e-6);
    expect(adaptivityFloor(1e-6, { cohortSize: 100, clippingBound: 2, noiseMultiplier: 1.2 })).toBeCloseTo(
      0.024,
      12,
    );
    expect(adaptivityFloor(0.1, { cohortSize: 100, clippingBound: 1, noiseMultiplier: 1.2 })).toBe(0.1);
  });
});

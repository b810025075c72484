import { describe, expect, it } from 'vitest';
import { createStrategy } from './create-strategy.js';
import { FedAdam } from './fed-adam.js';
import { FedAvg } from './fed-avg.js';

const input = (weights: number[], sum: number[], contributors: number) => ({
  globalWeights: Float32Array.from(weights),
  noisyUpdateSum: Float64Array.from(sum),
  contributors,
});

describe('FedAvg', () => {
  it('adds the mean update, scaled by the server learning rate', () => {
    const fedAvg = new FedAvg({ cohortSize: 20, clippingBound: 1, noiseMultiplier: 0 });
    const { weights } = fedAvg.aggregate(input([1, 2], [4, -8], 4), fedAvg.initialState());
    expect([...weights]).toEqual([2, 0]);
    const damped = new FedAvg({
      cohortSize: 20,
      clippingBound: 1,
      noiseMultiplier: 0,
      serverLearningRate: 0.5,
    });
    expect([...damped.aggregate(input([1, 2], [4, -8], 4), {}).weights]).toEqual([1.5, 1]);
  });

  it('configures rounds from its options, capped by the clients available', () => {
    const fedAvg = new FedAvg({ cohortSize: 20, clippingBound: 0.5, noiseMultiplier: 1.1 });
    expect(fedAvg.configureRound({ round: 1, availableClients: 100 })).toEqual({
      cohortSize: 20,
      clippingBound: 0.5,
      noiseMultiplier: 1.1,
    });
    expect(fedAvg.configureRound({ round: 2, availableClients: 7 }).cohortSize).toBe(7);
  });

  it('rejects mismatched inputs and bad options', () => {
    const fedAvg = new FedAvg({ cohortSize: 20, clippingBound: 1, noiseMultiplier: 0 });
    expect(() => fedAvg.aggregate(input([1, 2], [1], 1), {})).toThrow(/length/);
    expect(() => fedAvg.aggregate(input([1], [1], 0), {})).toThrow(/contributors/);
    expect(() => new FedAvg({ cohortSize: 1, clippingBound: 1, noiseMultiplier: 0 })).toThrow(/cohortSize/);
    expect(() => new FedAvg({ cohortSize: 5, clippingBound: -1, noiseMultiplier: 0 })).toThrow(
      /clippingBound/,
    );
  });
});

describe('FedAdam', () => {
  const options = {
    cohortSize: 20,
    clippingBound: 1,
    noiseMultiplier: 0,
    serverLearningRate: 0.1,
    tau: 1e-3,
  };

  it('follows Reddi et al. Algorithm 2 step by step', () => {
    const fedAdam = new FedAdam(options);
    let state = fedAdam.initialState(2);
    expect(state.secondMoment).toEqual([1e-6, 1e-6]);
    let weights: Float32Array = Float32Array.from([0, 0]);
    // Reference computed by hand from the update rule, independently of the implementation's loop.
    const deltas = [
      [0.2, -0.4],
      [0.1, 0.0],
    ];
    let m = [0, 0];
    let v = [1e-6, 1e-6];
    let w = [0, 0];
    for (const delta of deltas) {
      m = m.map((value, i) => 0.9 * value + 0.1 * delta[i]!);
      v = v.map((value, i) => 0.99 * value + 0.01 * delta[i]! ** 2);
      w = w.map((value, i) => value + (0.1 * m[i]!) / (Math.sqrt(v[i]!) + 1e-3));
      const result = fedAdam.aggregate(
        {
          globalWeights: weights,
          noisyUpdateSum: Float64Array.from(delta.map((d) => d * 5)),
          contributors: 5,
        },
        state,
      );
      weights = result.weights;
      state = result.state;
    }
    expect(state.step).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect(state.firstMoment[i]).toBeCloseTo(m[i]!, 15);
      expect(state.secondMoment[i]).toBeCloseTo(v[i]!, 15);
      expect(weights[i]).toBeCloseTo(w[i]!, 6);
    }
  });

  it('takes first steps of about η for updates well above τ, and damps those below it', () => {
    const fedAdam = new FedAdam(options);
    const firstStep = (delta: number) =>
      fedAdam.aggregate(input([0], [delta], 1), fedAdam.initialState(1)).weights[0]!;
    // First step: m = 0.1Δ and √v ≈ 0.1|Δ| when |Δ| ≫ τ, so w moves by ≈ η whatever the scale.
    expect(firstStep(1)).toBeCloseTo(0.1, 2);
    expect(firstStep(1e3)).toBeCloseTo(0.1, 4);
    expect(firstStep(-1e3)).toBeCloseTo(-0.1, 4);
    // At |Δ| = τ: m = 1e-4, √v = 1e-3, step = η · 1e-4 / 2e-3 = η / 20.
    expect(firstStep(1e-3)).toBeCloseTo(0.005, 6);
  });

  it('keeps its state JSON-safe and rejects a state of another size', () => {
    const fedAdam = new FedAdam(options);
    const { state } = fedAdam.aggregate(input([1, 1, 1], [1, 2, 3], 3), fedAdam.initialState(3));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(() => fedAdam.aggregate(input([1, 1], [1, 2], 2), state)).toThrow(/model size/);
    expect(() => new FedAdam({ ...options, beta1: 1 })).toThrow(/beta1/);
  });
});

describe('createStrategy', () => {
  const fixed = { cohortSize: 20, clippingBound: 0.5, noiseMultiplier: 1.1 };

  it('builds the named optimizer with the configured hyper-parameters and the fixed round options', () => {
    const fedAvg = createStrategy({ name: 'fedavg', serverLearningRate: 0.5 }, fixed);
    expect(fedAvg).toBeInstanceOf(FedAvg);
    expect([...fedAvg.aggregate(input([1, 2], [4, -8], 4), fedAvg.initialState(2)).weights]).toEqual([
      1.5, 1,
    ]);
    expect(fedAvg.configureRound({ round: 1, availableClients: 100 })).toEqual(fixed);
    const fedAdam = createStrategy(
      { name: 'fedadam', serverLearningRate: 0.03, beta1: 0.8, beta2: 0.95, tau: 1e-4 },
      fixed,
    );
    expect(fedAdam).toBeInstanceOf(FedAdam);
    expect(fedAdam).toMatchObject({ serverLearningRate: 0.03, beta1: 0.8, beta2: 0.95, tau: 1e-4 });
    expect(fedAdam.configureRound({ round: 3, availableClients: 10 })).toEqual({ ...fixed, cohortSize: 10 });
  });
});

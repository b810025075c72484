import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.js';
import { addInto, quantizationScale, signedView } from '../quantize/quantize.js';
import { createChaCha20RandomSource, randomUint32s } from '../random/random-source.js';
import { FedAvg } from '../strategy/fed-avg.js';
import { finishRound } from './finish-round.js';
import { simulateRound } from './simulate-round.js';

const seeded = (byte: number) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));

/** Float updates of very different norms, some far beyond the clipping bound. */
function syntheticUpdates(clients: number, length: number, seed: number): Float64Array[] {
  const random = seeded(seed);
  return Array.from({ length: clients }, (_, client) => {
    const words = randomUint32s(random, length);
    const scale = client % 3 === 0 ? 5 : 0.01;
    return Float64Array.from(words, (word) => (word / 2 ** 32 - 0.5) * scale);
  });
}

describe('reference round, end to end', () => {
  it('40 clients, 30% drop out after masking: exact integer sum, mean within one quantization step', () => {
    const clients = 40;
    const length = 500;
    const updates = syntheticUpdates(clients, length, 3);
    const dropouts = Array.from({ length: 12 }, (_, k) => 3 * k + 1); // 12 of 40 = 30%
    const round = simulateRound({
      updates,
      clippingBound: 1,
      dropoutsAfterSharing: dropouts,
      random: seeded(4),
      roundId: 'e2e-1',
    });
    const survivors = Array.from({ length: clients }, (_, k) => k).filter((k) => !dropouts.includes(k));
    expect(round.survivors).toEqual(survivors);

    // Integers: the unmasked sum is exactly the survivors' quantized updates added up.
    const expectedSum = new Uint32Array(length);
    for (const k of survivors) addInto(expectedSum, round.quantizedUpdates[k]!);
    expect(round.sum).toEqual(expectedSum);
    // ... and as signed integers it is the true (non-wrapped) sum.
    const signed = signedView(round.sum);
    for (let i = 0; i < length; i += 97) {
      const exact = survivors.reduce((total, k) => total + signedView(round.quantizedUpdates[k]!)[i]!, 0);
      expect(signed[i]).toBe(exact);
    }

    // Floats: the mean of the clipped updates, within one quantization step per coordinate.
    const step = 1 / quantizationScale(round.quantization);
    for (let i = 0; i < length; i++) {
      const floatMean =
        survivors.reduce((total, k) => total + round.clippedUpdates[k]![i]!, 0) / survivors.length;
      expect(Math.abs(round.mean[i]! - floatMean)).toBeLessThan(step);
    }
    // Clipping happened where it should: the big updates were scaled down to norm 1.
    const norm = Math.hypot(...round.clippedUpdates[0]!);
    expect(norm).toBeCloseTo(1, 12);
  });

  it('refuses with a typed error when more than a third drop out', () => {
    const updates = syntheticUpdates(21, 10, 5);
    let caught: unknown;
    try {
      simulateRound({
        updates,
        clippingBound: 1,
        dropoutsAfterSharing: [0, 1, 2, 3, 4, 5, 6, 7],
        random: seeded(6),
      });
    } catch (error) {
      caught = error;
    }
    expect(isProtocolError(caught, 'too-few-clients')).toBe(true);
  });

  it('finishes the round: noise of σ·C on the sum, then the strategy', () => {
    const updates = syntheticUpdates(12, 2000, 7);
    const round = simulateRound({ updates, clippingBound: 0.1, random: seeded(8), minimumThreshold: 2 });
    const fedAvg = new FedAvg({ cohortSize: 12, clippingBound: 0.1, noiseMultiplier: 2 });
    const globalWeights = new Float32Array(2000).fill(0.5);
    const finished = finishRound({
      strategy: fedAvg,
      strategyState: fedAvg.initialState(),
      globalWeights,
      unmaskedSum: round.sum,
      contributors: round.survivors.length,
      quantization: round.quantization,
      noiseMultiplier: 2,
      random: seeded(9),
    });
    const noise = finished.noisyUpdateSum.map((value, i) => value - round.dequantizedSum[i]!);
    const std = Math.sqrt(noise.reduce((total, x) => total + x * x, 0) / noise.length);
    expect(std).toBeGreaterThan(0.2 * 0.93); // σ·C = 0.2; 2000 samples: ±1.6% standard error
    expect(std).toBeLessThan(0.2 * 1.07);
    for (let i = 0; i < 2000; i += 111) {
      expect(finished.weights[i]).toBeCloseTo(0.5 + finished.noisyUpdateSum[i]! / 12, 6);
    }
  });
});

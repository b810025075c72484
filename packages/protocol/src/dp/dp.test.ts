import { describe, expect, it } from 'vitest';
import { createChaCha20RandomSource } from '../random/random-source.js';
import { clipToL2Norm, l2Norm } from './clip.js';
import { addCentralNoise, gaussianSamples } from './gaussian-noise.js';
import { createPrivacyLedger, ledgerEpsilon, previewRound, recordRound } from './privacy-ledger.js';
import { privacySpent } from './rdp-accountant.js';

const random = (byte: number) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));

describe('clipToL2Norm', () => {
  it('scales long updates onto the sphere of radius C and leaves short ones alone', () => {
    const long = clipToL2Norm([3, 4], 1);
    expect(long.norm).toBe(5);
    expect(long.wasClipped).toBe(true);
    expect([...long.values]).toEqual([0.6000000000000001, 0.8]);
    expect(l2Norm(long.values)).toBeLessThanOrEqual(1 + 1e-15);
    const short = clipToL2Norm(Float32Array.from([0.1, -0.2]), 1);
    expect(short.wasClipped).toBe(false);
    expect(short.values[1]).toBe(Math.fround(-0.2));
  });

  it('rejects non-finite updates and bounds', () => {
    expect(() => clipToL2Norm([Number.NaN], 1)).toThrow(/non-finite/);
    expect(() => clipToL2Norm([1], 0)).toThrow(/clipping bound/);
  });
});

describe('gaussianSamples', () => {
  it('has the requested mean, standard deviation and Gaussian tails', () => {
    const samples = gaussianSamples(100_001, 2.5, random(1));
    const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
    const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (samples.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03); // 5 standard errors of 2.5/√1e5
    expect(Math.abs(Math.sqrt(variance) - 2.5)).toBeLessThan(0.03);
    // P(|Z| > 2σ) = 4.55%; binomial standard error at n = 1e5 is 0.066%.
    const beyondTwo = samples.filter((x) => Math.abs(x) > 5).length / samples.length;
    expect(Math.abs(beyondTwo - 0.0455)).toBeLessThan(0.0035);
  });

  it('is reproducible from the source and zero for zero deviation', () => {
    expect(gaussianSamples(5, 1, random(2))).toEqual(gaussianSamples(5, 1, random(2)));
    expect([...gaussianSamples(3, 0, random(2))]).toEqual([0, 0, 0]);
  });
});

describe('addCentralNoise', () => {
  it('adds noise of standard deviation σ·C and leaves the input alone', () => {
    const sum = new Float64Array(50_000).fill(10);
    const noisy = addCentralNoise(sum, { clippingBound: 0.5, noiseMultiplier: 2 }, random(3));
    expect(sum[0]).toBe(10);
    const deviations = noisy.map((x) => x - 10);
    const std = Math.sqrt(deviations.reduce((total, x) => total + x * x, 0) / deviations.length);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
  });
});

describe('privacy ledger', () => {
  it('matches the closed-form accountant for identical rounds and previews one more', () => {
    let ledger = createPrivacyLedger();
    expect(ledgerEpsilon(ledger, 1e-6).epsilon).toBe(0);
    for (let round = 0; round < 20; round++)
      ledger = recordRound(ledger, { samplingRate: 0.05, noiseMultiplier: 1 });
    const expected = privacySpent({ samplingRate: 0.05, noiseMultiplier: 1, rounds: 20, delta: 1e-6 });
    expect(ledgerEpsilon(ledger, 1e-6).epsilon).toBeCloseTo(expected.epsilon, 10);
    const preview = previewRound(ledger, { samplingRate: 0.05, noiseMultiplier: 1 }, 1e-6);
    expect(preview.cumulativeEpsilon).toBeCloseTo(
      privacySpent({ samplingRate: 0.05, noiseMultiplier: 1, rounds: 21, delta: 1e-6 }).epsilon,
      10,
    );
    expect(preview.roundEpsilon).toBeCloseTo(
      privacySpent({ samplingRate: 0.05, noiseMultiplier: 1, rounds: 1, delta: 1e-6 }).epsilon,
      10,
    );
    expect(ledger.rounds).toBe(20);
    expect(JSON.parse(JSON.stringify(preview.ledger))).toEqual(preview.ledger);
  });

  it('composes rounds with different parameters', () => {
    const mixed = recordRound(
      recordRound(createPrivacyLedger(), { samplingRate: 0.05, noiseMultiplier: 1 }),
      { samplingRate: 0.1, noiseMultiplier: 2 },
    );
    const first = ledgerEpsilon(
      recordRound(createPrivacyLedger(), { samplingRate: 0.05, noiseMultiplier: 1 }),
      1e-6,
    );
    expect(ledgerEpsilon(mixed, 1e-6).epsilon).toBeGreaterThan(first.epsilon);
  });
});

import { seededUniform } from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { applyCalibration, calibrate, checkCalibration, fitIsotonic, fitPlatt } from './calibration.js';

/** Logged examples whose true click rate is σ(2·logit − 1): an overconfident, biased model. */
function miscalibrated(n: number, seed = 1) {
  const random = seededUniform(seed);
  const logits: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = (random() * 2 - 1) * 3;
    logits.push(z);
    labels.push(random() < 1 / (1 + Math.exp(-(0.5 * z - 1))) ? 1 : 0);
  }
  return { logits, labels };
}

/** Mean |predicted − observed| over 10 equal-count bins (expected calibration error). */
function ece(p: number[], labels: number[]): number {
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let error = 0;
  for (let b = 0; b < 10; b++) {
    const bin = order.slice((b * order.length) / 10, ((b + 1) * order.length) / 10);
    const predicted = bin.reduce((s, i) => s + p[i]!, 0) / bin.length;
    const observed = bin.reduce((s, i) => s + labels[i]!, 0) / bin.length;
    error += Math.abs(predicted - observed) / 10;
  }
  return error;
}

describe('calibration', () => {
  const train = miscalibrated(4000, 1);
  const test = miscalibrated(4000, 2);
  const raw = test.logits.map((z) => applyCalibration({ method: 'identity' }, z));

  it('Platt scaling recovers the slope and offset of a miscalibrated model', () => {
    const platt = fitPlatt(train.logits, train.labels);
    if (platt.method !== 'platt') throw new Error('expected Platt');
    expect(platt.a).toBeCloseTo(0.5, 1);
    expect(platt.b).toBeCloseTo(-1, 1);
    const calibrated = test.logits.map((z) => applyCalibration(platt, z));
    expect(ece(calibrated, test.labels)).toBeLessThan(0.03);
    expect(ece(raw, test.labels)).toBeGreaterThan(0.1);
  });

  it('isotonic regression calibrates too, and both keep the order of ads', () => {
    const isotonic = calibrate(train.logits, train.labels, 'isotonic');
    const calibrated = test.logits.map((z) => applyCalibration(isotonic, z));
    expect(ece(calibrated, test.labels)).toBeLessThan(0.04);
    const platt = calibrate(train.logits, train.labels);
    const sorted = [...test.logits].sort((a, b) => a - b);
    for (const c of [isotonic, platt]) {
      const p = sorted.map((z) => applyCalibration(c, z));
      for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
      expect(() => checkCalibration(c)).not.toThrow();
    }
  });

  it('never inverts a model without signal, and maps NaN to NaN', () => {
    const noSignal = fitPlatt([1, 2, 3, 4], [1, 0, 1, 0]);
    if (noSignal.method !== 'platt') throw new Error('expected Platt');
    expect(noSignal.a).toBeGreaterThan(0);
    expect(applyCalibration(noSignal, Number.NaN)).toBeNaN();
    expect(fitIsotonic([], [])).toEqual({ method: 'identity' });
    expect(() => fitPlatt([0, Number.NaN], [0, 1])).toThrow(expect.objectContaining({ code: 'bad-input' }));
    expect(() => fitPlatt([0, 1], [0, 2])).toThrow(expect.objectContaining({ code: 'bad-input' }));
  });
});

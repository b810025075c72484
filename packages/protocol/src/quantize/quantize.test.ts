import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.js';
import { createChaCha20RandomSource } from '../random/random-source.js';
import {
  addInto,
  dequantizeSum,
  maxQuantizedMagnitude,
  quantizationScale,
  quantize,
  signedView,
  subtractInto,
} from './quantize.js';

const random = (byte = 1) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));

describe('quantization bound', () => {
  it('chooses the largest per-client magnitude whose cohort sum fits in int32', () => {
    const params = { clippingBound: 2, maxSummands: 100 };
    const magnitude = maxQuantizedMagnitude(params);
    expect(magnitude).toBe(21_474_836);
    expect(100 * magnitude).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(100 * (magnitude + 1)).toBeGreaterThan(2 ** 31 - 1);
    expect(quantizationScale(params)).toBe(magnitude / 2);
  });

  it('never wraps: a full cohort of extreme updates sums to the exact signed integer', () => {
    for (const sign of [1, -1]) {
      const params = { clippingBound: 1, maxSummands: 37 };
      const sum = new Uint32Array(3);
      // The worst case: all the norm on one coordinate, same sign for every client.
      for (let client = 0; client < 37; client++) {
        addInto(sum, quantize([sign * 1, 0, -sign * 1], params, random(client + 1)));
      }
      const signed = signedView(sum);
      expect(signed[0]).toBe(sign * 37 * maxQuantizedMagnitude(params));
      expect(signed[2]).toBe(-sign * 37 * maxQuantizedMagnitude(params));
      expect(dequantizeSum(sum, params)[0]).toBeCloseTo(sign * 37, 9);
    }
  });
});

describe('quantize', () => {
  it('rounds each coordinate to one of its two neighbouring integers', () => {
    const params = { clippingBound: 1, maxSummands: 10 };
    const scale = quantizationScale(params);
    const update = [0.123456789, -0.5, 0, 1e-9, -0.987654321];
    const quantized = signedView(quantize(update, params, random()));
    update.forEach((value, i) => {
      const scaled = value * scale;
      expect([Math.floor(scaled), Math.ceil(scaled)]).toContain(quantized[i]);
    });
  });

  it('is unbiased: the mean of many roundings approaches the scaled value', () => {
    // Scale 1 makes the fractional part visible: 0.3 rounds to 1 with probability 0.3.
    const params = {
      clippingBound: maxQuantizedMagnitude({ clippingBound: 1, maxSummands: 1 }),
      maxSummands: 1,
    };
    const update = new Float64Array(20_000).fill(0.3);
    const quantized = signedView(quantize(update, params, random(9)));
    const mean = quantized.reduce((sum, value) => sum + value, 0) / quantized.length;
    // Bernoulli(0.3) mean over 20k draws: standard error 0.0032; allow 5 of them.
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.017);
  });

  it('is reproducible from the random source', () => {
    const params = { clippingBound: 1, maxSummands: 50 };
    const update = Array.from({ length: 64 }, (_, i) => Math.sin(i) / 10);
    expect(quantize(update, params, random(5))).toEqual(quantize(update, params, random(5)));
  });

  it('refuses unclipped or non-finite coordinates with invalid-argument', () => {
    const params = { clippingBound: 1, maxSummands: 5 };
    for (const bad of [[1.01], [Number.NaN], [Number.POSITIVE_INFINITY]]) {
      let caught: unknown;
      try {
        quantize(bad, params, random());
      } catch (error) {
        caught = error;
      }
      expect(isProtocolError(caught, 'invalid-argument')).toBe(true);
    }
  });

  it('refuses parameters outside their domain', () => {
    expect(() => quantizationScale({ clippingBound: 0, maxSummands: 5 })).toThrow(/clippingBound/);
    expect(() => quantizationScale({ clippingBound: 1, maxSummands: 0 })).toThrow(/maxSummands/);
    expect(() => quantizationScale({ clippingBound: 1, maxSummands: 2 ** 31 })).toThrow(/maxSummands/);
  });
});

describe('dequantizeSum', () => {
  it('recovers the float sum within one step per client', () => {
    const params = { clippingBound: 0.5, maxSummands: 20 };
    const step = 1 / quantizationScale(params);
    const updates = Array.from({ length: 20 }, (_, client) =>
      Array.from({ length: 50 }, (_, i) => (Math.cos(client * 7 + i) * 0.5) / Math.sqrt(50)),
    );
    const sum = new Uint32Array(50);
    for (const [client, update] of updates.entries()) addInto(sum, quantize(update, params, random(client)));
    const recovered = dequantizeSum(sum, params);
    for (let i = 0; i < 50; i++) {
      const exact = updates.reduce((total, update) => total + update[i]!, 0);
      expect(Math.abs(recovered[i]! - exact)).toBeLessThan(20 * step);
    }
  });
});

describe('addInto / subtractInto', () => {
  it('wrap mod 2^32 and undo each other', () => {
    const target = Uint32Array.from([0xffff_ffff, 0, 5]);
    const other = Uint32Array.from([2, 0xffff_ffff, 7]);
    addInto(target, other);
    expect([...target]).toEqual([1, 0xffff_ffff, 12]);
    subtractInto(target, other);
    expect([...target]).toEqual([0xffff_ffff, 0, 5]);
    expect(() => addInto(target, new Uint32Array(2))).toThrow(/same length/);
  });
});

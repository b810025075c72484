import { describe, expect, it } from 'vitest';
import { cosine } from './probe.js';
import {
  dequantizeMatMulQ4,
  dequantizeMatMulQ8,
  dequantizeQ4,
  dequantizeQ8,
  quantizeMatMulQ4,
  quantizeMatMulQ8,
  quantizeQ4,
  quantizeQ8,
} from './quantize.js';

const dim = 100;
const data = Float32Array.from({ length: dim * 50 }, (_, i) => Math.sin(i * 12.9898) * (1 + (i % 7)));
data.fill(0, 0, dim); // an all-zero row must stay zero

describe('embedding table quantization', () => {
  it('q8 round-trips within half a step per row', () => {
    const q = quantizeQ8(data, dim);
    const back = dequantizeQ8(q, dim);
    for (let i = 0; i < data.length; i++) {
      expect(Math.abs(back[i]! - data[i]!)).toBeLessThanOrEqual(q.scales[Math.floor(i / dim)]! / 2 + 1e-6);
    }
    expect(back.subarray(0, dim).every((x) => x === 0)).toBe(true);
  });

  it('q4 keeps each row pointing the same way', () => {
    const back = dequantizeQ4(quantizeQ4(data, dim), dim);
    expect(back.subarray(0, dim).every((x) => x === 0)).toBe(true);
    for (let r = 1; r < 50; r++) {
      const cos = cosine(data.subarray(r * dim, (r + 1) * dim), back.subarray(r * dim, (r + 1) * dim));
      expect(cos).toBeGreaterThan(0.97);
    }
  });
});

describe('MatMul weight quantization', () => {
  // K = 50 inputs × N = 100 outputs; K is not a multiple of the q4 block, so the last block is partial.
  const [k, n] = [50, 100];
  const column = (m: Float32Array, c: number) => Array.from({ length: k }, (_, r) => m[r * n + c]!);

  it('q8 (MatMulInteger) round-trips within half a step per output column', () => {
    const q = quantizeMatMulQ8(data, k, n);
    expect(q.values).toHaveLength(k * n);
    expect(q.scales).toHaveLength(n);
    const back = dequantizeMatMulQ8(q, k, n);
    for (let i = 0; i < data.length; i++) {
      expect(Math.abs(back[i]! - data[i]!)).toBeLessThanOrEqual(q.scales[i % n]! / 2 + 1e-6);
    }
  });

  it('q4 (MatMulNBits) packs [N, blocks, 16] and keeps every column pointing the same way', () => {
    const q = quantizeMatMulQ4(data, k, n, 32);
    expect(q.blocks).toBe(2);
    expect(q.packed).toHaveLength(n * 2 * 16);
    expect(q.scales).toHaveLength(n * 2);
    const back = dequantizeMatMulQ4(q, k, n);
    for (let c = 0; c < n; c++) {
      if (column(data, c).every((x) => x === 0)) continue;
      expect(cosine(column(data, c), column(back, c))).toBeGreaterThan(0.97);
    }
  });

  it('stores the even element of a pair in the low nibble', () => {
    const w = new Float32Array(32 * 1);
    w[0] = 7; // code 15 at element 0 (low nibble of byte 0)
    w[1] = -7; // code 1 at element 1 (high nibble)
    const q = quantizeMatMulQ4(w, 32, 1, 32);
    expect(q.scales[0]).toBeCloseTo(1, 6);
    expect(q.packed[0]).toBe(15 | (1 << 4));
  });
});

import { describe, expect, it } from 'vitest';
import { bprMf, evaluate, itemKnn, popularity } from './baselines.js';
import { twoTastes } from './two-tastes.js';

describe('MovieLens baselines', () => {
  const data = twoTastes();
  // Negatives: ~80% never-watched movies, ~15% of the other taste, ~5% of the user's own.
  it('popularity beats chance but cannot tell the tastes apart', () => {
    const hr = evaluate(data, popularity(data), 'test').hr;
    expect(hr).toBeGreaterThan(0.3);
    expect(hr).toBeLessThan(0.9);
  });
  it('item-kNN and BPR-MF learn the two tastes', () => {
    expect(evaluate(data, itemKnn(data), 'test').hr).toBeGreaterThan(0.95);
    const bpr = bprMf(data, { dim: 8, epochs: 20, learningRate: 0.05, regularization: 0.01, seed: 3 });
    expect(evaluate(data, bpr, 'test').hr).toBeGreaterThan(0.95);
  });
});

import { describe, expect, it } from 'vitest';
import { auc, logLoss, RankingAccumulator, rankingMetrics } from './metrics.js';

describe('ranking metrics', () => {
  it('scores the held-out item by its rank among the candidates', () => {
    expect(rankingMetrics([0.9, 0.1, 0.2])).toEqual({ hr: 1, ndcg: 1 });
    const third = rankingMetrics([0.5, 0.9, 0.8, 0.1]);
    expect(third.hr).toBe(1);
    expect(third.ndcg).toBeCloseTo(1 / Math.log2(4));
    const scores = [0.1, ...Array.from({ length: 10 }, () => 0.5)];
    expect(rankingMetrics(scores)).toEqual({ hr: 0, ndcg: 0 });
  });

  it('resolves ties as random tie-breaking would on average, and never rewards NaN', () => {
    // Target tied with 19 others: it lands in the top 10 in 10 of 20 equally likely places.
    const tied = rankingMetrics(Array.from({ length: 20 }, () => 1));
    expect(tied.hr).toBeCloseTo(10 / 20);
    expect(rankingMetrics([Number.NaN, 0, 0])).toEqual({ hr: 0, ndcg: 0 });
    expect(rankingMetrics([0.5, ...Array.from({ length: 10 }, () => Number.NaN)]).hr).toBe(0);
    const acc = new RankingAccumulator();
    acc.add([1, 0]);
    acc.add([0, ...Array.from({ length: 10 }, () => 1)]);
    expect(acc.result()).toEqual({ hr: 0.5, ndcg: 0.5, users: 2 });
  });
});

describe('CTR metrics', () => {
  it('computes AUC with ties as one half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBeCloseTo(0.5);
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });

  it('computes clipped log loss', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2));
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-Math.log(1e-7));
  });
});

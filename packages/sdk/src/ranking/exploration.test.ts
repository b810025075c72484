import { describe, expect, it } from 'vitest';
import type { AdCandidate } from '../types.js';
import { epsilonFor, thompsonDraw } from './exploration.js';
import { rankCandidates } from './pipeline.js';
import { beta, seededRandom } from './random.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const catalog: AdCandidate[] = Array.from({ length: 20 }, (_, i) => ({
  id: `ad-${i}`,
  text: '',
  advertiser: `adv-${i}`,
}));
const pctr = catalog.map((_, i) => 0.2 - i * 0.005);

describe('epsilon-greedy exploration', () => {
  it('decays epsilon with impressions down to its minimum', () => {
    const at = (impressions: number) =>
      epsilonFor({ kind: 'epsilon-greedy', initial: 0.2, minimum: 0.02, halfLife: 100, impressions });
    expect(at(0)).toBeCloseTo(0.2);
    expect(at(100)).toBeCloseTo(0.1);
    expect(at(300)).toBeCloseTo(0.05);
    expect(at(1e6)).toBeCloseTo(0.02);
    expect(at(Number.NaN)).toBeCloseTo(0.2);
  });

  it('is deterministic under a seed and explores at about the rate epsilon', () => {
    const rank = (seed: number) =>
      rankCandidates({
        candidates: catalog,
        pctr,
        exploration: { kind: 'epsilon-greedy', initial: 0.3, minimum: 0.3, impressions: 0 },
        seed,
        pageSize: 1,
        now: NOW,
      });
    expect(rank(7).ranked.map((r) => r.id)).toEqual(rank(7).ranked.map((r) => r.id));
    let explored = 0;
    let notTop = 0;
    for (let seed = 0; seed < 1000; seed++) {
      const [first] = rank(seed).ranked;
      if (first!.explored) explored++;
      if (first!.id !== 'ad-0') notTop++;
    }
    expect(explored / 1000).toBeGreaterThan(0.25);
    expect(explored / 1000).toBeLessThan(0.35);
    // An explored slot picks uniformly among 20 ads, so 1/20 of explorations still pick the top ad.
    expect(notTop).toBeLessThanOrEqual(explored);
    expect(rank(1).epsilon).toBeCloseTo(0.3);
  });

  it('explains an explored ad as exploration', () => {
    for (let seed = 0; seed < 50; seed++) {
      const result = rankCandidates({
        candidates: catalog,
        pctr,
        exploration: { kind: 'epsilon-greedy', initial: 1, minimum: 1, impressions: 0 },
        seed,
        pageSize: 1,
        now: NOW,
      });
      expect(result.ranked[0]!.explored).toBe(true);
      expect(result.ranked[0]!.explanation.reasons[0]).toMatch(/learn what else you might like/);
    }
  });
});

describe('Thompson sampling', () => {
  it('draws around pCTR, tighter with more evidence, and is deterministic under a seed', () => {
    const spread = (strength: number) => {
      const random = seededRandom(3);
      const draws = Array.from({ length: 2000 }, () => thompsonDraw(0.1, strength, 0, random));
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
      return { mean, sd };
    };
    const weak = spread(10);
    const strong = spread(1000);
    expect(strong.mean).toBeCloseTo(0.1, 2);
    expect(strong.sd).toBeLessThan(weak.sd / 3);
    const a = seededRandom(9);
    const b = seededRandom(9);
    expect(beta(2, 5, a)).toBe(beta(2, 5, b));
  });

  it('reorders close ads across seeds but keeps a clearly better ad on top', () => {
    const firsts = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const ranked = rankCandidates({
        candidates: catalog.slice(0, 3),
        pctr: [0.1, 0.099, 0.098],
        exploration: { kind: 'thompson', strength: 50 },
        seed,
        now: NOW,
      }).ranked;
      firsts.add(ranked[0]!.id);
      expect(ranked[0]!.score).toBe(ranked[0]!.pctr); // the score stays the model's pCTR
    }
    expect(firsts.size).toBe(3);
    const clear = rankCandidates({
      candidates: catalog.slice(0, 2),
      pctr: [0.5, 0.01],
      exploration: { kind: 'thompson', strength: 200 },
      seed: 5,
      now: NOW,
    });
    expect(clear.ranked[0]!.id).toBe('ad-0');
    expect(
      rankCandidates({
        candidates: catalog.slice(0, 3),
        pctr: [0.1, 0.099, 0.098],
        exploration: { kind: 'thompson' },
        seed: 4,
        now: NOW,
      }).ranked.map((r) => r.id),
    ).toEqual(
      rankCandidates({
        candidates: catalog.slice(0, 3),
        pctr: [0.1, 0.099, 0.098],
        exploration: { kind: 'thompson' },
        seed: 4,
        now: NOW,
      }).ranked.map((r) => r.id),
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { AdCandidate } from '../types.js';
import { DAY_MS, type ExposureRecord, HOUR_MS } from './exposures.js';
import { rankCandidates } from './pipeline.js';

const NOW = Date.UTC(2025, 0, 15, 12);

const ad = (id: string, extra: Partial<AdCandidate> = {}): AdCandidate => ({ id, text: id, ...extra });

describe('rankCandidates: scoring and bad input', () => {
  it('orders by bid × pCTR when ads bid, by pCTR otherwise', () => {
    const bidding = rankCandidates({
      candidates: [ad('a', { bid: 1 }), ad('b', { bid: 3 }), ad('c', { bid: 2 })],
      pctr: [0.1, 0.05, 0.02],
      now: NOW,
    });
    expect(bidding.mode).toBe('ecpm');
    expect(bidding.ranked.map((r) => [r.id, r.score])).toEqual([
      ['b', 3 * 0.05],
      ['a', 0.1],
      ['c', 2 * 0.02],
    ]);
    const plain = rankCandidates({ candidates: [ad('a'), ad('b')], pctr: [0.1, 0.3], now: NOW });
    expect(plain.mode).toBe('pctr');
    expect(plain.ranked.map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('skips missing and non-finite bids, duplicates and NaN pCTRs with a report; NaN never reaches a score', () => {
    const result = rankCandidates({
      candidates: [
        ad('ok', { bid: 1 }),
        ad('no-bid'),
        ad('nan-bid', { bid: Number.NaN }),
        ad('inf-bid', { bid: Number.POSITIVE_INFINITY }),
        ad('negative', { bid: -1 }),
        ad('ok', { bid: 5 }),
        ad('nan-pctr', { bid: 1 }),
        ad('big-pctr', { bid: 1 }),
        { id: '', text: 'x', bid: 1 },
      ],
      pctr: [0.1, 0.1, 0.1, 0.1, 0.1, 0.9, Number.NaN, 1.5, 0.1],
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['ok']);
    expect(result.ranked[0]!.score).toBeCloseTo(0.1);
    expect(Object.fromEntries(result.skipped.map((s) => [s.id || '(empty)', s.reason]))).toEqual({
      'no-bid': 'missing-bid',
      'nan-bid': 'invalid-bid',
      'inf-bid': 'invalid-bid',
      negative: 'invalid-bid',
      ok: 'duplicate-id',
      'nan-pctr': 'invalid-pctr',
      'big-pctr': 'invalid-pctr',
      '(empty)': 'missing-id',
    });
    for (const r of result.ranked) expect(Number.isFinite(r.score) && Number.isFinite(r.pctr)).toBe(true);
  });

  it('drops blocked advertisers and categories', () => {
    const result = rankCandidates({
      candidates: [ad('a', { advertiser: 'acme' }), ad('b', { category: 'gambling' }), ad('c')],
      pctr: [0.3, 0.2, 0.1],
      blocklist: { advertisers: ['acme'], categories: ['gambling'] },
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['c']);
    expect(result.skipped.map((s) => s.reason)).toEqual(['blocked-advertiser', 'blocked-category']);
  });
});

describe('rankCandidates: frequency caps', () => {
  const shown = (adId: string, hoursAgo: number, sessionId = 'old', advertiser = 'x'): ExposureRecord => ({
    adId,
    advertiser,
    time: NOW - hoursAgo * HOUR_MS,
    sessionId,
  });

  it('caps an ad per rolling day and per session', () => {
    const candidates = [
      ad('daily', { advertiser: 'd' }),
      ad('session', { advertiser: 's' }),
      ad('free', { advertiser: 'f' }),
    ];
    const exposures = [
      shown('daily', 1, 'old', 'd'),
      shown('daily', 23, 'old', 'd'),
      shown('daily', 25, 'old', 'd'), // outside the rolling 24 h
      shown('session', 0.1, 'now', 's'),
      shown('free', 30, 'old', 'f'),
    ];
    const result = rankCandidates({
      candidates,
      pctr: [0.3, 0.2, 0.1],
      exposures,
      caps: { ad: { day: 2, session: 1 } },
      sessionId: 'now',
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['free']);
    expect(result.skipped).toEqual([
      { id: 'daily', reason: 'frequency-cap', detail: 'ad daily shown 2 times today (cap 2)' },
      { id: 'session', reason: 'frequency-cap', detail: 'ad session shown 1 times this session (cap 1)' },
    ]);
  });

  it('caps an advertiser across its ads, and ignores records from the future', () => {
    const result = rankCandidates({
      candidates: [
        ad('a1', { advertiser: 'acme' }),
        ad('a2', { advertiser: 'acme' }),
        ad('b', { advertiser: 'beta' }),
      ],
      pctr: [0.3, 0.2, 0.1],
      exposures: [
        shown('a1', 2, 'old', 'acme'),
        shown('a2', 3, 'old', 'acme'),
        { adId: 'b', advertiser: 'beta', time: NOW + DAY_MS },
      ],
      caps: { advertiser: { day: 2 } },
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['b']);
    expect(result.skipped.map((s) => s.id)).toEqual(['a1', 'a2']);
  });
});

describe("rankCandidates: caps from the profile store's counters", () => {
  it('caps by day and session counts, and feeds total and recency to exploration and explanations', () => {
    const result = rankCandidates({
      candidates: [
        ad('daily', { advertiser: 'd' }),
        ad('brand', { advertiser: 'b' }),
        ad('seen', { advertiser: 's' }),
        ad('fresh', { advertiser: 'f' }),
      ],
      pctr: [0.4, 0.3, 0.2, 0.1],
      exposureCounts: {
        ads: new Map([
          ['daily', { dayCount: 3, sessionCount: 0 }],
          ['seen', { dayCount: 1, sessionCount: 1, total: 4, lastAt: NOW - HOUR_MS }],
        ]),
        advertisers: new Map([['b', { dayCount: 0, sessionCount: 2 }]]),
      },
      caps: { ad: { day: 3 }, advertiser: { session: 2 } },
      contributions: new Map([['seen', { interests: 0.1, collaborative: 0, context: 0, exposure: -0.5 }]]),
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['seen', 'fresh']);
    expect(result.skipped.map((s) => [s.id, s.detail])).toEqual([
      ['daily', 'ad daily shown 3 times today (cap 3)'],
      ['brand', 'advertiser b shown 2 times this session (cap 2)'],
    ]);
    expect(result.ranked[0]!.explanation.reasons[0]).toBe(
      'Shown less because you have seen it 4 times recently.',
    );
  });
});

describe('rankCandidates: diversity', () => {
  it('never puts two ads of one advertiser on a page, and reports who was left off', () => {
    const result = rankCandidates({
      candidates: [
        ad('a1', { advertiser: 'acme' }),
        ad('a2', { advertiser: 'acme' }),
        ad('b1', { advertiser: 'beta' }),
        ad('c1', { advertiser: 'gamma' }),
      ],
      pctr: [0.4, 0.35, 0.2, 0.1],
      pageSize: 3,
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['a1', 'b1', 'c1']);
    expect(result.skipped).toEqual([
      { id: 'a2', reason: 'same-advertiser-on-page', detail: 'advertiser acme' },
    ]);
  });

  it('fills slots beyond the page in score order', () => {
    const result = rankCandidates({
      candidates: [
        ad('a1', { advertiser: 'acme' }),
        ad('a2', { advertiser: 'acme' }),
        ad('b1', { advertiser: 'beta' }),
      ],
      pctr: [0.4, 0.35, 0.2],
      pageSize: 2,
      limit: 3,
      now: NOW,
    });
    expect(result.ranked.map((r) => r.id)).toEqual(['a1', 'b1', 'a2']);
    expect(result.skipped).toEqual([]);
  });

  it('trades relevance for novelty with MMR on embeddings', () => {
    const e = (...v: number[]) => Float32Array.from(v);
    const input = {
      candidates: [ad('shoes-1'), ad('shoes-2'), ad('pans')],
      pctr: [0.3, 0.29, 0.2],
      embeddings: [e(1, 0), e(0.99, 0.14), e(0, 1)],
      pageSize: 2,
      now: NOW,
    };
    expect(rankCandidates(input).ranked.map((r) => r.id)).toEqual(['shoes-1', 'shoes-2']);
    expect(rankCandidates({ ...input, diversity: { mmrLambda: 0.5 } }).ranked.map((r) => r.id)).toEqual([
      'shoes-1',
      'pans',
    ]);
  });
});

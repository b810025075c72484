import { describe, expect, it } from 'vitest';
import { DAY_MS } from './exposures.js';
import { exposureFairness, UNKNOWN } from './fairness.js';

const NOW = Date.UTC(2025, 0, 15);

describe('exposureFairness', () => {
  it('reports shares per advertiser and category over the last N days', () => {
    const records = [
      { adId: '1', advertiser: 'acme', category: 'sports', time: NOW - 1 * DAY_MS },
      { adId: '2', advertiser: 'acme', category: 'sports', time: NOW - 2 * DAY_MS },
      { adId: '3', advertiser: 'beta', category: 'travel', time: NOW - 3 * DAY_MS },
      { adId: '4', time: NOW - 4 * DAY_MS },
      { adId: '5', advertiser: 'beta', time: NOW - 40 * DAY_MS }, // outside the window
    ];
    const report = exposureFairness(records, NOW, 30);
    expect(report.impressions).toBe(4);
    expect(report.advertisers).toEqual([
      { key: 'acme', impressions: 2, share: 0.5 },
      { key: UNKNOWN, impressions: 1, share: 0.25 },
      { key: 'beta', impressions: 1, share: 0.25 },
    ]);
    expect(report.categories[0]).toEqual({ key: 'sports', impressions: 2, share: 0.5 });
    expect(report.advertiserConcentration).toBeCloseTo(0.25 + 0.0625 + 0.0625);
  });

  it('is empty without impressions', () => {
    expect(exposureFairness([], NOW)).toEqual({
      days: 30,
      impressions: 0,
      advertisers: [],
      categories: [],
      advertiserConcentration: 0,
    });
  });
});

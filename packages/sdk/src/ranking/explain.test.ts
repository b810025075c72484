import { describe, expect, it } from 'vitest';
import { explainAd } from './explain.js';

describe('explainAd', () => {
  const interests = [
    { label: 'cooking', weight: 0.2 },
    { label: 'trail running', weight: 0.7 },
  ];

  it('names the strongest interest when interests drove the score', () => {
    const reasons = explainAd({
      contributions: { interests: 2.1, collaborative: 0.4, context: 0.01, exposure: 0 },
      interests,
      signal: 'profile',
    });
    expect(reasons).toEqual(['You read about trail running.', 'Similar to ads you engaged with before.']);
  });

  it('puts the largest contribution first and explains repetition', () => {
    const reasons = explainAd({
      contributions: { interests: 0.3, collaborative: 0, context: 0, exposure: -0.9 },
      interests,
      signal: 'profile+context',
      impressions: 4,
    });
    expect(reasons).toEqual([
      'Shown less because you have seen it 4 times recently.',
      'You read about trail running.',
    ]);
  });

  it('speaks of the page when the user vector came from the page only, and of bids', () => {
    expect(explainAd({ signal: 'context', bid: 2 })).toEqual([
      'Related to the page you are reading.',
      'The advertiser’s bid counts too.',
    ]);
    expect(explainAd({})).toEqual(['A generally popular ad.']);
  });
});

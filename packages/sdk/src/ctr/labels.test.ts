import { describe, expect, it } from 'vitest';
import { labelImpressions } from './labels.js';

const MIN = 60_000;

describe('labelImpressions', () => {
  it('labels clicked impressions 1, unclicked ones 0 once the window has passed, and waits otherwise', () => {
    const examples = labelImpressions(
      [
        { type: 'view', adId: 'a', slot: 'top', time: 0 },
        { type: 'click', adId: 'a', time: 5 * MIN },
        { type: 'view', adId: 'b', time: 1 * MIN },
        { type: 'view', adId: 'c', time: 50 * MIN }, // window still open at 60 min
        { type: 'click', adId: 'd', time: 10 * MIN }, // no logged impression
        { type: 'view', time: 2 * MIN }, // no ad: not an ad event
      ],
      60 * MIN,
    );
    expect(examples).toEqual([
      { adId: 'a', slot: 'top', time: 0, label: 1 },
      { adId: 'b', time: MIN, label: 0 },
      { adId: 'd', time: 10 * MIN, label: 1 },
    ]);
  });

  it('credits a click to the latest impression in the window, once', () => {
    const examples = labelImpressions(
      [
        { type: 'view', adId: 'a', time: 0 },
        { type: 'view', adId: 'a', time: 10 * MIN },
        { type: 'click', adId: 'a', time: 12 * MIN },
        { type: 'click', adId: 'a', time: 13 * MIN },
        { type: 'view', adId: 'a', time: 100 * MIN },
        { type: 'click', adId: 'a', time: 140 * MIN }, // 40 min later: outside the window
      ],
      1000 * MIN,
    );
    expect(examples.map((e) => [e.time / MIN, e.label])).toEqual([
      [0, 1], // the 13-min click is within 30 min of the first impression
      [10, 1],
      [100, 0],
      [140, 1],
    ]);
  });
});

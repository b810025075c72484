import { describe, expect, it } from 'vitest';
import { addPageView, decayFactor } from './interest.js';

const DAY = 86_400_000;

describe('interest decay', () => {
  it('halves a signal after one half-life', () => {
    expect(decayFactor(14 * DAY, 14)).toBeCloseTo(0.5, 12);
    expect(decayFactor(28 * DAY, 14)).toBeCloseTo(0.25, 12);
    expect(decayFactor(-5, 14)).toBe(1);
  });

  it('adds page views with older evidence decayed', () => {
    const first = addPageView(undefined, Float32Array.of(1, 0), 'm', 0, 14);
    const second = addPageView(first, Float32Array.of(0, 1), 'm', 14 * DAY, 14);
    expect(Array.from(second.vector)).toEqual([0.5, 1]);
    expect(second.weight).toBeCloseTo(1.5, 12);
    expect(second.pageViews).toBe(2);
    expect(Array.from(first.vector)).toEqual([1, 0]); // pure
  });

  it('starts over when the encoder model changes', () => {
    const first = addPageView(undefined, Float32Array.of(1, 0), 'old', 0, 14);
    const next = addPageView(first, Float32Array.of(0, 1, 0), 'new', 1, 14);
    expect(next).toMatchObject({ modelId: 'new', pageViews: 1, weight: 1 });
    expect(Array.from(next.vector)).toEqual([0, 1, 0]);
  });
});

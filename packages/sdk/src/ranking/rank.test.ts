import { describe, expect, it } from 'vitest';
import { orderAds } from './rank.js';
import { userSignal } from './user-vector.js';

describe('userSignal', () => {
  it('blends the profile with the page at half weight', () => {
    const user = userSignal(Float32Array.of(2, 0), Float32Array.of(0, 3), 2);
    expect(user.signal).toBe('profile+context');
    expect(user.vector[0]! / user.vector[1]!).toBeCloseTo(2, 5);
    expect(Math.hypot(...user.vector)).toBeCloseTo(1, 6);
  });

  it('falls back to whichever signal exists', () => {
    expect(userSignal(undefined, Float32Array.of(0, 3), 2)).toMatchObject({ signal: 'context' });
    expect(userSignal(Float32Array.of(0, 0), undefined, 2)).toMatchObject({ signal: 'none' });
  });
});

describe('orderAds', () => {
  const user = userSignal(undefined, Float32Array.of(1, 0), 2);
  it('orders by bid × pCTR, else pCTR, and skips non-finite scores', () => {
    const ranked = orderAds(
      [
        { ad: { id: 'cheap', text: 'a', bid: 1 }, pctr: 0.1, similarity: 0.9 },
        { ad: { id: 'rich', text: 'b', bid: 3 }, pctr: 0.05, similarity: 0.5 },
        { ad: { id: 'nobid', text: 'c' }, pctr: 0.12, similarity: 0.95 },
        { ad: { id: 'broken', text: 'd' }, pctr: Number.NaN, similarity: 0 },
      ],
      user,
    );
    expect(ranked.map((r) => r.id)).toEqual(['rich', 'nobid', 'cheap']);
    expect(ranked[0]).toMatchObject({ score: 3 * 0.05, pctr: 0.05 });
    expect(ranked[0]?.explanation.features).toEqual({ similarity: 0.5, signal: 'context', bid: 3 });
  });

  it('breaks ties by id and honours the limit', () => {
    const tie = (id: string) => ({ ad: { id, text: id }, pctr: 0.2, similarity: 0 });
    expect(orderAds([tie('b'), tie('c'), tie('a')], user, 2).map((r) => r.id)).toEqual(['a', 'b']);
  });
});

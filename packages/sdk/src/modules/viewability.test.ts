// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeIntersectionObserver, FakeObserver } from './fake-intersection.js';
import { requiredRatio, watchViewability } from './viewability.js';

describe('viewability (IAB/MRC: ≥ 50% in view for ≥ 1 s)', () => {
  let ad: HTMLElement;
  beforeEach(() => {
    vi.useFakeTimers();
    FakeIntersectionObserver.reset();
    ad = document.createElement('div');
    document.body.append(ad);
  });
  afterEach(() => {
    vi.useRealTimers();
    ad.remove();
  });

  it('counts once, after one continuous second at half in view or more', () => {
    const onViewable = vi.fn();
    watchViewability(ad, onViewable, { Observer: FakeObserver });
    FakeIntersectionObserver.show(ad, 0.5);
    vi.advanceTimersByTime(999);
    expect(onViewable).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onViewable).toHaveBeenCalledTimes(1);
    FakeIntersectionObserver.show(ad, 1); // no longer watched
    vi.advanceTimersByTime(5000);
    expect(onViewable).toHaveBeenCalledTimes(1);
  });

  it('does not count an ad scrolled past, or less than half in view', () => {
    const onViewable = vi.fn();
    watchViewability(ad, onViewable, { Observer: FakeObserver });
    FakeIntersectionObserver.show(ad, 1);
    vi.advanceTimersByTime(600);
    FakeIntersectionObserver.show(ad, 0); // scrolled past
    vi.advanceTimersByTime(2000);
    FakeIntersectionObserver.show(ad, 0.4);
    vi.advanceTimersByTime(5000);
    expect(onViewable).not.toHaveBeenCalled();
    // The second starts again from zero when it is back in view.
    FakeIntersectionObserver.show(ad, 0.6);
    vi.advanceTimersByTime(1000);
    expect(onViewable).toHaveBeenCalledTimes(1);
  });

  it('stops the clock while the page is hidden', () => {
    const onViewable = vi.fn();
    let state: DocumentVisibilityState = 'visible';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state);
    watchViewability(ad, onViewable, { Observer: FakeObserver });
    FakeIntersectionObserver.show(ad, 1);
    vi.advanceTimersByTime(500);
    state = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    vi.advanceTimersByTime(5000);
    expect(onViewable).not.toHaveBeenCalled();
    state = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    vi.advanceTimersByTime(1000);
    expect(onViewable).toHaveBeenCalledTimes(1);
  });

  it('uses 30% for large ads, and cannot measure without IntersectionObserver', () => {
    expect(requiredRatio(300, 250)).toBe(0.5);
    expect(requiredRatio(970, 250)).toBe(0.3);
    const onViewable = vi.fn();
    watchViewability(ad, onViewable, { Observer: FakeObserver });
    FakeIntersectionObserver.show(ad, 0.35, 970, 250);
    vi.advanceTimersByTime(1000);
    expect(onViewable).toHaveBeenCalledTimes(1);
    const noObserver = { ...document, defaultView: {} } as unknown as Document;
    expect(watchViewability(ad, vi.fn(), { doc: noObserver })).toBeUndefined();
  });
});

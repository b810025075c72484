import { describe, expect, it } from 'vitest';
import type { TrackEvent } from '../types.js';
import { trackDwell } from './dwell.js';

/** A page whose visibility the test controls. */
function fakePage(initial: 'visible' | 'hidden') {
  const doc = new EventTarget() as EventTarget & {
    visibilityState: string;
    location: { href: string };
    defaultView: EventTarget;
  };
  doc.visibilityState = initial;
  doc.location = { href: 'https://news.example/story?id=1' };
  doc.defaultView = new EventTarget();
  const set = (state: 'visible' | 'hidden') => {
    doc.visibilityState = state;
    doc.dispatchEvent(new Event('visibilitychange'));
  };
  return { doc, set };
}

describe('trackDwell (Page Visibility API)', () => {
  it('reports each visible stretch when the page is hidden, never background time', () => {
    const { doc, set } = fakePage('visible');
    let clock = 0;
    const events: TrackEvent[] = [];
    const stop = trackDwell(
      { track: async (e) => void events.push(e) },
      { doc: doc as never, now: () => clock },
    );
    clock = 5000;
    set('hidden'); // 5 s visible
    clock = 60_000; // a minute in the background: not counted
    set('visible');
    clock = 62_500;
    doc.defaultView.dispatchEvent(new Event('pagehide')); // 2.5 s, then the page goes away
    clock = 70_000;
    set('hidden'); // already reported by pagehide
    expect(events).toEqual([
      { type: 'dwell', value: 5000, url: 'https://news.example/story?id=1' },
      { type: 'dwell', value: 2500, url: 'https://news.example/story?id=1' },
    ]);
    stop();
  });

  it('skips flicks shorter than minMs, starts counting when a background tab is shown, stops cleanly', () => {
    const { doc, set } = fakePage('hidden');
    let clock = 0;
    const values: number[] = [];
    const stop = trackDwell(
      { track: async (e) => void values.push(e.value!) },
      { doc: doc as never, now: () => clock, minMs: 1000 },
    );
    clock = 10_000;
    set('visible');
    clock = 10_400;
    set('hidden'); // 400 ms: a flick
    set('visible');
    clock = 13_400;
    stop(); // reports the 3 s in progress and stops listening
    set('hidden');
    expect(values).toEqual([3000]);
  });

  it('never lets a failing track() escape into the page', async () => {
    const { doc, set } = fakePage('visible');
    let clock = 0;
    trackDwell(
      { track: () => Promise.reject(new Error('storage gone')) },
      { doc: doc as never, now: () => clock },
    );
    clock = 2000;
    expect(() => set('hidden')).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0)); // an unhandled rejection would fail the run
  });
});

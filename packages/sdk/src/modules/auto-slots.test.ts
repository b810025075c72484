// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdCandidate, Locus, RankedAd, TrackEvent } from '../types.js';
import { observeSlots } from './auto-slots.js';
import { FakeIntersectionObserver, FakeObserver } from './fake-intersection.js';

const ADS: AdCandidate[] = [
  { id: 'shoe', text: 'Run further. Shoes.', advertiser: 'Stride', landingUrl: 'https://example.com/shoe' },
  { id: 'sock', text: 'Dry feet. Socks.', advertiser: 'Stride', landingUrl: 'https://example.com/sock' },
  { id: 'pan', text: 'Cook more. Pans.', advertiser: 'Hearth', landingUrl: 'javascript:alert(1)' },
];

/** A Locus that ranks ADS in order and records what is tracked. */
function fakeLocus(tracked: TrackEvent[]): Locus {
  const ranked = ADS.map(
    (ad, i): RankedAd => ({
      id: ad.id,
      score: 1 - i / 10,
      pctr: 0.02,
      ad,
      explanation: { interests: [], features: { similarity: 0.4, signal: 'context' } },
    }),
  );
  return {
    events: new EventTarget(),
    rank: async () => ranked,
    track: async (event: TrackEvent) => {
      tracked.push(event);
    },
  } as unknown as Locus;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Clicks the ad's link without following it (happy-dom would fetch the landing page). */
function clickAd(slot: HTMLElement): void {
  const link = slot.shadowRoot!.querySelector<HTMLAnchorElement>('a.creative')!;
  link.addEventListener('click', (event) => event.preventDefault());
  link.dispatchEvent(new MouseEvent('click', { cancelable: true }));
}

describe('auto slots', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    FakeIntersectionObserver.reset();
    (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver = FakeObserver;
    document.body.innerHTML = `
      <div id="top" data-locus-slot="top" data-locus-sizes="728x90,300x250"></div>
      <p>article</p>
      <div id="low" data-locus-slot="low" data-locus-sizes="300x250"></div>`;
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('reserves sizes at once, fills lazily, counts a viewable impression and clicks', async () => {
    const tracked: TrackEvent[] = [];
    const locus = fakeLocus(tracked);
    const filled: string[] = [];
    window.addEventListener('locus:slot-filled', (e) => filled.push((e as CustomEvent).detail.adId));
    const controller = observeSlots(locus, { privacyUrl: '/privacy.html' });
    const top = document.getElementById('top')!;
    const low = document.getElementById('low')!;
    expect(low.style.minHeight).toBe('250px');
    expect(top.dataset.locusSize).toMatch(/^(728x90|300x250)$/);
    await flush();
    expect(top.dataset.locusAd).toBeUndefined(); // not near the viewport yet

    FakeIntersectionObserver.show(top, 1); // near the viewport: filled
    await vi.waitFor(() => expect(top.dataset.locusAd).toBe('shoe'));
    expect(tracked).toEqual([]); // rendered is not seen
    FakeIntersectionObserver.show(top, 1);
    vi.advanceTimersByTime(1000);
    await vi.waitFor(() =>
      expect(tracked).toEqual([{ type: 'view', adId: 'shoe', slot: 'top', position: 0 }]),
    );

    FakeIntersectionObserver.show(low, 1);
    // No ad twice, and no advertiser twice while another is left: Hearth's pan, not Stride's sock.
    await vi.waitFor(() => expect(low.dataset.locusAd).toBe('pan'));
    expect(filled).toEqual(['shoe', 'pan']);
    // The pan's landing URL is javascript: it is shown, but not as a link.
    expect(low.shadowRoot!.querySelector('a.creative')).toBeNull();

    const link = top.shadowRoot!.querySelector<HTMLAnchorElement>('a.creative')!;
    expect(link.href).toBe('https://example.com/shoe');
    clickAd(top);
    await vi.waitFor(() =>
      expect(tracked.at(-1)).toEqual({ type: 'click', adId: 'shoe', slot: 'top', position: 0 }),
    );
    controller.stop();
  });

  it('a click before the impression was counted counts it first; a slot added later is filled', async () => {
    const tracked: TrackEvent[] = [];
    const locus = fakeLocus(tracked);
    const controller = observeSlots(locus, { lazyMargin: false });
    const top = document.getElementById('top')!;
    await vi.waitFor(() => expect(top.dataset.locusAd).toBe('shoe'));
    clickAd(top);
    await vi.waitFor(() => expect(tracked.map((e) => e.type)).toEqual(['view', 'click']));

    const later = document.createElement('div');
    later.dataset.locusSlot = 'later';
    document.body.append(later);
    await vi.waitFor(() => expect(later.dataset.locusAd).toBe('sock')); // the only ad left

    // A route change: the old slots go, a new one comes and may show the best ad again.
    top.remove();
    const next = document.createElement('div');
    next.dataset.locusSlot = 'next-page';
    document.body.append(next);
    await vi.waitFor(() => expect(next.dataset.locusAd).toBe('shoe'));
    controller.stop();
  });
});

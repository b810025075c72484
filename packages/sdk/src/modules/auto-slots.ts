import { type LocusError, toLocusError } from '../errors.js';
import { type PageShown, type Pick, pickAds } from '../slots/pick.js';
import { renderAd } from '../slots/render.js';
import { reserveSize, type SlotSize } from '../slots/sizes.js';
import type { Locus } from '../types.js';
import { watchViewability } from './viewability.js';

export interface SlotOptions {
  /**
   * Fill a slot only once it comes this close to the viewport (an IntersectionObserver
   * rootMargin); `false` fills every slot at once. Default '200px 0px'.
   */
  lazyMargin?: string | false;
  /** The publisher's privacy page, linked from every "Why this ad?" panel. */
  privacyUrl?: string;
  /** Where to look for `[data-locus-slot]` elements. Default: the document. */
  root?: ParentNode;
  /** Receives failures (rank, render, track). Default: a `locus:error` event on window. */
  onError?: (error: LocusError) => void;
}

export interface SlotController {
  /** Fills every slot under `root` that is not filled yet, now (not lazily); resolves with how many. */
  fillAll(root?: ParentNode): Promise<number>;
  /** Stops filling and measuring; ads already shown stay. */
  stop(): void;
}

const SELECTOR = '[data-locus-slot]';
/** Slots some controller took charge of: two Locus instances never fill the same slot. */
const claimed = new WeakSet<Element>();
const controllers = new WeakMap<Locus, SlotController>();

function emit(target: EventTarget, name: string, detail: unknown, bubbles: boolean): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles, composed: bubbles }));
}

function defaultReport(error: LocusError): void {
  const detail = { code: error.code, message: error.message, error };
  if (typeof window !== 'undefined') emit(window, 'locus:error', detail, false);
}

/**
 * Lets the browser paint and handle input before the next step: ranking and rendering each get
 * their own task instead of one long one (scheduler.yield where it exists).
 */
function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function slotsUnder(root: ParentNode): HTMLElement[] {
  const found = [...root.querySelectorAll<HTMLElement>(SELECTOR)];
  if (root instanceof Element && root.matches(SELECTOR)) found.unshift(root as HTMLElement);
  return found;
}

class Slots implements SlotController {
  private readonly shown: PageShown = { ads: new Set(), advertisers: new Set() };
  private readonly sizes = new WeakMap<Element, SlotSize | undefined>();
  private readonly watches = new Set<() => void>();
  /** Filled slots and what they show: a slot removed from the page gives its ad back. */
  private readonly showing = new Map<HTMLElement, { adId: string; advertiser?: string; stop?: () => void }>();
  private readonly lazy: IntersectionObserver | undefined;
  private readonly mutations: MutationObserver | undefined;
  private readonly pending = new Set<HTMLElement>();
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly report: (error: LocusError) => void;

  constructor(
    private readonly locus: Locus,
    private readonly options: SlotOptions,
  ) {
    this.report = options.onError ?? defaultReport;
    const view = typeof window !== 'undefined' ? window : undefined;
    if (options.lazyMargin !== false && view?.IntersectionObserver) {
      this.lazy = new view.IntersectionObserver((entries) => this.onNearViewport(entries), {
        rootMargin: options.lazyMargin ?? '200px 0px',
      });
    }
    const root = options.root ?? (typeof document !== 'undefined' ? document : undefined);
    if (root && view?.MutationObserver) {
      // Slots added later (infinite scroll, client-side navigation) are filled like the first ones.
      this.mutations = new view.MutationObserver((records) => {
        if (records.some((record) => record.removedNodes.length > 0)) this.releaseRemoved();
        for (const record of records)
          for (const node of record.addedNodes) if (node instanceof Element) this.discover(node);
      });
      this.mutations.observe(root instanceof Document ? root.documentElement : (root as Node), {
        childList: true,
        subtree: true,
      });
    }
    if (root) this.discover(root);
  }

  /**
   * Takes charge of new slots and reserves their size; `schedule` fills them when they near the
   * viewport (or at once without lazy loading). Returns the slots taken.
   */
  private discover(root: ParentNode, schedule = true): HTMLElement[] {
    if (this.stopped) return [];
    const fresh = slotsUnder(root).filter((slot) => !claimed.has(slot) && !slot.dataset.locusAd);
    for (const slot of fresh) {
      claimed.add(slot);
      this.sizes.set(slot, reserveSize(slot));
    }
    if (schedule && this.lazy) for (const slot of fresh) this.lazy.observe(slot);
    else if (schedule && fresh.length > 0) void this.enqueue(fresh);
    return fresh;
  }

  private onNearViewport(entries: IntersectionObserverEntry[]): void {
    const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target as HTMLElement);
    for (const slot of near) this.lazy?.unobserve(slot);
    if (near.length > 0) void this.enqueue(near);
  }

  /** Slots that become due together share one ranking; batches run one after another. */
  private enqueue(slots: HTMLElement[]): Promise<number> {
    for (const slot of slots) this.pending.add(slot);
    const run = this.chain.then(() => this.fillPending());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async fillPending(): Promise<number> {
    const slots = [...this.pending].filter((slot) => slot.isConnected && !slot.dataset.locusAd);
    this.pending.clear();
    if (this.stopped || slots.length === 0) return 0;
    let ranked: Awaited<ReturnType<Locus['rank']>>;
    await nextTask(); // out of the IntersectionObserver callback's task
    try {
      const name = slots.length === 1 ? slots[0]!.dataset.locusSlot : undefined;
      ranked = await this.locus.rank(undefined, name ? { slot: name } : {});
    } catch (err) {
      this.report(toLocusError('slot-failed', err));
      return 0;
    }
    const picks = pickAds(ranked, slots.length, this.shown);
    let filled = 0;
    for (const [i, slot] of slots.entries()) {
      await nextTask();
      const pick = picks[i];
      if (!pick) {
        slot.dataset.locusEmpty = 'no-ad-left';
        continue;
      }
      try {
        this.show(slot, pick, i);
        filled++;
      } catch (err) {
        this.shown.ads.delete(pick.ranked.id);
        this.report(toLocusError('slot-failed', err));
      }
    }
    return filled;
  }

  /** Renders the pick, then counts its impression by the viewability rule and its clicks. */
  private show(slot: HTMLElement, pick: Pick, index: number): void {
    const name = slot.dataset.locusSlot || `slot-${index}`;
    const { id: adId } = pick.ranked;
    const ids = { adId, slot: name, position: pick.position };
    let impression: Promise<void> | undefined;
    let stopWatching: (() => void) | undefined;
    const countImpression = () => {
      stopWatching?.();
      impression ??= this.locus.track({ type: 'view', ...ids }).then(
        () => {
          emit(slot, 'locus:impression', ids, true);
          emit(this.locus.events, 'locus:impression', ids, false);
        },
        (err: unknown) => this.report(toLocusError('slot-failed', err)),
      );
      return impression;
    };
    renderAd(slot, pick.ranked, {
      size: this.sizes.get(slot),
      privacyUrl: this.options.privacyUrl,
      // A click proves the ad was seen: its impression is counted first (the click labels it).
      onClick: () => {
        void countImpression()
          .then(() => this.locus.track({ type: 'click', ...ids }))
          .catch((err: unknown) => this.report(toLocusError('slot-failed', err)));
      },
    });
    slot.removeAttribute('data-locus-empty');
    stopWatching = watchViewability(slot, () => void countImpression());
    if (stopWatching) this.watches.add(stopWatching);
    // No IntersectionObserver: viewability cannot be measured, so the render counts.
    else void countImpression();
    const advertiser = pick.ranked.ad.advertiser;
    this.showing.set(slot, {
      adId,
      ...(advertiser ? { advertiser } : {}),
      ...(stopWatching ? { stop: stopWatching } : {}),
    });
    emit(slot, 'locus:slot-filled', { slot: name, adId }, true);
    emit(this.locus.events, 'locus:slot-filled', { slot: name, adId }, false);
  }

  /**
   * Slots taken off the page (a client-side route change) free their ad and advertiser for the
   * slots that come next, and stop being measured.
   */
  private releaseRemoved(): void {
    for (const [slot, shown] of this.showing) {
      if (slot.isConnected) continue;
      this.showing.delete(slot);
      this.shown.ads.delete(shown.adId);
      if (
        shown.advertiser &&
        ![...this.showing.values()].some((other) => other.advertiser === shown.advertiser)
      )
        this.shown.advertisers.delete(shown.advertiser);
      if (shown.stop) {
        shown.stop();
        this.watches.delete(shown.stop);
      }
    }
  }

  async fillAll(root: ParentNode = this.options.root ?? document): Promise<number> {
    this.discover(root, false);
    const due = slotsUnder(root).filter((slot) => claimed.has(slot) && !slot.dataset.locusAd);
    for (const slot of due) this.lazy?.unobserve(slot);
    await this.enqueue(due);
    // Counted afterwards: a batch already queued (a slot that just neared view) may have filled some.
    return due.filter((slot) => slot.dataset.locusAd).length;
  }

  stop(): void {
    this.stopped = true;
    this.lazy?.disconnect();
    this.mutations?.disconnect();
    for (const stop of this.watches) stop();
    this.watches.clear();
    controllers.delete(this.locus);
  }
}

/**
 * Fills the page's `[data-locus-slot]` elements (and those added later) with the best ads for
 * this reader: each slot's size reserved at once, its ad rendered when it nears the viewport,
 * no ad (and if possible no advertiser) twice on a page, an impression tracked only when the ad
 * is viewable, clicks tracked through its link. One controller per Locus instance.
 */
export function observeSlots(locus: Locus, options: SlotOptions = {}): SlotController {
  let controller = controllers.get(locus);
  if (!controller) {
    controller = new Slots(locus, options);
    controllers.set(locus, controller);
  }
  return controller;
}

/** Fills every slot under `root` now (no lazy loading); resolves with the number filled. */
export function fillSlots(locus: Locus, root: ParentNode = document): Promise<number> {
  return observeSlots(locus, { root, lazyMargin: false }).fillAll(root);
}

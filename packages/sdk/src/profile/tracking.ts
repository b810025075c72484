import type { TrackEventType } from '../types.js';
import { textHash } from '../util/hash.js';
import { addPageView } from './interest.js';
import { pageAddress } from './page-text.js';
import type { StoredEvent } from './schema.js';
import type { GatedPurpose, ProfileStore } from './store.js';

/** An event as Locus records it (validated by `track()`). */
export interface ProfileEvent {
  type: TrackEventType;
  time: number;
  adId?: string;
  /** The ad's advertiser (from the catalog), for per-advertiser frequency caps. */
  advertiser?: string;
  slot?: string;
  url?: string;
  value?: number;
  position?: number;
  /** For an ad impression: what the CTR model saw (CtrExampleCodec), so it can learn from it. */
  features?: Float32Array;
}

export interface TrackingContext {
  /** The encoder whose page embeddings dwell time reinforces. */
  modelId: string | undefined;
  halfLifeDays: number;
  clusters: number;
  allows: (purpose: GatedPurpose) => boolean;
}

/** Reading a page this long (visible) counts as reading it once more; shorter stays count pro rata. */
export const FULL_READ_MS = 120_000;
const CLICK_WINDOW_MS = 86_400_000;

export function dwellWeight(ms: number): number {
  return Math.min(Math.max(ms, 0), FULL_READ_MS) / FULL_READ_MS;
}

/**
 * Writes what one event means, per purpose: the event log and exposure counts (measurement);
 * a labelled training example for ad impressions and clicks, and interest reinforcement for
 * dwell time on a page already read (profiling). Returns whether the event was logged.
 */
export async function recordEvent(
  store: ProfileStore,
  event: ProfileEvent,
  context: TrackingContext,
): Promise<boolean> {
  const { type, time, adId, slot } = event;
  const urlHash = event.url ? textHash(pageAddress(event.url)) : undefined;
  const dwellMs = type === 'dwell' && event.value !== undefined && event.value >= 0 ? event.value : undefined;
  let logged = false;

  if (context.allows('measurement')) {
    const stored: StoredEvent = { type, time };
    if (urlHash) stored.urlHash = urlHash;
    if (adId !== undefined) stored.adId = adId;
    if (slot !== undefined) stored.slot = slot;
    if (dwellMs !== undefined) stored.dwellMs = dwellMs;
    else if (event.value !== undefined) stored.value = event.value;
    logged = await store.addEvent(stored);
    if (type === 'view' && adId !== undefined) await store.recordExposure(adId, event.advertiser, time);
  }

  if (context.allows('profiling')) {
    if (type === 'view' && adId !== undefined) {
      await store.addExample({
        adId,
        time,
        label: 0,
        ...(slot !== undefined ? { slot } : {}),
        ...(event.position !== undefined ? { position: event.position } : {}),
        ...(event.features ? { features: event.features } : {}),
      });
    }
    if (type === 'click' && adId !== undefined) await store.labelClick(adId, time, CLICK_WINDOW_MS, slot);
    if (dwellMs && urlHash && context.modelId)
      await reinforce(store, `${context.modelId}|${urlHash}`, dwellMs, time, context);
  }
  return logged;
}

/** Dwell time on a page already read adds up to one more page view of it, in one transaction. */
async function reinforce(
  store: ProfileStore,
  pageKey: string,
  dwellMs: number,
  now: number,
  context: TrackingContext,
): Promise<void> {
  if (!(await store.page(pageKey))) return; // not read with consent here (or evicted): nothing to reinforce
  await store.updateInterest(pageKey, (state, page) => {
    if (!state || !page) return undefined;
    const extra = dwellWeight(page.dwellMs + dwellMs) - dwellWeight(page.dwellMs);
    const next =
      extra > 0
        ? addPageView(state, page.vector, page.modelId, now, context.halfLifeDays, {
            weight: extra,
            countsAsView: false,
            maxClusters: context.clusters,
          })
        : state;
    return { state: next, page: { ...page, dwellMs: page.dwellMs + dwellMs } };
  });
}

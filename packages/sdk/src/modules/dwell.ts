import type { Locus } from '../types.js';

export interface DwellOptions {
  /** The page whose visibility is measured. */
  doc?: Document;
  /** Shorter visible stretches are not worth an event (a tab flicked past). Default 1 s. */
  minMs?: number;
  now?: () => number;
}

/**
 * Measures how long the page is actually visible (Page Visibility API) and reports each
 * visible stretch as a `dwell` event when the page is hidden: switching tabs, minimizing, or
 * leaving (`pagehide`, where `visibilitychange` to hidden also fires in current browsers, so
 * the stretch is reported once). Background time never counts. Returns a function that stops
 * measuring and reports the stretch in progress.
 */
export function trackDwell(locus: Pick<Locus, 'track'>, options: DwellOptions = {}): () => void {
  const doc = options.doc ?? document;
  const now = options.now ?? (() => performance.now());
  const minMs = options.minMs ?? 1000;
  const url = doc.location?.href;
  let visibleSince: number | undefined = doc.visibilityState === 'visible' ? now() : undefined;

  const flush = () => {
    if (visibleSince === undefined) return;
    const ms = Math.round(now() - visibleSince);
    visibleSince = undefined;
    if (ms < minMs) return;
    // track() reports its own failures as locus:error; nothing may escape into the page.
    locus.track({ type: 'dwell', value: ms, ...(url ? { url } : {}) }).catch(() => {});
  };
  const onVisibility = () => {
    if (doc.visibilityState === 'visible') visibleSince ??= now();
    else flush();
  };
  const view = doc.defaultView;
  doc.addEventListener('visibilitychange', onVisibility);
  view?.addEventListener('pagehide', flush);
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility);
    view?.removeEventListener('pagehide', flush);
    flush();
  };
}

/** One logged ad event as the profile stores it (an impression is a `view` with an adId). */
export interface LoggedAdEvent {
  type: string;
  adId?: string;
  slot?: string;
  time: number;
}

export interface LabeledImpression {
  adId: string;
  slot?: string;
  /** When the ad was shown (or clicked, for a click without a logged impression). */
  time: number;
  /** 1 when clicked within the window after the impression. */
  label: 0 | 1;
}

/** A click counts for the impression it follows within this long (30 minutes by default). */
export const CLICK_WINDOW_MS = 30 * 60_000;

/**
 * Turns logged impressions and clicks into labeled examples: an impression is a positive when a
 * click on the same ad follows within `windowMs`, a negative once the window has passed without
 * one, and not yet an example while the window is still open (a click may still come: labeling
 * it 0 now would teach the model a false negative). A click without a logged impression (e.g. one
 * lost to a closed tab) is a positive on its own. Each click is credited to one impression only.
 */
export function labelImpressions(
  events: readonly LoggedAdEvent[],
  now: number,
  windowMs = CLICK_WINDOW_MS,
): LabeledImpression[] {
  const sorted = events
    .filter((e) => typeof e.adId === 'string' && e.adId !== '' && Number.isFinite(e.time))
    .sort((a, b) => a.time - b.time);
  const open = new Map<string, LabeledImpression[]>(); // unclicked impressions per ad, oldest first
  const out: LabeledImpression[] = [];
  for (const event of sorted) {
    const adId = event.adId!;
    if (event.type === 'view') {
      const impression: LabeledImpression = { adId, time: event.time, label: 0 };
      if (event.slot !== undefined) impression.slot = event.slot;
      const list = open.get(adId) ?? [];
      list.push(impression);
      open.set(adId, list);
      out.push(impression);
    } else if (event.type === 'click') {
      const candidates = (open.get(adId) ?? []).filter((i) => event.time - i.time <= windowMs);
      const credited = candidates[candidates.length - 1]; // the latest impression before the click
      if (credited) {
        credited.label = 1;
        open.set(
          adId,
          (open.get(adId) ?? []).filter((i) => i !== credited),
        );
      } else {
        const click: LabeledImpression = { adId, time: event.time, label: 1 };
        if (event.slot !== undefined) click.slot = event.slot;
        out.push(click);
      }
    }
  }
  return out.filter((e) => e.label === 1 || now - e.time > windowMs);
}

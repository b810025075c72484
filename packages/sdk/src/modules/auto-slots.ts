import { renderAd } from '../slots/render.js';
import type { Locus } from '../types.js';

/**
 * Fills every `[data-locus-slot]` element with the best ad not already shown in another slot
 * of the page, and tracks its impression and clicks. Returns the number of slots filled.
 */
export async function fillSlots(locus: Locus, root: ParentNode = document): Promise<number> {
  const slots = [...root.querySelectorAll<HTMLElement>('[data-locus-slot]')];
  if (slots.length === 0) return 0;
  const ranked = await locus.rank(undefined, { limit: slots.length });
  let filled = 0;
  for (const [i, slot] of slots.entries()) {
    const best = ranked[i];
    if (!best) break;
    const name = slot.dataset.locusSlot || `slot-${i}`;
    renderAd(slot, best, () => {
      void locus.track({ type: 'click', adId: best.id, slot: name });
    });
    await locus.track({ type: 'view', adId: best.id, slot: name });
    slot.dispatchEvent(
      new CustomEvent('locus:slot-filled', { detail: { slot: name, adId: best.id }, bubbles: true }),
    );
    filled++;
  }
  return filled;
}

/** Ad sizes from `data-locus-sizes` ("300x250" or "728x90,300x250", best first). */
export interface SlotSize {
  width: number;
  height: number;
}

const SIZE = /^(\d{1,4})x(\d{1,4})$/i;

/** Parses "728x90, 300x250": valid sizes in the publisher's order; anything else is skipped. */
export function parseSizes(value: string | undefined | null): SlotSize[] {
  if (!value) return [];
  const sizes: SlotSize[] = [];
  for (const part of value.split(/[\s,]+/)) {
    const match = SIZE.exec(part);
    if (!match) continue;
    const width = Number(match[1]);
    const height = Number(match[2]);
    if (width > 0 && height > 0) sizes.push({ width, height });
  }
  return sizes;
}

/**
 * The size to reserve: the publisher's first choice that fits the width available, else the
 * narrowest (a 728x90 leaderboard on a phone falls back to the 300x250 listed after it).
 * `available` of 0 or less means "unknown" (not laid out yet): the first choice is taken.
 */
export function chooseSize(sizes: SlotSize[], available: number): SlotSize | undefined {
  if (sizes.length === 0) return undefined;
  if (!(available > 0)) return sizes[0];
  return (
    sizes.find((size) => size.width <= available) ??
    sizes.reduce((narrowest, size) => (size.width < narrowest.width ? size : narrowest))
  );
}

/** Which layout the ad uses in a box of this size. */
export type SlotLayout = 'rectangle' | 'banner' | 'skyscraper';

export function layoutFor(size: SlotSize | undefined): SlotLayout {
  if (!size) return 'rectangle';
  if (size.height <= 160 && size.width >= size.height * 2.5) return 'banner';
  if (size.height >= size.width * 2) return 'skyscraper';
  return 'rectangle';
}

/**
 * Reserves the slot's box before it is filled, so filling it moves nothing on the page (CLS 0
 * from Locus). Only minimums are set, and the width never exceeds the container: a page's own
 * CSS that already sizes the slot keeps working. Set through the CSSOM, which a strict
 * Content-Security-Policy allows (a `style` attribute in markup it would not).
 */
export function reserveSize(slot: HTMLElement): SlotSize | undefined {
  const sizes = parseSizes(slot.dataset.locusSizes);
  const available = slot.parentElement?.clientWidth ?? 0;
  const size = chooseSize(sizes, available);
  if (!size) return undefined;
  slot.style.minHeight = `${size.height}px`;
  slot.style.minWidth = `min(${size.width}px, 100%)`;
  slot.dataset.locusSize = `${size.width}x${size.height}`;
  return size;
}

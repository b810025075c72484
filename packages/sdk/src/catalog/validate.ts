import { LocusError } from '../errors.js';
import type { AdCandidate } from '../types.js';

export interface CatalogCheck {
  ads: AdCandidate[];
  /** One error per skipped entry, naming it by index and id. */
  rejected: LocusError[];
}

const OPTIONAL_STRINGS = ['advertiser', 'category', 'landingUrl', 'imageUrl'] as const;

/** Why an entry cannot be used, or null when it can. */
function problem(entry: unknown, seen: Set<string>): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'it is not an object';
  const ad = entry as Record<string, unknown>;
  if (typeof ad.id !== 'string' || ad.id.trim() === '') return 'it has no string "id"';
  if (seen.has(ad.id)) return `it repeats id "${ad.id}"`;
  if (typeof ad.text !== 'string' || ad.text.trim() === '') return 'it has no string "text"';
  if (ad.bid !== undefined && (typeof ad.bid !== 'number' || !Number.isFinite(ad.bid) || ad.bid < 0)) {
    return '"bid" is not a finite non-negative number';
  }
  for (const key of OPTIONAL_STRINGS) {
    if (ad[key] !== undefined && typeof ad[key] !== 'string') return `"${key}" is not a string`;
  }
  return null;
}

/** Keeps the well-formed ads (copied to plain AdCandidate objects) and reports the rest. */
export function checkCatalog(entries: unknown): CatalogCheck {
  if (!Array.isArray(entries)) {
    return { ads: [], rejected: [new LocusError('invalid-catalog-entry', 'catalog is not an array')] };
  }
  const ads: AdCandidate[] = [];
  const rejected: LocusError[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const why = problem(entry, seen);
    if (why) {
      const id = (entry as { id?: unknown } | null)?.id;
      const name = typeof id === 'string' ? `catalog entry ${index} ("${id}")` : `catalog entry ${index}`;
      rejected.push(new LocusError('invalid-catalog-entry', `${name} skipped: ${why}`));
      return;
    }
    const ad = entry as AdCandidate;
    seen.add(ad.id);
    const copy: AdCandidate = { id: ad.id, text: ad.text };
    if (ad.bid !== undefined) copy.bid = ad.bid;
    for (const key of OPTIONAL_STRINGS) if (ad[key] !== undefined) copy[key] = ad[key];
    ads.push(copy);
  });
  return { ads, rejected };
}

/** Loads a catalog from an array or a URL of JSON. */
export async function loadCatalog(source: AdCandidate[] | string): Promise<unknown> {
  if (typeof source !== 'string') return source;
  let response: Response;
  try {
    response = await fetch(source, { credentials: 'same-origin' });
  } catch (err) {
    throw new LocusError('catalog-unavailable', `catalog ${source} could not be fetched`, { cause: err });
  }
  if (!response.ok) throw new LocusError('catalog-unavailable', `catalog ${source}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch (err) {
    throw new LocusError('catalog-unavailable', `catalog ${source} is not JSON`, { cause: err });
  }
}

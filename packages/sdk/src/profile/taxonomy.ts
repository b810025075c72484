import { LocusError } from '../errors.js';
import type { InterestCategory } from './categories.js';

/**
 * Reads a publisher-provided category list: the IAB Tech Lab Content Taxonomy as published
 * (tab-separated, 2.x / 3.x layout: "Unique ID, Parent, Name, Tier 1..4, Extension") or a JSON
 * array of `{ id, label, text? }`. Rows the IAB marks as sensitive (Extension "SCD") are left
 * out: Locus does not profile anyone on sensitive categories.
 */
export function parseTaxonomy(body: string): InterestCategory[] {
  const trimmed = body.trim();
  if (trimmed.startsWith('[')) return fromJson(JSON.parse(trimmed) as unknown);
  return fromTsv(trimmed);
}

function fromJson(rows: unknown): InterestCategory[] {
  if (!Array.isArray(rows)) throw new LocusError('taxonomy-unavailable', 'a JSON taxonomy must be an array');
  const out: InterestCategory[] = [];
  for (const row of rows) {
    const { id, label, text } = (row ?? {}) as Record<string, unknown>;
    if ((typeof id === 'string' || typeof id === 'number') && typeof label === 'string' && label) {
      out.push({ id: String(id), label, text: typeof text === 'string' && text ? text : label });
    }
  }
  return nonEmpty(out);
}

function fromTsv(body: string): InterestCategory[] {
  const lines = body.split(/\r?\n/).map((line) => line.split('\t').map((cell) => cell.trim()));
  const headerAt = lines.findIndex((cells) => cells.includes('Unique ID') && cells.includes('Name'));
  if (headerAt < 0)
    throw new LocusError('taxonomy-unavailable', 'not an IAB taxonomy: no "Unique ID ... Name" header row');
  const header = lines[headerAt]!;
  const col = (name: string) => header.indexOf(name);
  const [id, name] = [col('Unique ID'), col('Name')];
  const tiers = header.flatMap((cell, i) => (/^Tier \d$/.test(cell) ? [i] : []));
  // The extension column has no header in the 3.x files: it is the one after the last tier.
  const extension = tiers.length > 0 ? Math.max(...tiers) + 1 : -1;

  const out: InterestCategory[] = [];
  for (const cells of lines.slice(headerAt + 1)) {
    const label = cells[name];
    if (!cells[id] || !label) continue;
    if (extension >= 0 && /\bSCD\b/.test(cells[extension] ?? '')) continue;
    const path = tiers.map((i) => cells[i]).filter((tier): tier is string => Boolean(tier));
    // "Healthy Living > Fitness and Exercise > Running and Jogging": the path gives the encoder context.
    const text = [...new Set([...path, label])].join(', ');
    out.push({ id: cells[id]!, label, text });
  }
  return nonEmpty(out);
}

function nonEmpty(categories: InterestCategory[]): InterestCategory[] {
  if (categories.length === 0)
    throw new LocusError('taxonomy-unavailable', 'the taxonomy has no usable categories');
  return categories;
}

/** Fetches and parses a taxonomy; errors are typed (`taxonomy-unavailable`). */
export async function loadTaxonomy(url: string, fetcher: typeof fetch = fetch): Promise<InterestCategory[]> {
  let body: string;
  try {
    const response = await fetcher(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.text();
  } catch (err) {
    throw new LocusError('taxonomy-unavailable', `taxonomy ${url} could not be loaded: ${String(err)}`, {
      cause: err,
    });
  }
  try {
    return parseTaxonomy(body);
  } catch (err) {
    if (err instanceof LocusError) throw err;
    throw new LocusError('taxonomy-unavailable', `taxonomy ${url} could not be read: ${String(err)}`, {
      cause: err,
    });
  }
}

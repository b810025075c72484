// Category hierarchies used as a public test of topical similarity: for each tier-2 category, is the
// tier-1 category whose name is nearest (by cosine) its real parent? Parsers read the header row to
// find the columns instead of trusting positions.
import { readDataFile } from './data.js';

export interface ParentTask {
  /** Short id used in tables and JSON, e.g. `iab-content-3.1`. */
  id: string;
  title: string;
  /** Tier-1 names: the candidates. */
  parents: string[];
  /** Each tier-2 name with the index of its true parent in `parents`. */
  children: { name: string; parent: number }[];
}

const IAB_OBTAIN =
  'IAB Tech Lab taxonomies (CC BY 3.0): https://github.com/InteractiveAdvertisingBureau/Taxonomies (Content Taxonomies/, Ad Product Taxonomies/), saved as TSV.';
const TOPICS_OBTAIN =
  'Topics API taxonomy v2: https://github.com/patcg-individual-drafts/topics (taxonomy_v2.md), as "id<TAB>/Tier 1/Tier 2" lines.';

export const TAXONOMY_FILES = {
  'iab-content-3.1': 'iab-taxonomy/content_taxonomy_3.1.tsv',
  'iab-ad-product-2.0': 'iab-taxonomy/ad_product_taxonomy_2.0.tsv',
  'topics-v2': 'topics-taxonomy/taxonomy_v2.derived.tsv',
} as const;

export type TaskId = keyof typeof TAXONOMY_FILES;

/**
 * IAB Tech Lab TSV (Content 3.x: a title row, then the header; Ad Product 2.0: the header first; CRLF).
 * Tier-1 rows have an empty Tier 2; tier-2 rows have a Tier 2 and an empty Tier 3. A child's parent is
 * found by its Parent id, not by the Tier 1 text (Ad Product 2.0 spells "Telcom" in one and "Telecom"
 * in the other). Names are the Name column.
 */
export function parseIabTsv(text: string, id: string, title: string): ParentTask {
  const lines = text.split(/\r?\n/).map((l) => l.split('\t').map((c) => c.trim()));
  const headerAt = lines.findIndex((cells) => cells.includes('Tier 1') && cells.includes('Name'));
  if (headerAt < 0 || headerAt > 3) throw new Error(`${id}: no header row with "Name" and "Tier 1"`);
  const header = lines[headerAt]!;
  const col = (...names: string[]) => {
    const i = header.findIndex((h) => names.includes(h));
    if (i < 0) throw new Error(`${id}: column "${names.join('" or "')}" missing`);
    return i;
  };
  const [uid, parentId, name] = [col('Unique ID'), col('Parent', 'Parent ID'), col('Name')];
  const [t2, t3] = [col('Tier 2'), col('Tier 3')];
  const rows = lines.slice(headerAt + 1).filter((cells) => cells[uid] && cells[name]);
  const tier1 = rows.filter((r) => !r[t2]);
  const parents = unique(tier1.map((r) => r[name]!));
  const nameOfId = new Map(tier1.map((r) => [r[uid]!, r[name]!]));
  const children = rows
    .filter((r) => r[t2] && !r[t3])
    .map((r) => ({ name: r[name]!, parent: parents.indexOf(nameOfId.get(r[parentId]!) ?? '') }));
  return checked({ id, title, parents, children });
}

/** Topics API derived TSV: `id<TAB>/Tier 1/Tier 2/...` after a header line. */
export function parseTopicsTsv(text: string, id: string, title: string): ParentTask {
  const paths = text
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split('\t')[1]?.trim())
    .filter((p): p is string => Boolean(p))
    .map((p) => p.split('/').filter(Boolean));
  const parents = unique(paths.filter((p) => p.length === 1).map((p) => p[0]!));
  const children = paths
    .filter((p) => p.length === 2)
    .map((p) => ({ name: p[1]!, parent: parents.indexOf(p[0]!) }));
  return checked({ id, title, parents, children });
}

function checked(task: ParentTask): ParentTask {
  const orphan = task.children.find((c) => c.parent < 0);
  if (orphan) throw new Error(`${task.id}: "${orphan.name}" has a parent that is not a tier-1 row`);
  if (task.parents.length < 2 || task.children.length === 0)
    throw new Error(`${task.id}: no hierarchy found`);
  return task;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** Loads one task from the data folder; throws EvalDataMissingError when its file is absent. */
export function loadTask(id: TaskId, dir?: string): ParentTask {
  const file = TAXONOMY_FILES[id];
  switch (id) {
    case 'iab-content-3.1':
      return parseIabTsv(readDataFile(file, IAB_OBTAIN, dir), id, 'IAB Content Taxonomy 3.1');
    case 'iab-ad-product-2.0':
      return parseIabTsv(readDataFile(file, IAB_OBTAIN, dir), id, 'IAB Ad Product Taxonomy 2.0');
    case 'topics-v2':
      return parseTopicsTsv(readDataFile(file, TOPICS_OBTAIN, dir), id, 'Topics API taxonomy v2');
  }
}

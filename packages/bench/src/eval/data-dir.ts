import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Evaluation data is never part of the repository (its licences forbid redistribution): it is read
 * from LOCUS_DATA_DIR, else from ../shared/data next to the repository root.
 */
const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

export const DATASETS = {
  'movielens-100k': {
    files: ['u.data', 'u.item'],
    source: 'https://grouplens.org/datasets/movielens/100k/ (ml-100k.zip; research use only)',
  },
  'criteo-sample': {
    files: ['train.tsv', 'dev.tsv'],
    source:
      'rows of the Criteo display-advertising challenge training file (https://www.kaggle.com/c/criteo-display-ad-challenge), tab-separated: label, I1..I13, C1..C26',
  },
} as const;

export type DatasetName = keyof typeof DATASETS;

export class DatasetMissingError extends Error {
  override readonly name = 'DatasetMissingError';
  constructor(
    readonly dataset: DatasetName,
    readonly searched: string[],
  ) {
    const { files, source } = DATASETS[dataset];
    super(
      `evaluation data "${dataset}" not found (looked for ${files.join(', ')} in ${searched.join(' and ')}). ` +
        `Obtain it from ${source}, put the files in <data dir>/${dataset}/, and set LOCUS_DATA_DIR=<data dir> ` +
        `(or place <data dir> at ../shared/data next to the repository). It is never committed to the repository.`,
    );
  }
}

/** Where data is looked for when LOCUS_DATA_DIR does not have it. */
export const DEFAULT_DATA_DIRS = [resolve(REPO_ROOT, '../shared/data')];

export function dataDirCandidates(
  env: NodeJS.ProcessEnv = process.env,
  defaults = DEFAULT_DATA_DIRS,
): string[] {
  return [...(env.LOCUS_DATA_DIR ? [resolve(env.LOCUS_DATA_DIR)] : []), ...defaults];
}

/** The folder holding `dataset`'s files, or a DatasetMissingError that says how to get them. */
export function datasetDir(
  dataset: DatasetName,
  env: NodeJS.ProcessEnv = process.env,
  defaults = DEFAULT_DATA_DIRS,
): string {
  const searched = dataDirCandidates(env, defaults).map((dir) => join(dir, dataset));
  const found = searched.find((dir) => DATASETS[dataset].files.every((file) => existsSync(join(dir, file))));
  if (!found) throw new DatasetMissingError(dataset, searched);
  return found;
}

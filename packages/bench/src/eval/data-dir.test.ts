import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetMissingError, datasetDir } from './data-dir.js';

describe('datasetDir', () => {
  it('finds a dataset under LOCUS_DATA_DIR', () => {
    const root = mkdtempSync(join(tmpdir(), 'locus-data-'));
    mkdirSync(join(root, 'criteo-sample'));
    writeFileSync(join(root, 'criteo-sample', 'train.tsv'), '');
    writeFileSync(join(root, 'criteo-sample', 'dev.tsv'), '');
    expect(datasetDir('criteo-sample', { LOCUS_DATA_DIR: root })).toBe(join(root, 'criteo-sample'));
  });

  it('says where it looked and how to get the data when it is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'locus-nodata-'));
    let error: unknown;
    try {
      datasetDir('movielens-100k', { LOCUS_DATA_DIR: empty }, []);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatasetMissingError);
    const message = (error as Error).message;
    expect(message).toContain(join(empty, 'movielens-100k'));
    expect(message).toContain('grouplens.org');
    expect(message).toContain('LOCUS_DATA_DIR');
  });
});

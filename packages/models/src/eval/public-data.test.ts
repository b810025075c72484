// On the real public data when it is there (LOCUS_DATA_DIR or ../shared/data): the table path agrees
// with the committed transformers.js measurements, and the model beats the bag-of-words baseline.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUILD_OPTIONS, wordTables } from '../glove-sif.js';
import { DEFAULT_ENCODER_ID } from '../index.js';
import { embedWithTable, vocabMap } from '../probe.js';
import { dataDir } from './data.js';
import { loadDemoCorpus } from './demo-corpus.js';
import { readMeasurements } from './measurements.js';
import { bowQuality, measureQuality, type QualityReport } from './quality.js';
import { loadTask, TAXONOMY_FILES } from './taxonomy.js';

const available = existsSync(join(dataDir(), TAXONOMY_FILES['iab-content-3.1']));
if (!available)
  console.warn(`public-data tests skipped: no IAB taxonomy under ${dataDir()} (set LOCUS_DATA_DIR)`);

describe.skipIf(!available)('locus-glove-sif on IAB Content Taxonomy 3.1', () => {
  let model: QualityReport;
  let bow: QualityReport;
  beforeAll(async () => {
    const { table } = await wordTables(DEFAULT_BUILD_OPTIONS);
    const vocab = vocabMap(table.tokens);
    const tasks = [loadTask('iab-content-3.1')];
    const corpus = loadDemoCorpus();
    model = await measureQuality(
      async (texts) => texts.map((t) => embedWithTable(t, table, vocab)),
      tasks,
      corpus,
    );
    bow = bowQuality('tfidf', vocab, tasks, corpus);
  });

  it('reproduces the committed fp32 figures from the word table (to one name in 323)', () => {
    const committed = readMeasurements(DEFAULT_ENCODER_ID)?.quality.fp32;
    expect(committed).toBeDefined();
    const id = 'iab-content-3.1';
    expect(
      Math.abs(model.taxonomies[id]!.accuracy - committed!.taxonomies[id]!.accuracy),
    ).toBeLessThanOrEqual(1 / 323 + 1e-9);
    expect(model.demo.gap).toBeCloseTo(committed!.demo.gap, 3);
  });

  it('beats TF-IDF over the same tokenizer by a wide margin', () => {
    const id = 'iab-content-3.1';
    expect(model.taxonomies[id]!.accuracy).toBeGreaterThan(bow.taxonomies[id]!.accuracy + 0.2);
    expect(model.taxonomyDocs[id]!.accuracy).toBeGreaterThan(bow.taxonomyDocs[id]!.accuracy + 0.2);
  });
});

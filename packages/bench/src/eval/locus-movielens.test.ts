import { activateBackend } from '@locus/sdk/ctr';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocusMovieLens } from './locus-movielens.js';
import { seededRandom } from './random.js';
import { twoTastes } from './two-tastes.js';

describe('LocusMovieLens', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('trains the CTR model centrally and learns tastes that only the ids carry', async () => {
    const data = twoTastes();
    const random = seededRandom(4);
    const dim = 8;
    // Text embeddings carry no signal here: the collaborative part has to do the work.
    const vectors = Float32Array.from({ length: (data.itemCount + 1) * dim }, () => random() * 2 - 1);
    const epochs: number[] = [];
    const locus = new LocusMovieLens(data, vectors, {
      epochs: 8,
      batchPositives: 64,
      learningRate: 0.02,
      shape: { contextIdFields: 0, idBuckets: 1024, factorDim: 8, hidden: [16, 8] },
      onEpoch: (_, __, validation) => epochs.push(validation.hr),
    });
    const before = await locus.evaluate('test');
    const { bestEpoch } = await locus.train();
    const after = await locus.evaluate('test');
    expect(epochs).toHaveLength(8);
    expect(bestEpoch).toBeGreaterThan(0);
    expect(before.hr).toBeLessThan(0.5);
    expect(after.hr).toBeGreaterThan(0.9);
    locus.dispose();
  });
});

// locus.federate() end to end in Node: the SDK (real encoder, real CTR model, fake-indexeddb)
// takes part in a round on a real aggregator over HTTP with 19 other devices, then adopts the
// published global model.
import 'fake-indexeddb/auto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialLocusCtrModel } from '@locus/protocol';
import { type AdCandidate, createLocus } from '@locus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocusAggregator, otherDevices, startLocusAggregator } from '../federation-server.js';

const MODELS = dirname(
  dirname(fileURLToPath(import.meta.resolve('@locus/models/artefacts/locus-glove-sif/config.json'))),
);
const DIM = 100; // locus-glove-sif
const CATALOG: AdCandidate[] = Array.from({ length: 12 }, (_, i) => ({
  id: `ad-${i}`,
  text:
    i % 2
      ? `Running shoes for marathon training, model ${i}.`
      : `Cast iron pans for baking bread, size ${i}.`,
}));

let aggregator: LocusAggregator;

beforeAll(async () => {
  aggregator = await startLocusAggregator({ textDim: DIM, noiseMultiplier: 0, stageMs: 30_000 });
}, 60_000);

afterAll(async () => aggregator?.close());

describe('locus.federate()', () => {
  it('takes part in a round with 19 other devices; the global model moves and is adopted', async () => {
    const { url } = aggregator;
    const locus = await createLocus({
      catalog: CATALOG,
      backend: 'wasm',
      encoder: { baseUrl: MODELS, load: 'eager' },
      storage: { dbName: 'federate-1' },
      aggregator: { url, auto: false, minExamples: 4 },
    });
    expect(await locus.federate()).toMatchObject({ status: 'skipped', reason: 'model-not-ready' });

    await locus.track({ type: 'view', text: 'Marathon training: long runs and race pace for runners.' });
    const ranked = await locus.rank();
    for (const ad of ranked.slice(0, 6)) {
      await locus.track({ type: 'view', adId: ad.id, slot: 'side' });
      await locus.track({ type: 'click', adId: ad.id, slot: 'side' });
    }
    const others = otherDevices(url, 7);
    const stages: string[] = [];
    locus.events.addEventListener('locus:federation', (event) =>
      stages.push((event as CustomEvent<{ stage: string }>).detail.stage),
    );
    const [report, ...theirs] = await Promise.all([locus.federate(), ...others]);
    expect(stages).toEqual(['check-in', 'model', 'share-keys', 'train', 'masked-input', 'unmask', 'done']);
    expect(theirs.map((r) => r.status)).toEqual(Array(19).fill('completed'));
    expect(report).toMatchObject({ status: 'completed', modelVersion: 0, cohortSize: 20, examples: 6 });
    if (report.status !== 'completed') throw new Error('unreachable');
    expect(report.updateNorm).toBeGreaterThan(0); // local training moved the weights
    expect(report.bytesUploaded).toBeGreaterThan(4 * initialLocusCtrModel(DIM).weights.length);

    const published = await (await fetch(`${url}/v1/model`)).json();
    expect(published.model.version).toBe(1);
    await locus.dispose();

    // The next page view adopts version 1 when idle.
    const next = await createLocus({
      catalog: CATALOG,
      backend: 'wasm',
      encoder: { baseUrl: MODELS, load: 'eager' },
      storage: { dbName: 'federate-1' },
      aggregator: { url, auto: false },
    });
    await expect
      .poll(
        async () => {
          await next.rank(); // info() reports the model rank() used
          return next.info().ctrModel.version;
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await next.dispose();
  }, 180_000);
});

import {
  activateBackend,
  allocateBatch,
  allocateHistory,
  batchInputs,
  DcnCtrModel,
  disposeInputs,
  locusCtrShape,
  writeHistory,
  writeRequest,
} from '@locus/sdk/ctr';
import { candidateExposures, type ExposureRecord, rankCandidates } from '@locus/sdk/ranking';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticCatalog } from '../ads.js';
import { compare, type Row, summarize, time } from '../harness.js';

/**
 * The CTR model's serving path against a bare tfjs predict of the same model on the same tensors:
 *   rank pipeline = score() (request upload, cached-ad graph, read-back, calibration)
 *                   + exposure features from records + rankCandidates() (rules, page, reasons);
 *   bare predict  = the same cached-ad graph and a sigmoid, read back, nothing else;
 *   full rows     = the uncached forward pass on resident [n, …] rows (what caching saves).
 * Plus one online-learning step (Adam, history of 20) at on-device batch sizes.
 */

export interface RankModelSuiteOptions {
  sizes: number[];
  backends: ('wasm' | 'cpu')[];
  iterations: number;
  warmup: number;
  /** Text embeddings of `max(sizes)` ads, row-major, and their width. */
  embeddings: { vectors: Float32Array; dim: number };
  /** The user's profile and page vectors. */
  interests: [Float32Array, Float32Array];
}

const NOW = Date.UTC(2025, 5, 1, 12);

/** The prior's weights with deterministic noise, so that every path of the network carries signal. */
function perturbedWeights(shape: ReturnType<typeof locusCtrShape>): Float32Array {
  const prior = DcnCtrModel.create(shape);
  const flat = prior.toFlat();
  prior.dispose();
  for (let i = 0; i < flat.length; i++) flat[i]! += Math.sin(i * 12.9898) * 0.05;
  return flat;
}

export async function rankModelSuite(
  options: RankModelSuiteOptions,
): Promise<{ rows: Row[]; checks: string[] }> {
  const { vectors, dim } = options.embeddings;
  const shape = locusCtrShape(dim);
  await activateBackend(options.backends[0]!, undefined);
  const weights = perturbedWeights(shape);
  const largest = Math.max(...options.sizes);
  const catalog = syntheticCatalog(largest);
  const exposures: ExposureRecord[] = catalog.slice(0, 50).map((ad, i) => ({
    adId: ad.id,
    advertiser: ad.advertiser!,
    category: ad.category!,
    time: NOW - (i + 1) * 3_600_000,
    sessionId: i < 5 ? 'now' : 'earlier',
  }));
  const user = { interests: options.interests, history: { ids: catalog.slice(0, 20).map((ad) => ad.id) } };
  const request = {
    context: { slot: 'sidebar', position: 0, hour: 12, weekday: 0, device: 'desktop' as const },
  };
  const rows: Row[] = [];
  const checks: string[] = [];

  for (const backend of options.backends) {
    await activateBackend(backend, undefined);
    const model = DcnCtrModel.fromFlat(shape, weights);
    const where = `${backend} (Node)`;
    for (const n of options.sizes) {
      const ads = catalog.slice(0, n);
      const prepared = model.prepareAds(
        ads.map((ad, i) => ({ text: vectors.subarray(i * dim, (i + 1) * dim), ids: [ad.id] })),
      );
      const iterations =
        n >= 10_000 && backend === 'cpu' ? Math.min(options.iterations, 10) : options.iterations;
      const runs = { warmup: options.warmup, iterations };

      const pipeline = async () => {
        const features = candidateExposures(prepared.ids, exposures, NOW);
        const pctr = await model.score(user, request, prepared, features);
        return rankCandidates({
          candidates: ads,
          pctr,
          exposures,
          now: NOW,
          sessionId: 'now',
          caps: { ad: { session: 2, day: 5 } },
          pageSize: 3,
          limit: 10,
          seed: 1,
        });
      };
      const bare = async () => {
        const p = tf.tidy(() => tf.sigmoid(model.scoreLogitsTensor(user, request, prepared)));
        await p.data();
        p.dispose();
      };
      // Full rows: the same user and request repeated on every row, uploaded once.
      const batch = allocateBatch(shape, n);
      batch.history = allocateHistory(n, 20);
      for (let i = 0; i < n; i++) {
        writeRequest(shape, batch, i, user, request);
        writeHistory(shape, batch.history, i, user.history);
        batch.adText.set(vectors.subarray(i * dim, (i + 1) * dim), i * dim);
      }
      batch.adIds.set(prepared.idBuckets);
      const inputs = batchInputs(shape, batch);
      const full = async () => {
        const p = tf.tidy(() => tf.sigmoid(model.fullLogitsTensor(inputs)));
        await p.data();
        p.dispose();
      };

      // Correctness before timing: the served pCTR equals the full forward pass's, ad by ad.
      const served = await model.score(user, request, prepared);
      const reference = tf.tidy(() => tf.sigmoid(model.fullLogitsTensor(inputs)));
      const expected = (await reference.data()) as Float32Array;
      reference.dispose();
      let worst = 0;
      served.forEach((p, i) => {
        worst = Math.max(worst, Math.abs(p - expected[i]!));
      });
      if (!(worst < 1e-5))
        throw new Error(`served and full-row pCTR differ by ${worst} (${backend}, ${n} ads)`);
      checks.push(
        `${backend}, ${n} ads: served pCTR = full forward pass (max |Δ| ${worst.toExponential(1)})`,
      );

      const [pipelineTimes, bareTimes] = await compare(pipeline, bare, runs);
      const fullTimes = await time(full, Math.max(3, Math.floor(iterations / 3)));
      const bareRow = summarize({ name: `bare tfjs predict, ${n} ads`, backend: where, times: bareTimes });
      const pipelineRow = summarize({
        name: `score + rankCandidates, ${n} ads`,
        backend: where,
        times: pipelineTimes,
      });
      pipelineRow.ratio = pipelineRow.medianMs / bareRow.medianMs;
      const fullRow = summarize({
        name: `full rows, no ad cache, ${n} ads`,
        backend: where,
        times: fullTimes,
      });
      fullRow.ratio = fullRow.medianMs / bareRow.medianMs;
      rows.push(pipelineRow, bareRow, fullRow);
      disposeInputs(inputs);
      prepared.dispose();
    }

    for (const size of [64, 256]) {
      const trainer = DcnCtrModel.fromFlat(shape, weights);
      const batch = allocateBatch(shape, size);
      batch.history = allocateHistory(size, 20);
      for (let i = 0; i < size; i++) {
        writeRequest(shape, batch, i, user, request);
        writeHistory(shape, batch.history, i, user.history);
        batch.adText.set(vectors.subarray(i * dim, (i + 1) * dim), i * dim);
        batch.labels[i] = i % 10 === 0 ? 1 : 0;
      }
      for (let i = 0; i < options.warmup; i++) await trainer.trainStep(batch);
      const steps = await time(
        () => trainer.trainStep(batch),
        Math.max(5, Math.floor(options.iterations / 2)),
      );
      rows.push(summarize({ name: `online-learning step, batch ${size}`, backend: where, times: steps }));
      trainer.dispose();
    }
    model.dispose();
  }
  return { rows, checks };
}

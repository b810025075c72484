import { type CtrShape, ctrLayout, initialCtrWeights, seededUniform } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../types.js';
import { activateBackend } from './backends.js';
import { allocateBatch, type EncodedBatch } from './batch.js';
import { DcnCtrModel } from './dcn-model.js';

/**
 * Measured backend choice: which tfjs backend scores and which trains this model shape fastest
 * here, among those that compute the same numbers as the plain-JS cpu backend. Measured, not
 * assumed: on a CPU-only machine WebGPU runs on SwiftShader and is far slower than wasm, while on
 * a real GPU small batches are bound by dispatch latency (../shared/device/README.md).
 * The result is cached per (layout, workload, environment) through `BackendChoiceCache`.
 */

export interface BackendMeasurement {
  backend: BackendName;
  available: boolean;
  /** Scores within `tolerance` of the cpu backend's, and the same training loss. */
  correct?: boolean;
  /** Largest |pCTR − cpu pCTR| over the probe. */
  maxError?: number;
  /** Median ms of one score() over `candidates` prepared ads. */
  scoreMs?: number;
  /** Median ms of one training step on `batchSize` examples. */
  trainMs?: number;
  error?: string;
}

export interface BackendChoice {
  score: BackendName;
  train: BackendName;
  key: string;
  measuredAt: number;
  measurements: BackendMeasurement[];
}

/** Where a choice is kept between page views (the SDK's profile store implements it on IndexedDB). */
export interface BackendChoiceCache {
  get(key: string): Promise<BackendChoice | undefined>;
  put(key: string, choice: BackendChoice): Promise<void>;
}

export class InMemoryBackendChoiceCache implements BackendChoiceCache {
  private readonly entries = new Map<string, BackendChoice>();

  async get(key: string): Promise<BackendChoice | undefined> {
    return this.entries.get(key);
  }

  async put(key: string, choice: BackendChoice): Promise<void> {
    this.entries.set(key, choice);
  }
}

export interface ChooseBackendOptions {
  shape: CtrShape;
  /** Ads per score() in the probe (default 1000). */
  candidates?: number;
  /** Examples per training step in the probe (default 64). */
  batchSize?: number;
  /** Backends to try (default wasm, webgl, webgpu, cpu). */
  backends?: BackendName[];
  /** The user's forced choice: used for both, without measuring. */
  force?: BackendName;
  cache?: BackendChoiceCache;
  /** Identifies browser and device in the cache key (default: navigator.userAgent). */
  environment?: string;
  assetsUrl?: string;
  /** Timed runs per measurement (default 5, after one warm-up). */
  repeats?: number;
  /** Allowed |ΔpCTR| against the cpu backend (default 1e-3). */
  tolerance?: number;
  now?: number;
}

const DEFAULT_BACKENDS: BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Probe {
  weights: Float32Array;
  ads: { text: Float32Array; ids: string[] }[];
  user: { interests: Float32Array[]; factor: Float32Array };
  batch: EncodedBatch;
}

/** A deterministic workload: perturbed initial weights (every path open), random ads and examples. */
function probe(shape: CtrShape, candidates: number, batchSize: number): Probe {
  const random = seededUniform(97);
  const vector = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  const weights = initialCtrWeights(shape);
  for (let i = 0; i < weights.length; i++) weights[i]! += (random() * 2 - 1) * 0.05;
  const ads = Array.from({ length: candidates }, (_, i) => ({
    text: vector(shape.textDim),
    ids: [`probe-${i}`],
  }));
  const user = {
    interests: Array.from({ length: shape.interestSlots }, () => vector(shape.textDim)),
    factor: vector(shape.factorDim),
  };
  const batch = allocateBatch(shape, batchSize);
  for (const array of [batch.interests, batch.adText, batch.context, batch.userFactor, batch.exposure]) {
    array.set(vector(array.length));
  }
  for (let i = 0; i < batch.adIds.length; i++) batch.adIds[i] = Math.floor(random() * shape.idBuckets);
  for (let i = 0; i < batch.contextIds.length; i++)
    batch.contextIds[i] = Math.floor(random() * shape.idBuckets);
  for (let i = 0; i < batchSize; i++) batch.labels[i] = random() < 0.3 ? 1 : 0;
  return { weights, ads, user, batch };
}

async function measure(
  probeData: Probe,
  shape: CtrShape,
  repeats: number,
): Promise<{ pctr: Float32Array; loss: number; scoreMs: number; trainMs: number }> {
  const model = DcnCtrModel.fromFlat(shape, probeData.weights);
  const prepared = model.prepareAds(probeData.ads);
  try {
    const pctr = await model.score(probeData.user, {}, prepared);
    const scoreTimes: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await model.score(probeData.user, {}, prepared);
      scoreTimes.push(performance.now() - start);
    }
    const loss = await model.trainStep(probeData.batch);
    const trainTimes: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await model.trainStep(probeData.batch);
      trainTimes.push(performance.now() - start);
    }
    return { pctr, loss, scoreMs: median(scoreTimes), trainMs: median(trainTimes) };
  } finally {
    prepared.dispose();
    model.dispose();
  }
}

/** Measures (or reads from the cache) the fastest correct backend for scoring and for training. */
export async function chooseBackend(options: ChooseBackendOptions): Promise<BackendChoice> {
  const candidates = options.candidates ?? 1000;
  const batchSize = options.batchSize ?? 64;
  const environment =
    options.environment ??
    (globalThis.navigator as { userAgent?: string } | undefined)?.userAgent ??
    'unknown';
  const key = `${ctrLayout(options.shape).key}|n${candidates}|b${batchSize}|${environment}`;
  const now = options.now ?? Date.now();
  if (options.force) {
    await activateBackend(options.force, options.assetsUrl);
    return { score: options.force, train: options.force, key, measuredAt: now, measurements: [] };
  }
  const cached = await options.cache?.get(key);
  if (cached) return cached;

  const previous = tf.getBackend() as BackendName | undefined;
  const repeats = options.repeats ?? 5;
  const tolerance = options.tolerance ?? 1e-3;
  const data = probe(options.shape, candidates, batchSize);
  const measurements: BackendMeasurement[] = [];
  try {
    await activateBackend('cpu', options.assetsUrl);
    const reference = await measure(data, options.shape, 1);
    for (const backend of options.backends ?? DEFAULT_BACKENDS) {
      try {
        await activateBackend(backend, options.assetsUrl);
      } catch (err) {
        measurements.push({
          backend,
          available: false,
          error: err instanceof Error ? err.message : String(err),
        });
        continue;
      }
      try {
        const result = await measure(data, options.shape, repeats);
        let maxError = 0;
        result.pctr.forEach((p, i) => {
          maxError = Math.max(
            maxError,
            Number.isFinite(p) ? Math.abs(p - reference.pctr[i]!) : Number.POSITIVE_INFINITY,
          );
        });
        const sameLoss =
          Math.abs(result.loss - reference.loss) <= tolerance * Math.max(1, Math.abs(reference.loss));
        measurements.push({
          backend,
          available: true,
          correct: maxError <= tolerance && sameLoss,
          maxError,
          scoreMs: result.scoreMs,
          trainMs: result.trainMs,
        });
      } catch (err) {
        measurements.push({
          backend,
          available: true,
          correct: false,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  } finally {
    if (previous) await activateBackend(previous, options.assetsUrl).catch(() => undefined);
  }
  const fastest = (field: 'scoreMs' | 'trainMs'): BackendName =>
    measurements.filter((m) => m.correct && m[field] !== undefined).sort((a, b) => a[field]! - b[field]!)[0]
      ?.backend ?? 'cpu';
  const choice: BackendChoice = {
    score: fastest('scoreMs'),
    train: fastest('trainMs'),
    key,
    measuredAt: now,
    measurements,
  };
  await options.cache?.put(key, choice);
  return choice;
}

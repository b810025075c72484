import { locusCtrShape } from '@locus/protocol';
import type { EncodedBatch } from '../ctr/index.js';
import type { TrainingExample } from '../profile/schema.js';
import type { ProfileStore } from '../profile/store.js';
import type { CtrModel, CtrRuntime } from './ctr-runtime.js';

export interface LearningOptions {
  /** Train when at least this many examples arrived since the last training. */
  minNewExamples: number;
  /** Adam steps per idle session. */
  steps: number;
  /** The most recent examples a session trains on. */
  window: number;
  /** An impression is a negative only once it had this long to be clicked. */
  maturityMs: number;
  /**
   * After rankings, look at the examples at most this often: impressions mature into negatives
   * with time alone, but each look reads every stored example, which a ranking must not pay for.
   */
  recheckMs: number;
}

export const DEFAULT_LEARNING: LearningOptions = {
  minNewExamples: 8,
  steps: 3,
  window: 512,
  maturityMs: 5 * 60_000,
  recheckMs: 60_000,
};

/** Fewer examples of either label than this and calibration is not refitted (too noisy). */
const MIN_PER_LABEL_FOR_CALIBRATION = 20;

/**
 * Examples the model can learn from now: recorded with features (an impression ranked by the
 * model) and labelled for good — a click, or an impression old enough not to become one.
 */
export function matureExamples(
  examples: readonly TrainingExample[],
  now: number,
  options: Pick<LearningOptions, 'maturityMs' | 'window'>,
): TrainingExample[] {
  return examples
    .filter(
      (e) => e.features instanceof Float32Array && (e.label === 1 || now - e.time >= options.maturityMs),
    )
    .slice(-options.window);
}

export interface LearningResult {
  examples: number;
  steps: number;
  loss: number;
  calibrated: boolean;
}

/**
 * Online learning on the device: a few Adam steps on the user's own labelled impressions when
 * the page is idle, a calibration refit when there is enough of both labels, and the weights
 * kept in IndexedDB. Nothing here leaves the device.
 */
export class OnlineLearning {
  private trainedUpTo = 0;
  private running: Promise<LearningResult | undefined> | undefined;
  private lastRecheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctr: CtrRuntime,
    private readonly store: () => Promise<ProfileStore | null>,
    private readonly options: LearningOptions = DEFAULT_LEARNING,
  ) {}

  /** Trains once if enough new examples arrived (at most one session at a time). */
  maybeTrain(dim: number, now = Date.now()): Promise<LearningResult | undefined> {
    this.running ??= this.train(dim, now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Called after a ranking: trains if enough examples matured since the last look, looking at
   * most once per `recheckMs` (new impressions call `maybeTrain` themselves).
   */
  recheck(dim: number, now = Date.now()): Promise<LearningResult | undefined> {
    if (now - this.lastRecheck < this.options.recheckMs) return Promise.resolve(undefined);
    this.lastRecheck = now;
    return this.maybeTrain(dim, now);
  }

  private async train(dim: number, now: number): Promise<LearningResult | undefined> {
    const store = await this.store();
    if (!store) return undefined;
    const all = await store.examples();
    const newest = all.reduce((max, e) => Math.max(max, e.id ?? 0), 0);
    const fresh = all.filter((e) => (e.id ?? 0) > this.trainedUpTo).length;
    if (fresh < this.options.minNewExamples) return undefined;
    const examples = matureExamples(all, now, this.options);
    const ctr = await this.ctr.start();
    const codec = new ctr.CtrExampleCodec(locusCtrShape(dim));
    const { batch } = codec.decode(examples);
    if (batch.size === 0) return undefined;
    const model = await this.ctr.model(dim);
    const result = await this.ctr.exclusive(() => this.fit(model, batch, ctr.calibrate));
    this.trainedUpTo = newest;
    await this.ctr.save(model);
    return { examples: batch.size, ...result };
  }

  private async fit(
    model: CtrModel,
    batch: EncodedBatch,
    calibrate: typeof import('../ctr/index.js').calibrate,
  ): Promise<Omit<LearningResult, 'examples'>> {
    let loss = Number.NaN;
    for (let step = 0; step < this.options.steps; step++) loss = await model.trainStep(batch);
    const labels = batch.labels;
    const positives = labels.reduce((n, y) => n + y, 0);
    const calibrated =
      positives >= MIN_PER_LABEL_FOR_CALIBRATION && batch.size - positives >= MIN_PER_LABEL_FOR_CALIBRATION;
    if (calibrated) model.calibration = calibrate(await model.logits(batch), labels, 'platt');
    return { steps: this.options.steps, loss, calibrated };
  }
}

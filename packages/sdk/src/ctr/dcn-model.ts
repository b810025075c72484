import {
  CTR_EXPOSURE_FEATURES,
  type CtrLayout,
  CtrLayoutError,
  type CtrPrior,
  type CtrShape,
  ctrLayout,
  initialCtrWeights,
} from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import {
  type AdInput,
  allocateBatch,
  allocateHistory,
  batchInputs,
  type CtrInputs,
  disposeHistory,
  disposeInputs,
  type EncodedBatch,
  encodeExamples,
  historyTensors,
  type RequestInput,
  type TrainingExample,
  type UserInput,
  writeHistory,
  writeRequest,
} from './batch.js';
import { applyCalibration, type Calibration, checkCalibration, IDENTITY_CALIBRATION } from './calibration.js';
import { CtrModelError } from './errors.js';
import { type CandidateExposure, encodeExposure } from './features.js';
import { forwardLogits } from './forward.js';
import type { LocalFactors } from './local-factors.js';
import { CtrParameters } from './parameters.js';
import { PreparedAds } from './prepared-ads.js';
import {
  prepareAdState,
  type RequestTensors,
  type ServingWeights,
  scoreLogits,
  servingWeights,
} from './scoring.js';
import { CtrTrainer, type TrainOptions } from './train.js';

export interface CtrModelOptions {
  /** Version of the global weights (0 = the prior; the aggregator publishes v+1 per round). */
  version?: number;
  calibration?: Calibration;
  training?: TrainOptions;
}

/** Per-candidate exposure: one entry per prepared ad (undefined = never shown). */
export type Exposures = readonly (CandidateExposure | undefined)[];

/**
 * The Locus CTR model: DCN-V2 (one or more cross layers in parallel with a relu MLP) over the
 * user's interest vectors, the ad's text embedding, their products and cosines, the request
 * context, exposure history and hashed-id embeddings (item factors, global) against the user's
 * own factor (local). Parameters are tfjs variables laid out as in @locus/protocol's ctrLayout.
 *
 * Serving: `prepareAds` once per catalog and model version, then `score` per request.
 * Learning: `trainStep` on logged impressions. Before any training the model is the prior
 * pCTR = σ(logit(2%) + 8·cos(interest slot 0, ad)).
 */
export class DcnCtrModel {
  readonly layout: CtrLayout;
  version: number;
  private currentCalibration: Calibration;
  private readonly params: CtrParameters;
  private serving: ServingWeights | undefined;
  /** Bumped whenever the weights change; prepared ads and serving weights follow it. */
  private revision = 0;
  private trainer: CtrTrainer | undefined;
  private readonly trainOptions: TrainOptions;
  private disposed = false;

  private constructor(layout: CtrLayout, flat: Float32Array, options: CtrModelOptions) {
    this.layout = layout;
    this.params = new CtrParameters(layout, flat);
    this.version = options.version ?? 0;
    this.currentCalibration = checkCalibration(options.calibration ?? IDENTITY_CALIBRATION);
    this.trainOptions = options.training ?? {};
  }

  /** The untrained model: the similarity prior (see initialCtrWeights in @locus/protocol). */
  static create(shape: CtrShape, options: CtrModelOptions & { prior?: Partial<CtrPrior> } = {}): DcnCtrModel {
    return new DcnCtrModel(ctrLayout(shape), initialCtrWeights(shape, options.prior), options);
  }

  /** A model from a flat weight vector; a vector of the wrong length or with NaN is a CtrModelError. */
  static fromFlat(shape: CtrShape, flat: Float32Array, options: CtrModelOptions = {}): DcnCtrModel {
    try {
      return new DcnCtrModel(ctrLayout(shape), flat, options);
    } catch (err) {
      throw asModelError(err);
    }
  }

  /** How logits become pCTR (see calibrate()); a malformed one is refused with a CtrModelError. */
  get calibration(): Calibration {
    return this.currentCalibration;
  }

  set calibration(calibration: Calibration) {
    this.currentCalibration = checkCalibration(calibration);
  }

  /** Changes whenever the weights do (new version, training step): what results computed from them follow. */
  get weightsRevision(): number {
    return this.revision;
  }

  get shape(): CtrShape {
    return this.layout.shape;
  }

  get parameterCount(): number {
    return this.layout.total;
  }

  private alive(): void {
    if (this.disposed) throw new CtrModelError('disposed', 'the CTR model was disposed');
  }

  private servingWeights(): ServingWeights {
    this.serving ??= servingWeights(this.params, this.layout);
    return this.serving;
  }

  private weightsChanged(): void {
    this.revision++;
    this.serving?.dispose();
    this.serving = undefined;
  }

  /** Host-side encoding of ads (unit text, hashed ids); tensors are built on first use. */
  prepareAds(ads: readonly AdInput[]): PreparedAds {
    this.alive();
    return new PreparedAds(this.shape, this.layout.key, ads);
  }

  private adState(prepared: PreparedAds) {
    if (prepared.layoutKey !== this.layout.key) {
      throw new CtrModelError('bad-input', 'these ads were prepared for a model of another shape');
    }
    if (prepared.state && prepared.owner === this && prepared.revision === this.revision)
      return prepared.state;
    prepared.dispose();
    prepared.state = prepareAdState(
      this.params,
      this.layout,
      this.servingWeights(),
      prepared.text,
      prepared.idBuckets,
    );
    prepared.owner = this;
    prepared.revision = this.revision;
    return prepared.state;
  }

  /**
   * Raw logits [n] for every prepared ad, as a tensor the caller disposes. The fast path: the ad
   * side comes from the cache and only this request's rows are uploaded.
   */
  scoreLogitsTensor(
    user: UserInput,
    request: RequestInput,
    prepared: PreparedAds,
    exposures?: Exposures,
  ): tf.Tensor1D {
    this.alive();
    const state = this.adState(prepared);
    const row = allocateBatch(this.shape, 1);
    writeRequest(this.shape, row, 0, user, request);
    const exposure = new Float32Array(prepared.count * CTR_EXPOSURE_FEATURES);
    if (exposures) {
      for (let i = 0; i < prepared.count; i++)
        encodeExposure(exposures[i], exposure, i * CTR_EXPOSURE_FEATURES);
    }
    const { interestSlots: u, textDim: d, contextDim: c, factorDim: k } = this.shape;
    const tensors: RequestTensors = {
      interests: tf.tensor2d(row.interests, [1, u * d]),
      context: tf.tensor2d(row.context, [1, c]),
      contextIds: tf.tensor1d(row.contextIds, 'int32'),
      factor: tf.tensor2d(row.userFactor, [1, k]),
    };
    const historyLength = user.history?.ids.length ?? 0;
    if (historyLength > 0) {
      const history = allocateHistory(1, historyLength);
      writeHistory(this.shape, history, 0, user.history);
      tensors.history = historyTensors(history);
    }
    const exposureTensor = tf.tensor2d(exposure, [prepared.count, CTR_EXPOSURE_FEATURES]);
    try {
      return scoreLogits(this.params, this.layout, this.servingWeights(), state, tensors, exposureTensor);
    } finally {
      const { history, ...plain } = tensors;
      tf.dispose([...Object.values(plain), exposureTensor]);
      disposeHistory(history);
    }
  }

  /** Calibrated pCTR for every prepared ad, in the order they were prepared. */
  async score(
    user: UserInput,
    request: RequestInput,
    prepared: PreparedAds,
    exposures?: Exposures,
  ): Promise<Float32Array> {
    if (prepared.count === 0) return new Float32Array(0);
    const logits = this.scoreLogitsTensor(user, request, prepared, exposures);
    try {
      return this.calibrated((await logits.data()) as Float32Array);
    } finally {
      logits.dispose();
    }
  }

  /** Applies the calibration to logits, in place; a non-finite logit becomes NaN, never a score. */
  calibrated(logits: Float32Array): Float32Array {
    for (let i = 0; i < logits.length; i++) logits[i] = applyCalibration(this.calibration, logits[i]!);
    return logits;
  }

  /**
   * Logits [B] of full rows already on the backend (see batchInputs): the uncached forward pass,
   * one user and one ad per row. For evaluation and benchmarks; the caller disposes the result.
   */
  fullLogitsTensor(inputs: CtrInputs): tf.Tensor1D {
    this.alive();
    return forwardLogits(this.params, this.shape, inputs);
  }

  /** Logits of full rows (the training path), e.g. to evaluate or calibrate on logged examples. */
  async logits(
    batch: EncodedBatch | readonly TrainingExample[],
    factors?: LocalFactors,
  ): Promise<Float32Array> {
    this.alive();
    const encoded = 'size' in batch ? batch : encodeExamples(this.shape, batch);
    if (encoded.size === 0) return new Float32Array(0);
    const rows = factors && encoded.factorRows ? tf.tensor1d(encoded.factorRows, 'int32') : undefined;
    const userFactor = factors && rows ? (tf.gather(factors.table, rows) as tf.Tensor2D) : undefined;
    const inputs = batchInputs(this.shape, encoded, userFactor);
    const logits = forwardLogits(this.params, this.shape, inputs);
    try {
      return (await logits.data()) as Float32Array;
    } finally {
      disposeInputs(inputs);
      logits.dispose();
      rows?.dispose();
    }
  }

  /**
   * One optimizer step (Adam by default) on binary cross-entropy; resolves with the loss before
   * the step. With `factors`, the batch's `factorRows` pick user factors that train alongside.
   */
  async trainStep(batch: EncodedBatch | readonly TrainingExample[], factors?: LocalFactors): Promise<number> {
    this.alive();
    const encoded = 'size' in batch ? batch : encodeExamples(this.shape, batch);
    this.trainer ??= new CtrTrainer(this.params, this.shape, this.trainOptions);
    const loss = await this.trainer.step(encoded, factors);
    this.weightsChanged();
    return loss;
  }

  /** The flat weight vector (a copy), in layout order. Blocks until GPU backends have read back. */
  toFlat(): Float32Array {
    this.alive();
    return this.params.toFlat();
  }

  /** Replaces the weights (e.g. a new global version); validated first, so a bad vector changes nothing. */
  setWeights(flat: Float32Array, version = this.version + 1): void {
    this.alive();
    try {
      this.params.assign(flat);
    } catch (err) {
      throw asModelError(err);
    }
    this.version = version;
    this.weightsChanged();
    // Optimizer moments belong to the old weights.
    this.trainer?.dispose();
    this.trainer = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.serving?.dispose();
    this.trainer?.dispose();
    this.params.dispose();
  }
}

/** Layout failures, re-raised with the model's error codes. */
export function asModelError(err: unknown): unknown {
  if (!(err instanceof CtrLayoutError)) return err;
  const code = {
    'invalid-shape': 'wrong-shape',
    'wrong-length': 'wrong-shape',
    'non-finite': 'non-finite',
    'wrong-version': 'wrong-layout-version',
  } as const;
  return new CtrModelError(code[err.code], err.message, { cause: err });
}

import { CTR_EXPOSURE_FEATURES, type CtrShape, ctrIdBucket } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { CtrModelError } from './errors.js';
import {
  type CandidateExposure,
  contextIdBuckets,
  encodeContext,
  encodeExposure,
  idBuckets,
  LOCUS_CONTEXT_DIM,
  type RequestContext,
  writeUnit,
} from './features.js';

/** The user side of a request, as the model sees it. */
export interface UserInput {
  /** Up to `interestSlots` text-space vectors (slot 0 first); missing or zero ones add nothing. */
  interests: readonly (ArrayLike<number> | undefined)[];
  /** The user's own collaborative factor (`factorDim` values). It never leaves the device. */
  factor?: ArrayLike<number>;
  /**
   * Ads the user engaged with (ad ids, most relevant first) and optional weights (e.g. decaying
   * with age). The model adds their item factors' weighted mean to `factor`: a collaborative user
   * representation computed on the device from global item factors, with no per-user parameter.
   */
  history?: UserHistory;
}

export interface UserHistory {
  ids: readonly string[];
  weights?: readonly number[];
}

/** The request side: what `encodeContext` reads, or pre-encoded features for custom shapes. */
export interface RequestInput {
  context?: RequestContext;
  /** `contextDim` values; replaces `context` (e.g. log-transformed numeric features). */
  contextFeatures?: ArrayLike<number>;
  /** Categorical request values, one per context-id field; defaults to [context.slot]. */
  contextIds?: readonly string[];
}

export interface AdInput {
  /** The ad's text embedding (`textDim` values). */
  text?: ArrayLike<number>;
  /** One value per ad-id field; ids[0] is the ad's own id. */
  ids: readonly string[];
}

/** One logged impression: what was shown to whom, where, and whether it was clicked. */
export interface TrainingExample extends RequestInput {
  user: UserInput;
  ad: AdInput;
  exposure?: CandidateExposure;
  /** 1 when clicked (within the attribution window), else 0. */
  label: number;
  weight?: number;
}

/** Examples as row-major typed arrays: what the tensors are built from. */
export interface EncodedBatch {
  size: number;
  /** size × interestSlots × textDim, unit or zero rows. */
  interests: Float32Array;
  /** size × textDim, unit or zero rows. */
  adText: Float32Array;
  context: Float32Array;
  contextIds: Int32Array;
  adIds: Int32Array;
  userFactor: Float32Array;
  exposure: Float32Array;
  labels: Float32Array;
  weights: Float32Array;
  /** Rows of a LocalFactors table to train together with the model, instead of `userFactor`. */
  factorRows?: Int32Array;
  /** Per row, `length` history slots: id buckets and weights (each row's weights sum to 1, or 0). */
  history?: EncodedHistory;
}

export interface EncodedHistory {
  length: number;
  /** [entries × length] id buckets. */
  buckets: Int32Array;
  /** [entries × length] weights. */
  weights: Float32Array;
  /**
   * Which entry each batch row uses; without it, entry i belongs to row i. Rows of one user
   * (a click and its sampled non-clicks) share an entry, so its factors are gathered once.
   */
  groups?: Int32Array;
}

export function allocateHistory(size: number, length: number): EncodedHistory {
  return { length, buckets: new Int32Array(size * length), weights: new Float32Array(size * length) };
}

/** Writes a user's history into row `row`: the first `length` ids, weights normalized to sum 1. */
export function writeHistory(
  shape: CtrShape,
  history: EncodedHistory,
  row: number,
  user: UserHistory | undefined,
) {
  const { length } = history;
  const base = row * length;
  let total = 0;
  const count = Math.min(length, user?.ids.length ?? 0);
  for (let h = 0; h < length; h++) {
    const weight = h < count ? Number(user?.weights?.[h] ?? 1) : 0;
    const valid = Number.isFinite(weight) && weight > 0;
    history.buckets[base + h] = h < count ? ctrIdBucket(0, user!.ids[h]!, shape.idBuckets) : 0;
    history.weights[base + h] = valid ? weight : 0;
    if (valid) total += weight;
  }
  if (total > 0) for (let h = 0; h < length; h++) history.weights[base + h]! /= total;
}

export function allocateBatch(shape: CtrShape, size: number): EncodedBatch {
  return {
    size,
    interests: new Float32Array(size * shape.interestSlots * shape.textDim),
    adText: new Float32Array(size * shape.textDim),
    context: new Float32Array(size * shape.contextDim),
    contextIds: new Int32Array(size * shape.contextIdFields),
    adIds: new Int32Array(size * shape.adIdFields),
    userFactor: new Float32Array(size * shape.factorDim),
    exposure: new Float32Array(size * CTR_EXPOSURE_FEATURES),
    labels: new Float32Array(size),
    weights: new Float32Array(size).fill(1),
  };
}

/** Writes the request-side features of row `row`. */
export function writeRequest(
  shape: CtrShape,
  batch: EncodedBatch,
  row: number,
  user: UserInput,
  request: RequestInput,
) {
  const { textDim: d, interestSlots: u, contextDim: c, factorDim: k } = shape;
  for (let s = 0; s < u; s++) writeUnit(user.interests[s], batch.interests, (row * u + s) * d, d);
  if (request.contextFeatures) {
    if (request.contextFeatures.length !== c) {
      throw new CtrModelError(
        'bad-input',
        `contextFeatures has ${request.contextFeatures.length} values, the model reads ${c}`,
      );
    }
    for (let i = 0; i < c; i++) {
      const v = Number(request.contextFeatures[i]);
      batch.context[row * c + i] = Number.isFinite(v) ? v : 0;
    }
  } else if (c > 0) {
    if (c !== LOCUS_CONTEXT_DIM) {
      throw new CtrModelError('bad-input', `a model with contextDim ${c} needs contextFeatures`);
    }
    encodeContext(request.context, batch.context.subarray(row * c, (row + 1) * c));
  }
  const contextIds = request.contextIds ?? [request.context?.slot ?? ''];
  contextIdBuckets(
    contextIds,
    shape.contextIdFields,
    shape.idBuckets,
    batch.contextIds,
    row * shape.contextIdFields,
  );
  for (let i = 0; i < k; i++) {
    const v = Number(user.factor?.[i] ?? 0);
    batch.userFactor[row * k + i] = Number.isFinite(v) ? v : 0;
  }
}

export function encodeExamples(shape: CtrShape, examples: readonly TrainingExample[]): EncodedBatch {
  const batch = allocateBatch(shape, examples.length);
  const historyLength = Math.max(0, ...examples.map((e) => e.user.history?.ids.length ?? 0));
  if (historyLength > 0) batch.history = allocateHistory(examples.length, historyLength);
  examples.forEach((example, row) => {
    writeRequest(shape, batch, row, example.user, example);
    if (batch.history) writeHistory(shape, batch.history, row, example.user.history);
    writeUnit(example.ad.text, batch.adText, row * shape.textDim, shape.textDim);
    idBuckets(example.ad.ids, shape.adIdFields, shape.idBuckets, batch.adIds, row * shape.adIdFields);
    encodeExposure(example.exposure, batch.exposure, row * CTR_EXPOSURE_FEATURES);
    if (!(example.label === 0 || example.label === 1)) {
      throw new CtrModelError('bad-input', `example ${row} has label ${example.label}; labels are 0 or 1`);
    }
    batch.labels[row] = example.label;
    const weight = example.weight ?? 1;
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new CtrModelError('bad-input', `example ${row} has weight ${weight}`);
    }
    batch.weights[row] = weight;
  });
  return batch;
}

/** The batch as tensors, in the shapes the forward pass reads. */
export interface CtrInputs {
  interests: tf.Tensor2D; // [B, U·d]
  adText: tf.Tensor2D; // [B, d]
  context: tf.Tensor2D; // [B, c]
  contextIds: tf.Tensor1D; // [B·Fc] int32
  adIds: tf.Tensor1D; // [B·Fa] int32
  primaryAdIds: tf.Tensor1D; // [B] int32: field 0, for the factor product
  userFactor: tf.Tensor2D; // [B, k]
  exposure: tf.Tensor2D; // [B, 2]
  history?: HistoryTensors;
}

export interface HistoryTensors {
  buckets: tf.Tensor1D; // [E·H] int32
  weights: tf.Tensor3D; // [E, H, 1]
  groups?: tf.Tensor1D; // [B] int32, entry of each row
}

export function batchInputs(shape: CtrShape, batch: EncodedBatch, userFactor?: tf.Tensor2D): CtrInputs {
  const n = batch.size;
  const primary = new Int32Array(n);
  for (let i = 0; i < n; i++) primary[i] = batch.adIds[i * shape.adIdFields]!;
  return {
    interests: tf.tensor2d(batch.interests, [n, shape.interestSlots * shape.textDim]),
    adText: tf.tensor2d(batch.adText, [n, shape.textDim]),
    context: tf.tensor2d(batch.context, [n, shape.contextDim]),
    contextIds: tf.tensor1d(batch.contextIds, 'int32'),
    adIds: tf.tensor1d(batch.adIds, 'int32'),
    primaryAdIds: tf.tensor1d(primary, 'int32'),
    userFactor: userFactor ?? tf.tensor2d(batch.userFactor, [n, shape.factorDim]),
    exposure: tf.tensor2d(batch.exposure, [n, CTR_EXPOSURE_FEATURES]),
    ...(batch.history ? { history: historyTensors(batch.history) } : {}),
  };
}

export function historyTensors(history: EncodedHistory): HistoryTensors {
  const entries = history.weights.length / Math.max(1, history.length);
  return {
    buckets: tf.tensor1d(history.buckets, 'int32'),
    weights: tf.tensor3d(history.weights, [entries, history.length, 1]),
    ...(history.groups ? { groups: tf.tensor1d(history.groups, 'int32') } : {}),
  };
}

export function disposeHistory(history: HistoryTensors | undefined): void {
  if (history) tf.dispose([history.buckets, history.weights, ...(history.groups ? [history.groups] : [])]);
}

export function disposeInputs(inputs: CtrInputs): void {
  const { history, ...tensors } = inputs;
  tf.dispose(Object.values(tensors));
  disposeHistory(history);
}

/** Rows [start, end) of a batch, sharing its memory. */
export function sliceBatch(shape: CtrShape, batch: EncodedBatch, start: number, end: number): EncodedBatch {
  const rows = (a: Float32Array | Int32Array, width: number) => a.subarray(start * width, end * width);
  const sliced: EncodedBatch = {
    size: end - start,
    interests: rows(batch.interests, shape.interestSlots * shape.textDim) as Float32Array,
    adText: rows(batch.adText, shape.textDim) as Float32Array,
    context: rows(batch.context, shape.contextDim) as Float32Array,
    contextIds: rows(batch.contextIds, shape.contextIdFields) as Int32Array,
    adIds: rows(batch.adIds, shape.adIdFields) as Int32Array,
    userFactor: rows(batch.userFactor, shape.factorDim) as Float32Array,
    exposure: rows(batch.exposure, CTR_EXPOSURE_FEATURES) as Float32Array,
    labels: batch.labels.subarray(start, end),
    weights: batch.weights.subarray(start, end),
  };
  if (batch.factorRows) sliced.factorRows = batch.factorRows.subarray(start, end);
  if (batch.history) {
    const { length, buckets, weights, groups } = batch.history;
    sliced.history = groups
      ? { length, buckets, weights, groups: groups.subarray(start, end) }
      : {
          length,
          buckets: buckets.subarray(start * length, end * length),
          weights: weights.subarray(start * length, end * length),
        };
  }
  return sliced;
}

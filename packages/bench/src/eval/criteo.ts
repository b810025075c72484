import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allocateBatch,
  type CtrShape,
  DcnCtrModel,
  type EncodedBatch,
  idBuckets,
  sliceBatch,
} from '@locus/sdk/ctr';
import { auc, logLoss } from './metrics.js';
import { seededRandom, shuffle } from './random.js';

/**
 * Criteo display-advertising rows (label, 13 integer features, 26 hashed categoricals): the CTR
 * model on its own, without the text path. Logistic regression on hashed one-hot features is the
 * classic baseline; both are trained on train and selected (epochs) on dev, where both are reported.
 */

export interface CriteoRow {
  label: number;
  numeric: number[];
  categorical: string[];
}

export const NUMERIC_FEATURES = 13;
export const CATEGORICAL_FEATURES = 26;

export function parseCriteo(text: string): CriteoRow[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = line.split('\t');
      return {
        label: Number(fields[0]) === 1 ? 1 : 0,
        numeric: fields.slice(1, 1 + NUMERIC_FEATURES).map((v) => (v === '' ? Number.NaN : Number(v))),
        categorical: fields.slice(1 + NUMERIC_FEATURES, 1 + NUMERIC_FEATURES + CATEGORICAL_FEATURES),
      };
    });
}

export function loadCriteo(dir: string): { train: CriteoRow[]; dev: CriteoRow[] } {
  return {
    train: parseCriteo(readFileSync(join(dir, 'train.tsv'), 'utf8')),
    dev: parseCriteo(readFileSync(join(dir, 'dev.tsv'), 'utf8')),
  };
}

/** log(1 + x) for counts (signed for the odd negative value); missing is 0. */
export function logTransform(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

export interface CtrEvaluation {
  auc: number;
  logLoss: number;
  /** The epoch whose dev log loss was lowest. */
  epoch: number;
}

function evaluation(p: ArrayLike<number>, rows: CriteoRow[], epoch: number): CtrEvaluation {
  const labels = rows.map((r) => r.label);
  return { auc: auc(p, labels), logLoss: logLoss(p, labels), epoch };
}

/**
 * Logistic regression over one-hot hashed categoricals (2^18 buckets, field in the hash), the
 * log-transformed numerics and missing-value indicators, trained by Adagrad with L2.
 */
export function logisticRegression(
  train: CriteoRow[],
  dev: CriteoRow[],
  options = { epochs: 20, learningRate: 0.05, l2: 1e-5, seed: 5 },
): CtrEvaluation {
  const buckets = 1 << 18;
  const dense = NUMERIC_FEATURES * 2;
  const weights = new Float64Array(buckets + dense + 1);
  const squares = new Float64Array(weights.length).fill(1e-8);
  const features = (row: CriteoRow) => {
    const indices: number[] = [];
    const values: number[] = [];
    row.numeric.forEach((x, i) => {
      indices.push(buckets + 2 * i, buckets + 2 * i + 1);
      values.push(logTransform(x), Number.isFinite(x) ? 0 : 1);
    });
    row.categorical.forEach((value, field) => {
      const bucket = new Int32Array(1);
      idBuckets([value], 1, buckets, bucket);
      // Field number folded in, so equal values of different fields do not share a weight.
      indices.push((bucket[0]! + field * 7919) % buckets);
      values.push(1);
    });
    indices.push(buckets + dense);
    values.push(1);
    return { indices, values };
  };
  const encodedTrain = train.map(features);
  const encodedDev = dev.map(features);
  const predict = (f: { indices: number[]; values: number[] }) => {
    let z = 0;
    f.indices.forEach((j, k) => {
      z += weights[j]! * f.values[k]!;
    });
    return 1 / (1 + Math.exp(-z));
  };
  const random = seededRandom(options.seed);
  const order = train.map((_, i) => i);
  let best: CtrEvaluation = { auc: Number.NaN, logLoss: Number.POSITIVE_INFINITY, epoch: 0 };
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (const i of shuffle(order, random)) {
      const f = encodedTrain[i]!;
      const error = predict(f) - train[i]!.label;
      f.indices.forEach((j, k) => {
        const g = error * f.values[k]! + options.l2 * weights[j]!;
        squares[j]! += g * g;
        weights[j]! -= (options.learningRate * g) / Math.sqrt(squares[j]!);
      });
    }
    const current = evaluation(encodedDev.map(predict), dev, epoch);
    if (current.logLoss < best.logLoss) best = current;
  }
  return best;
}

/** The Criteo shape: no text; numerics as context features; the 26 categoricals as id fields. */
export const CRITEO_SHAPE: CtrShape = {
  textDim: 0,
  interestSlots: 0,
  contextDim: NUMERIC_FEATURES,
  contextIdFields: 0,
  adIdFields: CATEGORICAL_FEATURES,
  idBuckets: 1 << 15,
  factorDim: 8,
  fieldDim: 1,
  crossLayers: 2,
  hidden: [64, 32],
};

export interface CriteoOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  weightDecay: number;
  seed: number;
  shape?: Partial<CtrShape>;
}

export const DEFAULT_CRITEO_OPTIONS: CriteoOptions = {
  epochs: 6,
  batchSize: 256,
  learningRate: 0.002,
  l2: 1e-3,
  weightDecay: 1e-4,
  seed: 9,
};

export function encodeCriteo(shape: CtrShape, rows: CriteoRow[]): EncodedBatch {
  const batch = allocateBatch(shape, rows.length);
  rows.forEach((row, r) => {
    row.numeric.forEach((x, i) => {
      batch.context[r * shape.contextDim + i] = logTransform(x);
    });
    idBuckets(row.categorical, shape.adIdFields, shape.idBuckets, batch.adIds, r * shape.adIdFields);
    batch.labels[r] = row.label;
  });
  return batch;
}

export async function locusOnCriteo(
  train: CriteoRow[],
  dev: CriteoRow[],
  options: CriteoOptions = DEFAULT_CRITEO_OPTIONS,
  onEpoch?: (epoch: number, dev: CtrEvaluation) => void,
): Promise<CtrEvaluation> {
  const shape = { ...CRITEO_SHAPE, ...options.shape };
  const model = DcnCtrModel.create(shape, {
    training: { learningRate: options.learningRate, l2: options.l2, weightDecay: options.weightDecay },
    // The bias starts at the training click rate, as the regression's intercept soon does.
    prior: { seed: options.seed, baseRate: train.filter((r) => r.label === 1).length / train.length },
  });
  try {
    const random = seededRandom(options.seed);
    const devBatch = encodeCriteo(shape, dev);
    let best: CtrEvaluation = { auc: Number.NaN, logLoss: Number.POSITIVE_INFINITY, epoch: 0 };
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const batch = encodeCriteo(shape, shuffle([...train], random));
      for (let start = 0; start < batch.size; start += options.batchSize) {
        await model.trainStep(
          sliceBatch(shape, batch, start, Math.min(batch.size, start + options.batchSize)),
        );
      }
      const current = evaluation(model.calibrated(await model.logits(devBatch)), dev, epoch);
      onEpoch?.(epoch, current);
      if (current.logLoss < best.logLoss) best = current;
    }
    return best;
  } finally {
    model.dispose();
  }
}

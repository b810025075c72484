import type { CtrShape } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { batchInputs, disposeInputs, type EncodedBatch } from './batch.js';
import { CtrModelError } from './errors.js';
import { forwardLogits } from './forward.js';
import { registerCtrGradients } from './gradients.js';
import type { LocalFactors } from './local-factors.js';
import type { CtrParameters } from './parameters.js';

export interface TrainOptions {
  optimizer?: 'adam' | 'sgd';
  learningRate?: number;
  /**
   * L2 penalty on the id embeddings and user factors a batch touches (per example), the usual
   * regularizer of factorization models: ids seen a few times would otherwise be memorized.
   */
  l2?: number;
  /** L2 penalty on every other weight matrix (cross, deep, projections), per batch. */
  weightDecay?: number;
}

export const DEFAULT_TRAIN_OPTIONS: Required<TrainOptions> = {
  optimizer: 'adam',
  learningRate: 0.002,
  l2: 1e-4,
  weightDecay: 0,
};

/**
 * Weighted mean of binary cross-entropy on logits: softplus(z) − y·z, stable for any z.
 * `totalWeight` comes from the host so that the graph needs no division gradient.
 */
export function weightedLogLoss(
  logits: tf.Tensor1D,
  labels: tf.Tensor1D,
  weights: tf.Tensor1D,
  totalWeight: number,
): tf.Scalar {
  return tf.tidy(() => {
    const losses = tf.sub(tf.softplus(logits), tf.mul(labels, logits));
    return tf.mul(tf.sum(tf.mul(losses, weights)), 1 / Math.max(totalWeight, 1e-12)) as tf.Scalar;
  });
}

/** Runs optimizer steps on a model's parameters (and optionally on local user factors). */
export class CtrTrainer {
  private readonly optimizer: tf.Optimizer;
  readonly options: Required<TrainOptions>;

  constructor(
    private readonly params: CtrParameters,
    private readonly shape: CtrShape,
    options: TrainOptions = {},
  ) {
    registerCtrGradients();
    this.options = { ...DEFAULT_TRAIN_OPTIONS, ...options };
    const { learningRate, optimizer } = this.options;
    if (!(learningRate > 0 && Number.isFinite(learningRate))) {
      throw new CtrModelError('bad-input', `learning rate must be positive, got ${learningRate}`);
    }
    this.optimizer = optimizer === 'sgd' ? tf.train.sgd(learningRate) : tf.train.adam(learningRate);
  }

  /** One step on `batch`; resolves with the batch's loss before the step. */
  async step(batch: EncodedBatch, factors?: LocalFactors): Promise<number> {
    if (batch.size === 0) return 0;
    if (factors && !batch.factorRows) {
      throw new CtrModelError('bad-input', 'training with a factor table needs batch.factorRows');
    }
    const rows = factors && batch.factorRows ? tf.tensor1d(batch.factorRows, 'int32') : undefined;
    const inputs = batchInputs(
      this.shape,
      batch,
      rows ? tf.zeros([batch.size, this.shape.factorDim]) : undefined,
    );
    const labels = tf.tensor1d(batch.labels);
    const weights = tf.tensor1d(batch.weights);
    let totalWeight = 0;
    for (const w of batch.weights) totalWeight += w;
    const variables = this.params.list();
    if (factors) variables.push(factors.table);
    try {
      const cost = this.optimizer.minimize(
        () => {
          const userFactor =
            factors && rows ? (tf.gather(factors.table, rows) as tf.Tensor2D) : inputs.userFactor;
          const logits = forwardLogits(this.params, this.shape, { ...inputs, userFactor });
          let loss = weightedLogLoss(logits, labels, weights, totalWeight);
          if (this.options.l2 > 0) {
            const ids = tf.gather(this.params.get('id.embedding'), inputs.adIds);
            let penalty = tf.sum(tf.mul(ids, ids));
            if (factors) penalty = tf.add(penalty, tf.sum(tf.mul(userFactor, userFactor)));
            loss = tf.add(loss, tf.mul(penalty, this.options.l2 / batch.size));
          }
          if (this.options.weightDecay > 0) {
            let decay: tf.Tensor = tf.scalar(0);
            for (const p of this.params.layout.parameters) {
              if (p.dims.length !== 2 || p.name === 'id.embedding') continue;
              const w = this.params.get(p.name);
              decay = tf.add(decay, tf.sum(tf.mul(w, w)));
            }
            loss = tf.add(loss, tf.mul(decay, this.options.weightDecay));
          }
          return loss as tf.Scalar;
        },
        true,
        variables,
      );
      const value = (await cost!.data())[0]!;
      cost!.dispose();
      return value;
    } finally {
      disposeInputs(inputs);
      tf.dispose([labels, weights]);
      rows?.dispose();
    }
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

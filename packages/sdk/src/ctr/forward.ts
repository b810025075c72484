import type { CtrShape } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import type { CtrInputs, HistoryTensors } from './batch.js';
import type { CtrParameters } from './parameters.js';

/**
 * The model's forward pass on full rows (one user, one ad per row): the training path and the
 * reference the cached serving path (scoring.ts) must agree with. Written with plain ops whose
 * gradients gradients.ts provides. Returns logits [B].
 */
export function forwardLogits(params: CtrParameters, shape: CtrShape, inputs: CtrInputs): tf.Tensor1D {
  return tf.tidy(() => {
    const x0 = inputRows(params, shape, inputs);
    return outputLogits(params, shape, x0);
  });
}

/** x0 = [request | ad | candidate] blocks (see ctr-layout.ts in @locus/protocol). */
export function inputRows(params: CtrParameters, shape: CtrShape, inputs: CtrInputs): tf.Tensor2D {
  const n = inputs.adText.shape[0];
  const { textDim: d, interestSlots: u, factorDim: k } = shape;
  const table = params.get('id.embedding');
  const request: tf.Tensor2D[] = [];
  const ad: tf.Tensor2D[] = [];
  const candidate: tf.Tensor2D[] = [];
  let interaction: tf.Tensor2D | undefined;
  let cosines: tf.Tensor2D | undefined;
  if (d > 0) {
    request.push(tf.matMul(inputs.interests, params.matrix('interest.projection')));
    ad.push(tf.matMul(inputs.adText, params.matrix('text.projection')));
    // u_s ⊙ a for every slot s, side by side: [B, U·d].
    const adPerSlot = u === 1 ? inputs.adText : tf.concat(Array<tf.Tensor2D>(u).fill(inputs.adText), 1);
    const products = tf.mul(inputs.interests, adPerSlot) as tf.Tensor2D;
    interaction = tf.matMul(products, params.matrix('interaction.projection')) as tf.Tensor2D;
    cosines = tf.sum(tf.reshape(products, [n, u, d]), 2) as tf.Tensor2D;
  }
  request.push(inputs.context);
  if (shape.contextIdFields > 0) {
    request.push(tf.reshape(tf.gather(table, inputs.contextIds), [n, shape.contextIdFields * k]));
  }
  const userFactor = inputs.history
    ? (tf.add(inputs.userFactor, pooledHistory(table, inputs.history, k)) as tf.Tensor2D)
    : inputs.userFactor;
  request.push(userFactor);
  const adEmbeddings = tf.gather(table, inputs.adIds);
  ad.push(tf.reshape(adEmbeddings, [n, shape.adIdFields * k]));
  if (interaction && cosines) candidate.push(interaction, cosines);
  // Gathers are slow on wasm: with one ad-id field the primary factor is the same gather.
  const itemFactor = shape.adIdFields === 1 ? adEmbeddings : tf.gather(table, inputs.primaryAdIds);
  candidate.push(tf.mul(userFactor, itemFactor), inputs.exposure);
  return concatColumns([...request, ...ad, ...candidate]);
}

/** Weighted mean of the item factors of each row's history: [rows, k]. */
export function pooledHistory(table: tf.Tensor, history: HistoryTensors, k: number): tf.Tensor2D {
  const [entries, length] = history.weights.shape;
  const factors = tf.reshape(tf.gather(table, history.buckets), [entries, length, k]);
  const pooled = tf.sum(tf.mul(factors, history.weights), 1) as tf.Tensor2D;
  return history.groups ? (tf.gather(pooled, history.groups) as tf.Tensor2D) : pooled;
}

/** Concatenates along columns, skipping zero-width parts (e.g. no context features). */
export function concatColumns(parts: tf.Tensor2D[]): tf.Tensor2D {
  const present = parts.filter((t) => t.shape[1] > 0);
  return present.length === 1 ? present[0]! : tf.concat(present, 1);
}

/** Cross stack and deep branch on x0, then the output layer. */
export function outputLogits(params: CtrParameters, shape: CtrShape, x0: tf.Tensor2D): tf.Tensor1D {
  let cross = x0;
  for (let l = 0; l < shape.crossLayers; l++) {
    const gate = tf.add(tf.matMul(cross, params.matrix(`cross.${l}.weight`)), params.get(`cross.${l}.bias`));
    cross = tf.add(tf.mul(x0, gate), cross) as tf.Tensor2D;
  }
  let deep = x0;
  shape.hidden.forEach((_, i) => {
    deep = tf.relu(
      tf.add(tf.matMul(deep, params.matrix(`deep.${i}.weight`)), params.get(`deep.${i}.bias`)),
    ) as tf.Tensor2D;
  });
  return outputLayer(params, cross, deep);
}

export function outputLayer(params: CtrParameters, cross: tf.Tensor2D, deep: tf.Tensor2D): tf.Tensor1D {
  const n = cross.shape[0];
  const wc = params.get('output.cross');
  const wd = params.get('output.deep');
  const logit = tf.add(
    tf.add(
      tf.matMul(cross, tf.reshape(wc, [wc.shape[0]!, 1])),
      tf.matMul(deep, tf.reshape(wd, [wd.shape[0]!, 1])),
    ),
    params.get('output.bias'),
  );
  return tf.reshape(logit, [n]);
}

import type { CtrLayout } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import type { HistoryTensors } from './batch.js';
import { concatColumns, outputLayer, pooledHistory } from './forward.js';
import type { CtrParameters } from './parameters.js';

/**
 * The serving path: the same function as forward.ts, factored so that work depending only on the
 * ad is done once per model version (AdState) and work depending only on the request once per
 * request. What remains per candidate is a [n, d] × [d, m+U] product for the interaction and
 * cosine features, the first-layer products of the small candidate block, and the layers after
 * the first. First layers are linear in x0 = [request | ad | candidate], so
 *   x0·W = request·W_request (1 row) + ad·W_ad (cached) + candidate·W_candidate.
 */

/** First-layer weights split by block, and reshaped views; rebuilt when the weights change. */
export interface ServingWeights {
  crossRequest: tf.Tensor2D;
  crossAd: tf.Tensor2D;
  crossCandidate: tf.Tensor2D;
  deepRequest: tf.Tensor2D;
  deepAd: tf.Tensor2D;
  deepCandidate: tf.Tensor2D;
  /** interaction.projection as [U, d, m]. */
  interaction?: tf.Tensor3D;
  dispose(): void;
}

export function servingWeights(params: CtrParameters, layout: CtrLayout): ServingWeights {
  const { request, ad, candidate } = layout.columns;
  const rows = (w: tf.Tensor2D, range: { offset: number; size: number }) =>
    tf.slice(w, [range.offset, 0], [range.size, w.shape[1]]);
  const cross = params.matrix('cross.0.weight');
  const deep = params.matrix('deep.0.weight');
  const { textDim: d, interestSlots: u, fieldDim: m } = layout.shape;
  const weights = {
    crossRequest: rows(cross, request),
    crossAd: rows(cross, ad),
    crossCandidate: rows(cross, candidate),
    deepRequest: rows(deep, request),
    deepAd: rows(deep, ad),
    deepCandidate: rows(deep, candidate),
    ...(d > 0
      ? { interaction: tf.reshape(params.get('interaction.projection'), [u, d, m]) as tf.Tensor3D }
      : {}),
  };
  return { ...weights, dispose: () => tf.dispose(Object.values(weights)) };
}

/** Everything about a set of ads that does not depend on the user or the request. */
export interface AdState {
  count: number;
  /** [n, d] unit text embeddings. */
  adText: tf.Tensor2D;
  /** [n, ad block width]. */
  adBlock: tf.Tensor2D;
  /** adBlock · W_cross0[ad rows]: [n, x0 width]. */
  adCross: tf.Tensor2D;
  /** adBlock · W_deep0[ad rows]: [n, hidden[0]]. */
  adDeep: tf.Tensor2D;
  /** Ad-id embedding of field 0 (the item factor): [n, k]. */
  adFactor: tf.Tensor2D;
}

export function prepareAdState(
  params: CtrParameters,
  layout: CtrLayout,
  weights: ServingWeights,
  adText: Float32Array,
  adIds: Int32Array,
): AdState {
  const { textDim: d, adIdFields, factorDim: k } = layout.shape;
  const n = adIds.length / adIdFields;
  return tf.tidy(() => {
    const table = params.get('id.embedding');
    const text = tf.tensor2d(adText, [n, d]);
    const ids = tf.tensor1d(adIds, 'int32');
    const embeddings = tf.reshape(tf.gather(table, ids), [n, adIdFields * k]) as tf.Tensor2D;
    const adBlock = concatColumns([
      d > 0 ? tf.matMul(text, params.matrix('text.projection')) : text,
      embeddings,
    ]);
    const primary = adIdFields === 1 ? embeddings : tf.slice(embeddings, [0, 0], [n, k]);
    return {
      count: n,
      adText: text,
      adBlock,
      adCross: tf.matMul(adBlock, weights.crossAd) as tf.Tensor2D,
      adDeep: tf.matMul(adBlock, weights.deepAd) as tf.Tensor2D,
      adFactor: primary,
    };
  });
}

export function disposeAdState(state: AdState): void {
  tf.dispose([state.adText, state.adBlock, state.adCross, state.adDeep, state.adFactor]);
}

/** One request's features: rows of 1. */
export interface RequestTensors {
  interests: tf.Tensor2D; // [1, U·d]
  context: tf.Tensor2D; // [1, c]
  contextIds: tf.Tensor1D; // [Fc] int32
  factor: tf.Tensor2D; // [1, k]
  history?: HistoryTensors; // [H], [1, H, 1]
}

/** Logits [n] for every ad in `ads` against one request; `exposure` is [n, 2]. */
export function scoreLogits(
  params: CtrParameters,
  layout: CtrLayout,
  weights: ServingWeights,
  ads: AdState,
  request: RequestTensors,
  exposure: tf.Tensor2D,
): tf.Tensor1D {
  const { textDim: d, interestSlots: u, factorDim: k, contextIdFields } = layout.shape;
  const n = ads.count;
  return tf.tidy(() => {
    const table = params.get('id.embedding');
    const requestParts: tf.Tensor2D[] = [];
    if (d > 0) requestParts.push(tf.matMul(request.interests, params.matrix('interest.projection')));
    requestParts.push(request.context);
    if (contextIdFields > 0) {
      requestParts.push(tf.reshape(tf.gather(table, request.contextIds), [1, contextIdFields * k]));
    }
    const factor = request.history
      ? (tf.add(request.factor, pooledHistory(table, request.history, k)) as tf.Tensor2D)
      : request.factor;
    requestParts.push(factor);
    const requestRow = concatColumns(requestParts);

    const candidateParts: tf.Tensor2D[] = [];
    if (d > 0 && weights.interaction) {
      // Σ_s diag(u_s)·P_s, then the user vectors themselves as columns: one product gives the
      // interaction projection and the cosines of every ad.
      const slots = tf.reshape(request.interests, [u, d]);
      const projection = tf.sum(tf.mul(weights.interaction, tf.reshape(slots, [u, d, 1])), 0) as tf.Tensor2D;
      candidateParts.push(tf.matMul(ads.adText, tf.concat([projection, tf.transpose(slots)], 1)));
    }
    candidateParts.push(tf.mul(ads.adFactor, factor), exposure);
    const candidate = concatColumns(candidateParts);

    const x0 = concatColumns([tf.tile(requestRow, [n, 1]), ads.adBlock, candidate]);
    const crossBias = tf.add(tf.matMul(requestRow, weights.crossRequest), params.get('cross.0.bias'));
    const gate = tf.add(tf.add(ads.adCross, crossBias), tf.matMul(candidate, weights.crossCandidate));
    let cross = tf.add(tf.mul(x0, gate), x0) as tf.Tensor2D;
    for (let l = 1; l < layout.shape.crossLayers; l++) {
      const next = tf.add(
        tf.matMul(cross, params.matrix(`cross.${l}.weight`)),
        params.get(`cross.${l}.bias`),
      );
      cross = tf.add(tf.mul(x0, next), cross) as tf.Tensor2D;
    }

    const deepBias = tf.add(tf.matMul(requestRow, weights.deepRequest), params.get('deep.0.bias'));
    let deep = tf.relu(
      tf.add(tf.add(ads.adDeep, deepBias), tf.matMul(candidate, weights.deepCandidate)),
    ) as tf.Tensor2D;
    for (let i = 1; i < layout.shape.hidden.length; i++) {
      deep = tf.fused.matMul({
        a: deep,
        b: params.matrix(`deep.${i}.weight`),
        bias: params.get(`deep.${i}.bias`),
        activation: 'relu',
      }) as tf.Tensor2D;
    }
    return outputLayer(params, cross, deep);
  });
}

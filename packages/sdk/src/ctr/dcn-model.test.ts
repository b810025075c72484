import { type CtrShape, ctrLayout, initialCtrWeights, seededUniform } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priorPctr } from '../scoring/prior.js';
import { activateBackend } from './backends.js';
import { allocateHistory, encodeExamples, type TrainingExample, writeHistory } from './batch.js';
import { DcnCtrModel } from './dcn-model.js';
import { locusCtrShape } from './features.js';

/** A small shape with every block present, two cross layers and two deep layers. */
const SHAPE: CtrShape = {
  textDim: 6,
  interestSlots: 2,
  contextDim: 8,
  contextIdFields: 1,
  adIdFields: 2,
  idBuckets: 32,
  factorDim: 3,
  fieldDim: 4,
  crossLayers: 2,
  hidden: [5, 3],
};

const random = seededUniform(42);
const vector = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** Initial weights plus noise everywhere, so that no path of the network is closed. */
function perturbed(shape: CtrShape, scale = 0.3): Float32Array {
  const flat = initialCtrWeights(shape);
  for (let i = 0; i < flat.length; i++) flat[i]! += (random() * 2 - 1) * scale;
  return flat;
}

const ads = Array.from({ length: 7 }, (_, i) => ({ text: vector(6), ids: [`ad-${i}`, `brand-${i % 3}`] }));
const user = {
  interests: [vector(6), vector(6)],
  factor: vector(3),
  history: { ids: ['ad-1', 'ad-4', 'other'], weights: [1, 0.5, 0.25] },
};
const request = {
  context: { slot: 'sidebar', position: 1, hour: 20, weekday: 5, device: 'mobile' as const },
};
const exposures = ads.map((_, i) => (i % 2 ? { count: i, hoursSinceLast: i * 3 } : undefined));

function examplesFor(): TrainingExample[] {
  return ads.map((ad, i) => ({ user, ...request, ad, exposure: exposures[i], label: i % 2 }));
}

describe('DcnCtrModel', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });
  afterAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('starts as the similarity prior pCTR = σ(logit(2%) + 8·cos(slot 0, ad)), whatever else it is given', async () => {
    const model = DcnCtrModel.create(SHAPE);
    const prepared = model.prepareAds(ads);
    const pctr = await model.score(user, request, prepared, exposures);
    const u = unit(user.interests[0]!);
    const bias = Math.log(0.02 / 0.98);
    ads.forEach((ad, i) => {
      const cos = unit(ad.text).reduce((sum, x, j) => sum + x * u[j]!, 0);
      expect(pctr[i]).toBeCloseTo(1 / (1 + Math.exp(-(bias + 8 * cos))), 5);
    });
    // So the untrained model ranks by similarity to the user's interests.
    const order = [...pctr.keys()].sort((a, b) => pctr[b]! - pctr[a]!);
    const cosines = ads.map((ad) => unit(ad.text).reduce((sum, x, j) => sum + x * u[j]!, 0));
    expect(order).toEqual([...cosines.keys()].sort((a, b) => cosines[b]! - cosines[a]!));
    prepared.dispose();
    model.dispose();
  });

  it('ranks the locus demo shape by similarity before training (100-d, default shape)', async () => {
    const model = DcnCtrModel.create(locusCtrShape(100));
    const interest = vector(100);
    const near = interest.map((x) => x + 0.1 * (random() - 0.5));
    const far = vector(100);
    const prepared = model.prepareAds([
      { text: far, ids: ['far'] },
      { text: near, ids: ['near'] },
    ]);
    const [pFar, pNear] = await model.score({ interests: [interest] }, {}, prepared);
    expect(pNear!).toBeGreaterThan(0.9);
    expect(pNear!).toBeGreaterThan(pFar!);
    model.dispose();
  });

  it('scores exactly the prior σ(logit 2% + 8·cos) before training (what the plain-JS path computes)', async () => {
    const dim = 12;
    const model = DcnCtrModel.create(locusCtrShape(dim));
    const userVector = unit(vector(dim));
    const adVectors = Array.from({ length: 20 }, () => unit(vector(dim)));
    const prepared = model.prepareAds(adVectors.map((text, i) => ({ text, ids: [`ad-${i}`] })));
    const scored = await model.score({ interests: [userVector] }, { context: { slot: 'sidebar' } }, prepared);
    scored.forEach((p, i) => {
      const cos = adVectors[i]!.reduce((sum, x, k) => sum + x * userVector[k]!, 0);
      expect(p).toBeCloseTo(priorPctr(cos), 6);
    });
    model.dispose();
  });

  it('serves from cached ad state exactly what the full forward pass computes', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await activateBackend(backend, undefined);
      const model = DcnCtrModel.fromFlat(SHAPE, perturbed(SHAPE));
      const prepared = model.prepareAds(ads);
      const served = await model.score(user, request, prepared, exposures);
      const full = model.calibrated(await model.logits(examplesFor()));
      served.forEach((p, i) => {
        expect(p).toBeCloseTo(full[i]!, 5);
      });
      // Not the prior any more: the noise reaches the output.
      expect(new Set(served.map((p) => Math.round(p * 1e4))).size).toBeGreaterThan(3);
      prepared.dispose();
      model.dispose();
    }
    await activateBackend('cpu', undefined);
  });

  it('rebuilds prepared ads after the weights change, and leaks no tensors while scoring', async () => {
    const model = DcnCtrModel.fromFlat(SHAPE, perturbed(SHAPE));
    const prepared = model.prepareAds(ads);
    const before = await model.score(user, request, prepared, exposures);
    const tensors = tf.memory().numTensors;
    await model.score(user, request, prepared, exposures);
    expect(tf.memory().numTensors).toBe(tensors);
    await model.trainStep(examplesFor());
    const after = await model.score(user, request, prepared, exposures);
    const full = model.calibrated(await model.logits(examplesFor()));
    after.forEach((p, i) => {
      expect(p).toBeCloseTo(full[i]!, 5);
    });
    expect(after).not.toEqual(before);
    prepared.dispose();
    model.dispose();
  });

  it('pools shared history entries (groups) exactly as per-row history', async () => {
    const model = DcnCtrModel.fromFlat(SHAPE, perturbed(SHAPE));
    const perRow = encodeExamples(SHAPE, examplesFor());
    const grouped = { ...perRow, history: allocateHistory(1, 3) };
    writeHistory(SHAPE, grouped.history, 0, user.history);
    grouped.history.groups = new Int32Array(perRow.size);
    expect(await model.logits(grouped)).toEqual(await model.logits(perRow));
    model.dispose();
  });

  it('keeps NaN and Infinity in inputs out of the scores', async () => {
    const model = DcnCtrModel.fromFlat(SHAPE, perturbed(SHAPE));
    const broken = Float32Array.from({ length: 6 }, (_, i) => (i === 2 ? Number.NaN : 1));
    const prepared = model.prepareAds([
      { text: broken, ids: ['nan-ad', 'b'] },
      { text: new Float32Array(6), ids: ['zero-ad', 'b'] },
    ]);
    const pctr = await model.score(
      { interests: [Float32Array.of(Number.POSITIVE_INFINITY, 1, 0, 0, 0, 0)], factor: [Number.NaN, 1, 2] },
      { context: { position: Number.NaN, hour: Number.POSITIVE_INFINITY } },
      prepared,
      [{ count: Number.NaN, hoursSinceLast: -1 }, undefined],
    );
    expect([...pctr].every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('rejects inputs it cannot read with typed errors', () => {
    const model = DcnCtrModel.create(SHAPE);
    expect(() => model.prepareAds([{ text: vector(5), ids: ['short'] }])).toThrow(
      expect.objectContaining({ code: 'bad-input' }),
    );
    expect(() => encodeExamples(SHAPE, [{ ...examplesFor()[0]!, label: 0.5 }])).toThrow(
      expect.objectContaining({ code: 'bad-input' }),
    );
    const other = DcnCtrModel.create({ ...SHAPE, fieldDim: 5 });
    const prepared = other.prepareAds(ads);
    expect(() => model.scoreLogitsTensor(user, request, prepared)).toThrow(
      expect.objectContaining({ code: 'bad-input' }),
    );
    model.dispose();
    other.dispose();
  });

  it('applies a calibration to served pCTR and refuses a malformed one', async () => {
    const model = DcnCtrModel.fromFlat(SHAPE, perturbed(SHAPE));
    const prepared = model.prepareAds(ads);
    const logits = model.scoreLogitsTensor(user, request, prepared);
    const raw = (await logits.data()) as Float32Array;
    logits.dispose();
    model.calibration = { method: 'platt', a: 0.5, b: -1 };
    const served = await model.score(user, request, prepared);
    served.forEach((p, i) => {
      expect(p).toBeCloseTo(1 / (1 + Math.exp(-(0.5 * raw[i]! - 1))), 5);
    });
    expect(() => {
      model.calibration = { method: 'platt', a: Number.NaN, b: 0 };
    }).toThrow(expect.objectContaining({ code: 'non-finite' }));
    expect(model.calibration).toEqual({ method: 'platt', a: 0.5, b: -1 });
    model.dispose();
  });

  it('has the parameter count of its layout', () => {
    const model = DcnCtrModel.create(SHAPE);
    expect(model.parameterCount).toBe(ctrLayout(SHAPE).total);
    expect(model.toFlat()).toEqual(initialCtrWeights(SHAPE));
    model.dispose();
  });
});

import { type CtrShape, ctrLayout, initialCtrWeights, seededUniform } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from './backends.js';
import { batchInputs, disposeInputs, encodeExamples, type TrainingExample } from './batch.js';
import { DcnCtrModel } from './dcn-model.js';
import { forwardLogits } from './forward.js';
import { registerCtrGradients } from './gradients.js';
import { LocalFactors } from './local-factors.js';
import { CtrParameters } from './parameters.js';
import { weightedLogLoss } from './train.js';

const SHAPE: CtrShape = {
  textDim: 4,
  interestSlots: 2,
  contextDim: 8,
  contextIdFields: 1,
  adIdFields: 2,
  idBuckets: 8,
  factorDim: 2,
  fieldDim: 3,
  crossLayers: 2,
  hidden: [4, 3],
};

const random = seededUniform(3);
const vector = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);

function randomExamples(count: number): TrainingExample[] {
  return Array.from({ length: count }, (_, i) => ({
    user: {
      interests: [vector(4), vector(4)],
      factor: vector(2),
      history: { ids: [`ad-${(i + 1) % 5}`, 'x'].slice(0, 1 + (i % 2)) },
    },
    context: { slot: `s${i % 2}`, position: i % 3, hour: i, weekday: i % 7, device: 'desktop' },
    ad: { text: vector(4), ids: [`ad-${i % 5}`, `brand-${i % 2}`] },
    exposure: { count: i % 4, hoursSinceLast: i },
    label: random() < 0.4 ? 1 : 0,
  }));
}

describe('CTR training', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
    registerCtrGradients();
  });

  it('computes the gradients of the loss that finite differences measure', () => {
    const layout = ctrLayout(SHAPE);
    const flat = initialCtrWeights(SHAPE);
    for (let i = 0; i < flat.length; i++) flat[i]! += (random() * 2 - 1) * 0.4;
    const batch = encodeExamples(SHAPE, randomExamples(12));
    const params = new CtrParameters(layout, flat);
    const inputs = batchInputs(SHAPE, batch);
    const labels = tf.tensor1d(batch.labels);
    const weights = tf.tensor1d(batch.weights);
    const loss = () => weightedLogLoss(forwardLogits(params, SHAPE, inputs), labels, weights, batch.size);
    const { grads } = tf.variableGrads(loss, params.list());
    const analytic = new Float32Array(layout.total);
    for (const p of layout.parameters) analytic.set(grads[params.get(p.name).name]!.dataSync(), p.offset);

    const lossAt = (values: Float32Array) => {
      params.assign(values);
      return tf.tidy(() => loss().dataSync()[0]!);
    };
    const eps = 1e-2;
    let checked = 0;
    for (const p of layout.parameters) {
      // A few coordinates of every parameter, including the rows the batch gathers.
      for (const at of [0, Math.floor(p.size / 2), p.size - 1]) {
        const i = p.offset + at;
        const plus = flat.slice();
        plus[i]! += eps;
        const minus = flat.slice();
        minus[i]! -= eps;
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * eps);
        expect(analytic[i]!, `${p.name}[${at}]`).toBeCloseTo(numeric, 3);
        checked++;
      }
    }
    expect(checked).toBe(layout.parameters.length * 3);
    expect(analytic.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    disposeInputs(inputs);
    tf.dispose([labels, weights, ...Object.values(grads)]);
    params.dispose();
  });

  it('learns a rule the similarity prior cannot express (mobile users click brand A)', async () => {
    const shape: CtrShape = { ...SHAPE, textDim: 8, idBuckets: 64, crossLayers: 1, hidden: [16, 8] };
    const make = (n: number): TrainingExample[] =>
      Array.from({ length: n }, (_, i) => {
        const mobile = i % 2 === 0;
        const brandA = Math.floor(i / 2) % 2 === 0;
        return {
          user: { interests: [vector(8)] },
          context: { device: mobile ? 'mobile' : 'desktop' },
          ad: { text: vector(8), ids: [`ad-${i % 13}`, brandA ? 'brand-a' : 'brand-b'] },
          label: mobile === brandA ? 1 : 0,
        };
      });
    const train = encodeExamples(shape, make(256));
    const model = DcnCtrModel.create(shape, { training: { learningRate: 0.02 } });
    const first = await model.trainStep(train);
    let last = first;
    for (let step = 0; step < 150; step++) last = await model.trainStep(train);
    expect(last).toBeLessThan(first * 0.2);

    const test = make(64);
    const p = model.calibrated(await model.logits(test));
    const correct = test.filter((e, i) => (p[i]! > 0.5 ? 1 : 0) === e.label).length;
    expect(correct / test.length).toBeGreaterThan(0.95);
    model.dispose();
  });

  it('trains local user factors alongside the model and leaves them out of the flat weights', async () => {
    const shape: CtrShape = {
      ...SHAPE,
      textDim: 0,
      interestSlots: 0,
      contextDim: 0,
      contextIdFields: 0,
      adIdFields: 1,
    };
    // Two users with opposite tastes over the same two ads: only user factors can tell them apart.
    const examples: TrainingExample[] = [];
    for (let rep = 0; rep < 16; rep++) {
      for (const [row, ad, label] of [
        [0, 'x', 1],
        [0, 'y', 0],
        [1, 'x', 0],
        [1, 'y', 1],
      ] as const) {
        examples.push({
          user: { interests: [] },
          contextFeatures: [],
          ad: { ids: [ad] },
          label,
          weight: row + 1,
        });
      }
    }
    const batch = encodeExamples(shape, examples);
    batch.factorRows = Int32Array.from(examples, (e) => (e.weight === 1 ? 0 : 1));
    batch.weights.fill(1);
    const model = DcnCtrModel.create(shape, { training: { learningRate: 0.05 } });
    const factors = new LocalFactors(2, shape.factorDim);
    const flatLength = model.toFlat().length;
    const first = await model.trainStep(batch, factors);
    let last = first;
    for (let step = 0; step < 200; step++) last = await model.trainStep(batch, factors);
    expect(last).toBeLessThan(first * 0.3);
    const prepared = model.prepareAds([{ ids: ['x'] }, { ids: ['y'] }]);
    const [u0x, u0y] = await model.score(
      { interests: [], factor: factors.row(0) },
      { contextFeatures: [] },
      prepared,
    );
    const [u1x, u1y] = await model.score(
      { interests: [], factor: factors.row(1) },
      { contextFeatures: [] },
      prepared,
    );
    expect(u0x!).toBeGreaterThan(u0y!);
    expect(u1y!).toBeGreaterThan(u1x!);
    expect(model.toFlat().length).toBe(flatLength);
    factors.dispose();
    model.dispose();
  });

  it('rejects a factor table without rows to pick, and bad learning rates', async () => {
    const model = DcnCtrModel.create(SHAPE, { training: { learningRate: -1 } });
    await expect(model.trainStep(randomExamples(2))).rejects.toMatchObject({ code: 'bad-input' });
    const ok = DcnCtrModel.create(SHAPE);
    const factors = new LocalFactors(1, SHAPE.factorDim);
    await expect(ok.trainStep(randomExamples(2), factors)).rejects.toMatchObject({ code: 'bad-input' });
    factors.dispose();
    model.dispose();
    ok.dispose();
  });
});

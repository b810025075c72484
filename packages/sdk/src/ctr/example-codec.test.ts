import { initialCtrWeights, seededUniform } from '@locus/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from './backends.js';
import type { TrainingExample } from './batch.js';
import { DcnCtrModel } from './dcn-model.js';
import { CtrExampleCodec } from './example-codec.js';
import { locusCtrShape } from './features.js';

const shape = { ...locusCtrShape(6), idBuckets: 64, hidden: [5] };
const random = seededUniform(8);
const vector = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);

function example(i: number): TrainingExample {
  return {
    user: {
      interests: [vector(6), vector(6)],
      factor: vector(16),
      history: {
        ids: Array.from({ length: 1 + (i % 4) }, (_, h) => `ad-${h}`),
        weights: [1, 0.5, 0.25, 0.125],
      },
    },
    context: { slot: i % 2 ? 'top' : 'side', position: i % 3, hour: i, weekday: i % 7, device: 'mobile' },
    ad: { text: vector(6), ids: [`ad-${i}`] },
    exposure: { count: i, hoursSinceLast: 2 * i },
    label: i % 3 === 0 ? 1 : 0,
  };
}

describe('CtrExampleCodec', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('replays stored examples exactly as the model saw them', async () => {
    const flat = initialCtrWeights(shape);
    for (let i = 0; i < flat.length; i++) flat[i]! += Math.cos(i) * 0.2;
    const model = DcnCtrModel.fromFlat(shape, flat);
    const codec = new CtrExampleCodec(shape, 4);
    const examples = Array.from({ length: 9 }, (_, i) => example(i));
    const stored = examples.map((e) => ({ features: codec.encode(e), label: e.label }));
    expect(stored[0]!.features.length).toBe(codec.width);
    const { batch, skipped } = codec.decode(stored);
    expect(skipped).toBe(0);
    expect(Array.from(batch.labels)).toEqual(examples.map((e) => e.label));
    const replayed = await model.logits(batch);
    const direct = await model.logits(examples);
    replayed.forEach((z, i) => {
      expect(z).toBeCloseTo(direct[i]!, 5);
    });
    model.dispose();
  });

  it('skips rows written for another shape or without features, and keeps the newest history', () => {
    const codec = new CtrExampleCodec(shape, 2);
    const other = new CtrExampleCodec({ ...shape, factorDim: 8 }, 2);
    const rows = [
      { features: codec.encode(example(3)), label: 1 },
      { features: other.encode(example(3)), label: 0 },
      { label: 0 },
      { features: codec.encode(example(1)), label: 0.5 },
    ];
    const { batch, skipped } = codec.decode(rows);
    expect(batch.size).toBe(1);
    expect(skipped).toBe(3);
    // example(3) has 4 history entries; the codec keeps the 2 most recent, renormalized.
    expect(Array.from(batch.history!.weights)).toEqual([2 / 3, 1 / 3].map(Math.fround));
    expect(codec.id).not.toBe(other.id);
  });
});

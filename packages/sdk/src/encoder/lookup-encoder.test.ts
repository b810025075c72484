import { env, pipeline } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { cosine } from '../util/vector.js';
import { LookupEncoder } from './lookup-encoder.js';
import { modelSource } from './model-files.js';
import { requireBuiltModel } from './test-models.js';

const MODEL = 'locus-glove-sif';
const TEXTS = [
  'The striker scored twice as the football team won the match.',
  'Knead the dough, let it rise, then bake the loaf in a hot oven.',
  'Cheap flights, boutique hotels and rail passes for your city break!',
  'Überraschung: café crème, naïve façade — déjà vu.',
  '',
  '🏃‍♀️🍝✈️',
  'running '.repeat(700),
];

describe('LookupEncoder', () => {
  const base = requireBuiltModel(MODEL);

  for (const dtype of ['fp32', 'q8', 'q4'] as const) {
    it(`matches transformers.js feature-extraction exactly (${dtype})`, async () => {
      const encoder = await LookupEncoder.load(MODEL, dtype, modelSource(base, MODEL));
      env.allowRemoteModels = false;
      env.localModelPath = base;
      const extract = await pipeline('feature-extraction', MODEL, { dtype, device: 'cpu' });
      const ours = await encoder.embed(TEXTS);
      for (const [i, text] of TEXTS.entries()) {
        const reference = await extract(text, { pooling: 'mean', normalize: true });
        const theirs = reference.data as Float32Array;
        if (theirs.every(Number.isFinite)) {
          expect(cosine(ours[i]!, theirs), text).toBeGreaterThan(0.99999);
        } else {
          expect(
            ours[i]!.every((x) => x === 0),
            `no-signal text "${text}" gives zeros`,
          ).toBe(true);
        }
      }
      await extract.dispose();
    });
  }

  it('truncates to the model length, and the same text gives the same vector in any batch', async () => {
    const encoder = await LookupEncoder.load(MODEL, 'q8', modelSource(base, MODEL));
    const [alone] = await encoder.embed([TEXTS[1]!]);
    const [, inBatch] = await encoder.embed([TEXTS[0]!, TEXTS[1]!]);
    expect(Array.from(inBatch!)).toEqual(Array.from(alone!));
    expect(encoder.dim).toBe(100);
  });

  it('says what is wrong with a missing model or a corrupt ONNX file', async () => {
    await expect(LookupEncoder.load('nope', 'q8', modelSource(base, 'nope'))).rejects.toMatchObject({
      code: 'encoder-failed',
      message: expect.stringMatching(/model file .*\/nope\/\S+: could not be read/),
    });
    const source = modelSource(base, MODEL);
    const corrupt = { ...source, bytes: async () => new Uint8Array([7, 7, 7, 7, 1, 2, 3]) };
    await expect(LookupEncoder.load(MODEL, 'q8', corrupt)).rejects.toMatchObject({
      code: 'encoder-failed',
      message: expect.stringMatching(/not a readable ONNX model/),
    });
    const mismatched = {
      ...source,
      json: async <T>(path: string) => {
        const value = await source.json<Record<string, unknown>>(path);
        return (path === 'config.json' ? { ...value, vocab_size: 5 } : value) as T;
      },
    };
    await expect(LookupEncoder.load(MODEL, 'q8', mismatched)).rejects.toMatchObject({
      message: expect.stringMatching(/tokenizer.json has 30046 tokens but config.json says vocab_size 5/),
    });
  });
});

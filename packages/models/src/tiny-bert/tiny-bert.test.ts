// locus-tiny-bert: weights, the reference forward pass, and the ONNX graphs run by transformers.js 4
// in Node (onnxruntime-node, CPU) for fp32, q8 and q4.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, type FeatureExtractionPipeline, pipeline, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUILD_OPTIONS, type WordTables, wordTables } from '../glove-sif.js';
import { TINY_BERT_ID } from '../index.js';
import { cosine, embedWithTable, vocabMap } from '../probe.js';
import { buildTinyBert, pipelineIds } from './build.js';
import { meanPoolNormalized, tinyBertForward } from './reference.js';
import { TINY_BERT_CONFIG, type TinyBertWeights, tinyBertWeights } from './weights.js';

const DTYPES = ['fp32', 'q8', 'q4'] as const;
type Dtype = (typeof DTYPES)[number];
/** A variant with strong layers, so the checks against the reference see attention and the FFN clearly. */
const STRONG = 'tiny-bert-strong';

const root = mkdtempSync(join(tmpdir(), 'locus-models-tiny-'));
let tables: WordTables;
let vocab: Map<string, number>;
let strongWeights: TinyBertWeights;
const extractors = {} as Record<string, FeatureExtractionPipeline>;
const load = async (id: string, dtype: Dtype) => {
  extractors[`${id}/${dtype}`] ??= (await pipeline('feature-extraction', id, {
    dtype,
    device: 'cpu',
  })) as FeatureExtractionPipeline;
  return extractors[`${id}/${dtype}`]!;
};

beforeAll(async () => {
  tables = await wordTables(DEFAULT_BUILD_OPTIONS);
  vocab = vocabMap(tables.table.tokens);
  await buildTinyBert(root, {}, tables);
  strongWeights = (
    await buildTinyBert(root, { id: STRONG, config: { attentionOut: 0.5, ffnOut: 0.5 } }, tables)
  ).weights;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${root}/`;
});

afterAll(async () => {
  for (const e of Object.values(extractors)) await e.dispose();
  rmSync(root, { recursive: true, force: true });
});

const SPORTS = 'the striker scored a goal in the football match';
const COOKING = 'simmer the garlic and tomatoes for the pasta sauce';
const TRAVEL = 'book a cheap flight and a hotel near the beach';

async function pooled(id: string, dtype: Dtype, texts: string[]): Promise<Float32Array[]> {
  const out = await (await load(id, dtype))(texts, { pooling: 'mean', normalize: true });
  const [n, dim] = out.dims as [number, number];
  return Array.from({ length: n }, (_, i) => (out.data as Float32Array).slice(i * dim, (i + 1) * dim));
}

describe('weights', () => {
  it('are the identity when the layers are switched off: output = word row + positions, anchor removed', () => {
    const w = tinyBertWeights({ ...TINY_BERT_CONFIG, attentionOut: 0, ffnOut: 0 });
    const ids = pipelineIds(SPORTS, vocab);
    const out = tinyBertForward(ids, tables.table, w);
    const h = TINY_BERT_CONFIG.hidden;
    ids.forEach((id, t) => {
      for (let d = 0; d < h; d++) {
        const word = d < 100 ? tables.table.data[id * 100 + d]! : 0;
        const pos = d < h - 2 ? w.positions[t * h + d]! : 0;
        expect(out[t * h + d]).toBeCloseTo(word + pos, 6);
      }
    });
  });

  it('write the attention and FFN outputs into the word dims only, without a shared FFN direction', () => {
    const { hidden: h, intermediate: m, wordDim } = TINY_BERT_CONFIG;
    for (const layer of tinyBertWeights().layers) {
      for (let i = 0; i < h; i++)
        for (let j = wordDim; j < h; j++) expect(layer.attentionOutput.w[i * h + j]).toBe(0);
      for (let j = 0; j < h; j++) {
        let sum = 0;
        for (let i = 0; i < m; i++) sum += layer.ffnOut.w[i * h + j]!;
        expect(Math.abs(sum)).toBeLessThan(1e-6);
      }
      // W1 = four stacked rotations: W1 W1ᵀ = 4 I.
      for (const [a, b] of [
        [0, 0],
        [0, 1],
        [5, 77],
        [127, 127],
      ] as const) {
        let dot = 0;
        for (let k = 0; k < m; k++) dot += layer.ffnIn.w[a * m + k]! * layer.ffnIn.w[b * m + k]!;
        expect(dot).toBeCloseTo(a === b ? 4 : 0, 5);
      }
    }
  });

  it('keep the pooled output close to the locus-glove-sif embedding', () => {
    for (const text of [SPORTS, COOKING, TRAVEL]) {
      const ids = pipelineIds(text, vocab);
      const v = meanPoolNormalized(tinyBertForward(ids, tables.table, tinyBertWeights()), ids.length, 128);
      expect(cosine(v.subarray(0, 100), embedWithTable(text, tables.table, vocab))).toBeGreaterThan(0.95);
    }
  });
});

describe('ONNX graph in transformers.js (Node, cpu)', () => {
  it('fp32 reproduces the reference forward pass token by token, with padding in the batch', async () => {
    const texts = [SPORTS, 'cheap flights', `${COOKING} ${TRAVEL} ${SPORTS}`];
    const out = (await (await load(STRONG, 'fp32'))(texts, { pooling: 'none' })) as Tensor;
    const [, seq, h] = out.dims as [number, number, number];
    texts.forEach((text, b) => {
      const ids = pipelineIds(text, vocab);
      const ref = tinyBertForward(ids, tables.table, strongWeights);
      for (let t = 0; t < ids.length; t++) {
        for (let d = 0; d < h; d++) {
          expect(Math.abs((out.data as Float32Array)[(b * seq + t) * h + d]! - ref[t * h + d]!)).toBeLessThan(
            2e-4,
          );
        }
      }
    });
  });

  it('masks padding: a text embeds the same alone and next to a longer one', async () => {
    // q8 quantizes activations with one scale per tensor (DynamicQuantizeLinear), so the rest of the
    // batch shifts its rounding slightly; fp32 and q4 (float activations) are exact.
    const floor: Record<Dtype, number> = { fp32: 0.99999, q8: 0.999, q4: 0.99999 };
    for (const dtype of DTYPES) {
      const [alone] = await pooled(STRONG, dtype, ['goal']);
      const [padded] = await pooled(STRONG, dtype, [
        'goal',
        'a much longer sentence about the football world cup final',
      ]);
      expect(cosine(alone!, padded!), dtype).toBeGreaterThan(floor[dtype]);
    }
  });

  it('truncates long input to 512 tokens and uses all 512 positions', async () => {
    const long = Array.from({ length: 700 }, (_, i) => ['football', 'pasta', 'beach', 'the'][i % 4]).join(
      ' ',
    );
    const ids = pipelineIds(long, vocab);
    expect(ids).toHaveLength(512);
    const ref = meanPoolNormalized(tinyBertForward(ids, tables.table, strongWeights), 512, 128);
    const [v] = await pooled(STRONG, 'fp32', [long]);
    expect(cosine(v!, ref)).toBeGreaterThan(0.99999);
  });

  it('q8 and q4 agree with fp32 (strong layers, so the quantized MatMuls matter)', async () => {
    const texts = [SPORTS, COOKING, TRAVEL, 'Breaking news: markets rally as the central bank cuts rates'];
    const ref = await pooled(STRONG, 'fp32', texts);
    const q8 = await pooled(STRONG, 'q8', texts);
    const q4 = await pooled(STRONG, 'q4', texts);
    ref.forEach((r, i) => {
      expect(cosine(r, q8[i]!)).toBeGreaterThan(0.999);
      expect(cosine(r, q4[i]!)).toBeGreaterThan(0.98);
    });
  });

  it.each(DTYPES)(
    '%s: the default model keeps same-topic sentences closer by a margin of 0.2',
    async (dtype) => {
      const cases: [string, string, string[]][] = [
        [SPORTS, 'the team won the soccer game', [COOKING, TRAVEL]],
        [COOKING, 'bake the bread in a hot oven with butter', [SPORTS, TRAVEL]],
        [TRAVEL, 'our vacation trip to the island resort', [SPORTS, COOKING]],
      ];
      for (const [anchor, same, others] of cases) {
        const [a, s, ...o] = await pooled(TINY_BERT_ID, dtype, [anchor, same, ...others]);
        for (const other of o) expect(cosine(a!, s!), anchor).toBeGreaterThan(cosine(a!, other) + 0.2);
      }
    },
  );

  it('declares only input_ids and attention_mask (no token_type_ids)', async () => {
    const extractor = await load(TINY_BERT_ID, 'q8');
    const session = (extractor.model as unknown as { sessions: Record<string, { inputNames: string[] }> })
      .sessions;
    const names = Object.values(session).flatMap((s) => s.inputNames);
    expect(names.sort()).toEqual(['attention_mask', 'input_ids']);
  });
});

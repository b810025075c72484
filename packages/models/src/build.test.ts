import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintFolder } from './artefacts.js';
import { type BuildResult, type BuiltModel, buildAll, buildModel, DEFAULT_BUILD_OPTIONS } from './build.js';
import { readMeasurements } from './eval/measurements.js';
import { readSweep, sameVariant } from './eval/sweep-file.js';
import { DEFAULT_ENCODER_ID, MODEL_IDS, modelFiles, TINY_BERT_ID } from './index.js';
import { cosine, embedWithTable, vocabMap, wordPieceTokenize } from './probe.js';
import { principalAxes, SPECIAL_TOKENS, sifWeightedRows } from './sif.js';
import { loadSourceVectors } from './vectors.js';

const root = mkdtempSync(join(tmpdir(), 'locus-models-build-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('buildAll (default options: the real artefacts)', () => {
  let first: BuiltModel[];
  let second: BuiltModel[];
  const model = (id: string) => first.find((m) => m.id === id)!;
  const size = (id: string, path: string) => model(id).files.find((f) => f.path === path)!.bytes;
  beforeAll(async () => {
    first = await buildAll(join(root, 'a'));
    second = await buildAll(join(root, 'b'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes both models in the Hugging Face layout', () => {
    expect(first.map((m) => m.id)).toEqual([...MODEL_IDS]);
    for (const id of MODEL_IDS) {
      expect(modelFiles(id, join(root, 'a'))).toEqual([
        'README.md',
        'config.json',
        'onnx/model.onnx',
        'onnx/model_q4.onnx',
        'onnx/model_quantized.onnx',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
    }
  });

  it('is byte-identical on rebuild, model cards included', () => {
    for (const [i, m] of first.entries()) {
      expect(second[i]!.files).toEqual(m.files);
      expect(second[i]!.fingerprint).toBe(m.fingerprint);
      for (const f of m.files)
        expect(sha(join(second[i]!.dir, f.path)), `${m.id}/${f.path}`).toBe(sha(join(m.dir, f.path)));
    }
  });

  it('keeps the quantized models small', () => {
    expect(size(DEFAULT_ENCODER_ID, 'onnx/model_quantized.onnx')).toBeLessThan(3.5e6);
    expect(size(DEFAULT_ENCODER_ID, 'onnx/model_q4.onnx')).toBeLessThan(2e6);
    expect(size(DEFAULT_ENCODER_ID, 'onnx/model.onnx')).toBeLessThan(13e6);
    expect(size(TINY_BERT_ID, 'onnx/model_quantized.onnx')).toBeLessThan(4e6);
    expect(size(TINY_BERT_ID, 'onnx/model_q4.onnx')).toBeLessThan(2.5e6);
  });

  it('shares one tokenizer between the models', () => {
    const tok = (id: string) => sha(join(model(id).dir, 'tokenizer.json'));
    expect(tok(TINY_BERT_ID)).toBe(tok(DEFAULT_ENCODER_ID));
  });

  it('writes BERT configs that agree with the tokenizer', () => {
    const tok = json(join(model(DEFAULT_ENCODER_ID).dir, 'tokenizer.json')) as {
      model: { vocab: Record<string, number> };
    };
    const vocabSize = Object.keys(tok.model.vocab).length;
    expect(json(join(model(DEFAULT_ENCODER_ID).dir, 'config.json'))).toMatchObject({
      model_type: 'bert',
      hidden_size: 100,
      num_hidden_layers: 0,
      vocab_size: vocabSize,
    });
    expect(json(join(model(TINY_BERT_ID).dir, 'config.json'))).toMatchObject({
      model_type: 'bert',
      hidden_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 512,
      hidden_act: 'gelu',
      max_position_embeddings: 512,
      vocab_size: vocabSize,
      locus: { kind: 'tiny-bert', trained: false },
    });
  });

  it('versions the weights in config.json (sha256 over tokenizer and ONNX files)', () => {
    const versions = first.map((m) => {
      const locus = json(join(m.dir, 'config.json')).locus as { artefacts_sha256: string };
      const files = m.files
        .map((f) => f.path)
        .filter((p) => p.startsWith('onnx/') || p.startsWith('tokenizer'));
      expect(locus.artefacts_sha256, m.id).toBe(fingerprintFolder(m.dir, files));
      return locus.artefacts_sha256;
    });
    expect(new Set(versions).size).toBe(MODEL_IDS.length);
  });

  it('builds with the variant the committed sweep selected', () => {
    const sweep = readSweep();
    expect(sweep, 'measurements/sif-sweep.json').toBeDefined();
    expect(sameVariant(sweep!.selected, DEFAULT_BUILD_OPTIONS)).toBe(true);
  });

  it('has committed measurements for exactly these artefacts, and puts them in the cards', () => {
    for (const m of first) {
      const measured = readMeasurements(m.id);
      expect(measured?.fingerprint, `${m.id}: rerun \`pnpm --filter @locus/models eval\``).toBe(
        m.fingerprint,
      );
      const card = readFileSync(join(m.dir, 'README.md'), 'utf8');
      expect(card).toContain('PDDL');
      expect(card).toMatch(/\| IAB Content Taxonomy 3\.1 \| 323 \| 37 \| \d+\.\d % \|/);
      expect(card).toMatch(/\| q8 \| \d+ \| (0\.9\d{3}|1\.0000) \| /);
      expect(card).toContain('## Measured speed (Node, CPU)');
      for (const f of m.files.filter((x) => x.path !== 'README.md')) expect(card).toContain(f.path);
    }
    expect(readFileSync(join(model(TINY_BERT_ID).dir, 'README.md'), 'utf8')).toContain('**Not trained.**');
  });
});

describe('locus-glove-sif table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'locus-models-glove-'));
  let built: BuildResult;
  beforeAll(async () => {
    built = await buildModel(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the special tokens first and zero', () => {
    const { table } = built;
    SPECIAL_TOKENS.forEach((t, i) => {
      expect(table.tokens[i]).toBe(t);
      expect(table.data.subarray(i * table.dim, (i + 1) * table.dim).every((x) => x === 0)).toBe(true);
    });
    for (const w of ['the', 'football', 'soccer', 'pasta', 'hotel', ',', '$', '##s', '##ing']) {
      expect(table.tokens.includes(w), w).toBe(true);
    }
    // The source ships no single-letter and no numeric tokens: they become [UNK].
    for (const w of ['a', 'i', '2024', '1']) expect(table.tokens.includes(w), w).toBe(false);
    const shares = table.stats.componentShares;
    expect(shares).toEqual([...shares].sort((x, y) => y - x));
    expect(table.stats.eigenGap).toBeGreaterThan(1);
  });

  it('removes the top principal components from every row', async () => {
    const o = DEFAULT_BUILD_OPTIONS;
    const axes = principalAxes(sifWeightedRows(await loadSourceVectors(), o), o.centre);
    const { table } = built;
    for (let i = SPECIAL_TOKENS.length; i < table.tokens.length; i += 97) {
      const row = table.data.subarray(i * table.dim, (i + 1) * table.dim);
      for (let j = 0; j < o.removeComponents; j++) {
        const u = axes.vectors.subarray(j * table.dim, (j + 1) * table.dim);
        expect(Math.abs(row.reduce((s, x, d) => s + x * u[d]!, 0)), table.tokens[i]).toBeLessThan(1e-5);
      }
    }
  });

  it('splits unknown inflections into a known stem and a suffix piece, else [UNK]', () => {
    const vocab = vocabMap(built.table.tokens);
    const ids = wordPieceTokenize('Footballing qwzxvq!', vocab, 1);
    expect(ids.map((i) => built.table.tokens[i])).toEqual(['football', '##ing', '[UNK]', '!']);
    const e = (t: string) => embedWithTable(t, built.table, vocab);
    expect(cosine(e('footballing'), e('football'))).toBeGreaterThan(0.8);
  });

  it('builds a small word-level variant without q4 (and says its card is unmeasured)', async () => {
    const r = await buildModel(dir, { id: 'small', vocabSize: 2000, subwordSuffixes: false, q4: false });
    expect(r.table.tokens.length).toBe(2000 + SPECIAL_TOKENS.length);
    expect(r.files.map((f) => f.path)).not.toContain('onnx/model_q4.onnx');
    expect(json(join(dir, 'small', 'config.json')).vocab_size).toBe(2005);
    expect(readFileSync(join(dir, 'small', 'README.md'), 'utf8')).toContain('Not measured yet');
  });
});

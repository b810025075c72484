// What happens when the model cannot be used: typed reports, contextual ranking, no throw.
import 'fake-indexeddb/auto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AdCandidate, createLocus, type LocusEventMap } from '@locus/sdk';
import { describe, expect, it } from 'vitest';

const MODELS = dirname(
  dirname(fileURLToPath(import.meta.resolve('@locus/models/artefacts/locus-glove-sif/config.json'))),
);

const CATALOG: AdCandidate[] = [
  { id: 'run', text: 'Race day running shoes for marathon training.' },
  { id: 'bread', text: 'Bread flour and a cast iron pot for sourdough baking.' },
];

let db = 0;
async function withModel(model: string, baseUrl = MODELS) {
  const errors: LocusEventMap['locus:error'][] = [];
  const locus = await createLocus({
    catalog: CATALOG,
    backend: 'cpu',
    encoder: { baseUrl, model, load: 'eager' },
    storage: { dbName: `fallback-${db++}` },
  });
  locus.events.addEventListener('locus:error', (e) => errors.push((e as CustomEvent).detail));
  return { locus, errors };
}

describe('when the encoder cannot load', () => {
  it('a model that does not exist is reported and ranking falls back to keywords', async () => {
    const { locus, errors } = await withModel('no-such-model');
    await locus.track({ type: 'view', text: 'Marathon training: long runs and race pace for runners.' });
    const ranked = await locus.rank();
    expect(ranked[0]?.id).toBe('run');
    expect(ranked[0]?.explanation.features.signal).toBe('context');
    expect(errors.map((e) => e.code)).toContain('encoder-failed');
    expect(errors.find((e) => e.code === 'encoder-failed')?.message).toMatch(/no-such-model\/config\.json/);
    expect(locus.info().encoder).toMatchObject({ status: 'failed' });
    expect((await locus.profile.export()).interest).toBeNull();
    await locus.dispose();
  });

  it('a corrupt ONNX file is a typed error, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'locus-corrupt-'));
    cpSync(join(MODELS, 'locus-glove-sif'), join(dir, 'broken'), { recursive: true });
    writeFileSync(join(dir, 'broken', 'onnx', 'model_quantized.onnx'), 'this is not protobuf');
    const { locus, errors } = await withModel('broken', dir);
    await locus.track({ type: 'view', text: 'Sourdough bread baking with flour and a hot oven.' });
    expect((await locus.rank())[0]?.id).toBe('bread');
    expect(errors.find((e) => e.code === 'encoder-failed')?.message).toMatch(/not a readable ONNX model/);
    await locus.dispose();
  });

  it('a tokenizer that does not fit the config is refused by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'locus-mismatch-'));
    cpSync(join(MODELS, 'locus-glove-sif'), join(dir, 'mismatch'), { recursive: true });
    const configPath = join(dir, 'mismatch', 'config.json');
    const config = JSON.parse((await import('node:fs')).readFileSync(configPath, 'utf8'));
    writeFileSync(configPath, JSON.stringify({ ...config, vocab_size: 1234 }));
    const { locus, errors } = await withModel('mismatch', dir);
    await locus.rank();
    expect(errors.find((e) => e.code === 'encoder-failed')?.message).toMatch(/vocab_size 1234/);
    await locus.dispose();
  });
});

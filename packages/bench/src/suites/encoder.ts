import { existsSync } from 'node:fs';
import { env, pipeline } from '@huggingface/transformers';
import { modelsDir } from '@locus/models';
import { CachedEncoder, type EncoderSpec, loadEncoder } from '@locus/sdk/encoder';
import { syntheticCatalog } from '../ads.js';
import { compare, type Row, summarize, time } from '../harness.js';

export interface EncoderSuiteOptions {
  models: string[];
  dtypes: ('fp32' | 'q8' | 'q4')[];
  texts: number;
  iterations: number;
}

const rate = (texts: number, ms: number) => Math.round((texts / ms) * 1000);

/**
 * Node (cpu): texts/s for N short ad texts through the Locus encoder and through a bare
 * transformers.js pipeline on the same model files and inputs, interleaved; cold start; and
 * the embedding cache's hit path against a cold embed.
 */
export async function encoderSuite(options: EncoderSuiteOptions): Promise<{ rows: Row[]; checks: string[] }> {
  const texts = syntheticCatalog(options.texts).map((ad) => ad.text);
  const rows: Row[] = [];
  const checks: string[] = [];
  env.allowRemoteModels = false;
  env.localModelPath = `${modelsDir()}/`;

  for (const model of options.models) {
    if (!existsSync(`${modelsDir()}/${model}/config.json`)) {
      checks.push(`${model}: not built, skipped (run: pnpm --filter @locus/models build)`);
      continue;
    }
    for (const dtype of options.dtypes) {
      const spec: EncoderSpec = { model, dtype, baseUrl: modelsDir(), device: 'cpu' };
      const coldStart = await time(async () => {
        const loaded = await loadEncoder(spec);
        await loaded.encoder.embed(['first']);
        await loaded.encoder.dispose();
      }, 3);
      const { encoder, runtime } = await loadEncoder(spec);
      const bare = await pipeline('feature-extraction', model, { dtype, device: 'cpu' });
      const where = `Node cpu, ${runtime === 'lookup' ? 'Locus JS lookup' : 'transformers.js'}`;

      const [ours, theirs] = await compare(
        () => encoder.embed(texts),
        () => bare(texts, { pooling: 'mean', normalize: true }),
        { warmup: 1, iterations: options.iterations },
      );
      const oursRow = summarize({
        name: `${model} ${dtype}: Locus encoder, ${texts.length} texts`,
        backend: where,
        times: ours,
      });
      const bareRow = summarize({
        name: `${model} ${dtype}: bare transformers.js pipeline`,
        backend: 'Node cpu, onnxruntime-node',
        times: theirs,
      });
      oursRow.ratio = oursRow.medianMs / bareRow.medianMs;
      rows.push(oursRow, bareRow);
      rows.push(
        summarize({
          name: `${model} ${dtype}: cold start (load + first embedding)`,
          backend: where,
          times: coldStart,
        }),
      );

      const cached = new CachedEncoder(encoder, null, () => {});
      await cached.embed(texts);
      const [hit, miss] = await compare(
        () => cached.embed(texts),
        () => new CachedEncoder(encoder, null, () => {}).embed(texts),
        { warmup: 1, iterations: options.iterations },
      );
      // Cold: what a page's first catalog embedding costs, with a freshly loaded model.
      const cold: number[] = [];
      for (let i = 0; i < Math.min(options.iterations, 5); i++) {
        const fresh = await loadEncoder(spec);
        cold.push(...(await time(() => new CachedEncoder(fresh.encoder, null, () => {}).embed(texts), 1)));
        await fresh.encoder.dispose();
      }
      const hitRow = summarize({
        name: `${model} ${dtype}: cache hit, ${texts.length} texts`,
        backend: where,
        times: hit,
      });
      const missRow = summarize({
        name: `${model} ${dtype}: cache miss, model warm`,
        backend: where,
        times: miss,
      });
      const coldRow = summarize({
        name: `${model} ${dtype}: cold (fresh model, first embed)`,
        backend: where,
        times: cold,
      });
      hitRow.ratio = hitRow.medianMs / coldRow.medianMs;
      rows.push(hitRow, missRow, coldRow);
      checks.push(
        `${model} ${dtype}: ${rate(texts.length, oursRow.medianMs)} texts/s (Locus) vs ${rate(texts.length, bareRow.medianMs)} texts/s (bare pipeline); cache hit ${(coldRow.medianMs / hitRow.medianMs).toFixed(0)}× faster than cold, ${(missRow.medianMs / hitRow.medianMs).toFixed(0)}× than a warm miss`,
      );
      await bare.dispose();
      await encoder.dispose();
    }
  }
  return { rows, checks };
}

// Embedding through transformers.js exactly as the SDK does: pipeline('feature-extraction') on the
// local model folder, device cpu (onnxruntime-node), mean pooling and L2 normalization.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { env, type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers';
import type { Precision } from '../onnx.js';
import type { Embed } from './quality.js';

export const EVAL_BATCH_SIZE = 32;

export async function loadExtractor(
  modelsDir: string,
  id: string,
  dtype: Precision,
): Promise<FeatureExtractionPipeline> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  return (await pipeline('feature-extraction', id, { dtype, device: 'cpu' })) as FeatureExtractionPipeline;
}

/** Batched embedder; a text with no signal (NaN after normalizing a zero vector) becomes zeros, as in the SDK. */
export function pipelineEmbed(extractor: FeatureExtractionPipeline, batchSize = EVAL_BATCH_SIZE): Embed {
  return async (texts) => {
    const out: Float32Array[] = [];
    for (let b = 0; b < texts.length; b += batchSize) {
      const result = await extractor(texts.slice(b, b + batchSize), { pooling: 'mean', normalize: true });
      const [n, dim] = result.dims as [number, number];
      const data = result.data as Float32Array;
      for (let i = 0; i < n; i++) {
        const row = data.slice(i * dim, (i + 1) * dim);
        out.push(row.every(Number.isFinite) ? row : new Float32Array(dim));
      }
      result.dispose?.();
    }
    return out;
  };
}

/** Wraps an embedder so every vector it returns is also kept by text (for dtype comparisons). */
export function recordingEmbed(embed: Embed): { embed: Embed; seen: Map<string, ArrayLike<number>> } {
  const seen = new Map<string, ArrayLike<number>>();
  return {
    seen,
    embed: async (texts) => {
      const vecs = await embed(texts);
      texts.forEach((t, i) => {
        seen.set(t, vecs[i]!);
      });
      return vecs;
    },
  };
}

/** Versions of transformers.js and of the onnxruntime-node it resolves. */
export function runtimeVersions(): { transformers: string; onnxruntimeNode: string } {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@huggingface/transformers');
  let dir = dirname(entry);
  while (!dir.endsWith(join('@huggingface', 'transformers')) && dirname(dir) !== dir) dir = dirname(dir);
  const version = (path: string) => (require(path) as { version: string }).version;
  const fromTransformers = createRequire(join(dir, 'package.json'));
  return {
    transformers: version(join(dir, 'package.json')),
    onnxruntimeNode: (fromTransformers('onnxruntime-node/package.json') as { version: string }).version,
  };
}

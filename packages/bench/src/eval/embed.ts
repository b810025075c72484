import { env, pipeline } from '@huggingface/transformers';
import { DEFAULT_ENCODER_ID, modelsDir } from '@locus/models';

/**
 * Embeds texts with Locus's default encoder (built by @locus/models), the way the SDK does:
 * transformers.js feature extraction, mean-pooled and normalized, q8 as the SDK's default dtype.
 * Returns row-major [texts.length × dim].
 */
export async function embedTexts(
  texts: string[],
  onProgress?: (done: number) => void,
): Promise<{ vectors: Float32Array; dim: number }> {
  env.allowRemoteModels = false;
  env.localModelPath = `${modelsDir()}/`;
  const extract = await pipeline('feature-extraction', DEFAULT_ENCODER_ID, { dtype: 'q8' });
  try {
    const chunks: Float32Array[] = [];
    let dim = 0;
    for (let start = 0; start < texts.length; start += 256) {
      const output = await extract(texts.slice(start, start + 256), { pooling: 'mean', normalize: true });
      dim = output.dims[1] as number;
      chunks.push(output.data as Float32Array);
      onProgress?.(Math.min(texts.length, start + 256));
    }
    const vectors = new Float32Array(texts.length * dim);
    let offset = 0;
    for (const chunk of chunks) {
      vectors.set(chunk, offset);
      offset += chunk.length;
    }
    return { vectors, dim };
  } finally {
    await extract.dispose();
  }
}

// Texts per second on Node (onnxruntime-node, CPU) through the bare transformers.js pipeline, with its
// parts timed alone: the tokenizer, the model's forward pass, and mean pooling + normalization. The
// passes are interleaved within each repeat so that load from other processes hits them alike.
import { type FeatureExtractionPipeline, mean_pooling, type Tensor } from '@huggingface/transformers';
import type { Precision } from '../onnx.js';
import type { SpeedRow } from './measurements.js';
import { EVAL_BATCH_SIZE, loadExtractor } from './pipeline-embed.js';

export const SPEED_REPEATS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(run: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

export async function measureSpeed(
  modelsDir: string,
  id: string,
  dtype: Precision,
  texts: string[],
  repeats = SPEED_REPEATS,
  batchSize = EVAL_BATCH_SIZE,
): Promise<{ row: SpeedRow; meanTokens: number }> {
  const t0 = performance.now();
  const extractor: FeatureExtractionPipeline = await loadExtractor(modelsDir, id, dtype);
  const loadMs = performance.now() - t0;
  const batches: string[][] = [];
  for (let b = 0; b < texts.length; b += batchSize) batches.push(texts.slice(b, b + batchSize));
  const tokenize = (batch: string[]) => extractor.tokenizer(batch, { padding: true, truncation: true });
  try {
    await extractor(batches[0]!, { pooling: 'mean', normalize: true }); // warm-up
    const inputs = batches.map(tokenize);
    const hidden: Tensor[] = [];
    for (const input of inputs) hidden.push((await extractor.model(input)).last_hidden_state as Tensor);
    const ms = {
      pipeline: [] as number[],
      tokenizer: [] as number[],
      forward: [] as number[],
      pooling: [] as number[],
    };
    for (let r = 0; r < repeats; r++) {
      ms.pipeline.push(
        await time(async () => {
          for (const batch of batches) await extractor(batch, { pooling: 'mean', normalize: true });
        }),
      );
      ms.tokenizer.push(
        await time(() => {
          for (const batch of batches) tokenize(batch);
        }),
      );
      ms.forward.push(
        await time(async () => {
          for (const input of inputs) await extractor.model(input);
        }),
      );
      ms.pooling.push(
        await time(() => {
          for (const [i, h] of hidden.entries()) mean_pooling(h, inputs[i]!.attention_mask).normalize(2, -1);
        }),
      );
    }
    let tokens = 0;
    for (const input of inputs)
      tokens += Number((input.attention_mask.data as BigInt64Array).reduce((s, x) => s + x, 0n));
    const perSecond = (runs: number[]) => (texts.length / median(runs)) * 1000;
    return {
      meanTokens: tokens / texts.length,
      row: {
        dtype,
        loadMs,
        pipelineTextsPerSecond: perSecond(ms.pipeline),
        tokenizerTextsPerSecond: perSecond(ms.tokenizer),
        forwardTextsPerSecond: perSecond(ms.forward),
        poolingTextsPerSecond: perSecond(ms.pooling),
        pipelineOverhead: 1 - (median(ms.tokenizer) + median(ms.forward)) / median(ms.pipeline),
      },
    };
  } finally {
    await extractor.dispose();
  }
}

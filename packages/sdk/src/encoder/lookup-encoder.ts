import { Tokenizer } from '@huggingface/tokenizers';
import { LocusError } from '../errors.js';
import type { EncoderDtype } from '../types.js';
import { LookupGraph } from './lookup-graph.js';
import { encoderId, isLookupModel, type ModelConfig } from './model-config.js';
import { type ModelSource, ONNX_FILE } from './model-files.js';
import { readOnnxGraph } from './onnx-reader.js';
import type { DownloadProgress, Encoder } from './types.js';

interface TokenizerConfig {
  model_max_length?: number;
}

/**
 * The encoder for per-token models (like locus-glove-sif): the same files transformers.js
 * loads (config.json, tokenizer.json, onnx/*.onnx), run in plain JS. Output = mean of the token
 * vectors over the sequence (special tokens included, as transformers.js' mean pooling over
 * the attention mask), L2-normalized; identical to `pipeline(..., { pooling: 'mean', normalize: true })`.
 */
export class LookupEncoder implements Encoder {
  readonly id: string;

  private constructor(
    readonly model: string,
    readonly dtype: EncoderDtype,
    private readonly tokenizer: Tokenizer,
    private readonly graph: LookupGraph,
    private readonly maxTokens: number,
    readonly dim: number,
    config: ModelConfig,
  ) {
    this.id = encoderId(model, dtype, config);
  }

  static async load(
    model: string,
    dtype: EncoderDtype,
    source: ModelSource,
    onProgress?: (progress: DownloadProgress) => void,
    knownConfig?: ModelConfig,
  ): Promise<LookupEncoder> {
    const [config, tokenizerJson, tokenizerConfig, onnx] = await Promise.all([
      knownConfig ?? source.json<ModelConfig>('config.json'),
      source.json<{ model?: { vocab?: Record<string, number> } }>('tokenizer.json'),
      source.json<TokenizerConfig>('tokenizer_config.json'),
      source.bytes(ONNX_FILE[dtype], onProgress),
    ]);
    if (!isLookupModel(config)) {
      throw new LocusError(
        'encoder-failed',
        `${model} has attention layers: it needs the transformers.js encoder`,
      );
    }
    const vocab = Object.keys(tokenizerJson.model?.vocab ?? {}).length;
    if (config.vocab_size !== undefined && vocab !== config.vocab_size) {
      throw new LocusError(
        'encoder-failed',
        `${model}: tokenizer.json has ${vocab} tokens but config.json says vocab_size ${config.vocab_size}`,
      );
    }
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new LocusError('encoder-failed', `${model}: tokenizer.json could not be loaded`, { cause: err });
    }
    const graph = new LookupGraph(readOnnxGraph(onnx));
    const maxTokens = tokenizerConfig.model_max_length ?? config.max_position_embeddings ?? 512;
    const dim = graph.run(Int32Array.of(0)).dim;
    if (config.hidden_size !== undefined && dim !== config.hidden_size) {
      throw new LocusError(
        'encoder-failed',
        `${model}: the model outputs ${dim} values, config says ${config.hidden_size}`,
      );
    }
    return new LookupEncoder(model, dtype, tokenizer, graph, maxTokens, dim, config);
  }

  /** Token vectors computed so far: a token's vector never changes, and texts share tokens. */
  private readonly rows = new Map<number, Float32Array>();

  private tokenRows(ids: number[]): void {
    const missing = [...new Set(ids)].filter((id) => !this.rows.has(id));
    if (missing.length === 0) return;
    const { rows, dim } = this.graph.run(Int32Array.from(missing));
    missing.forEach((id, i) => {
      this.rows.set(id, rows.slice(i * dim, (i + 1) * dim));
    });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const sequences = texts.map((text) =>
      this.tokenizer.encode(text).ids.slice(0, this.maxTokens).map(Number),
    );
    this.tokenRows(sequences.flat());
    const dim = this.dim;
    return sequences.map((sequence) => {
      const out = new Float32Array(dim);
      for (const id of sequence) {
        const row = this.rows.get(id)!;
        for (let d = 0; d < dim; d++) out[d]! += row[d]!;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += out[d]! * out[d]!;
      norm = Math.sqrt(norm);
      // No known word gives the zero vector: "no signal", never NaN.
      if (norm > 0 && Number.isFinite(norm)) for (let d = 0; d < dim; d++) out[d]! /= norm;
      else out.fill(0);
      return out;
    });
  }

  async dispose(): Promise<void> {}
}

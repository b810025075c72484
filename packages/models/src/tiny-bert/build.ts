// Builds `locus-tiny-bert`: a 2-layer transformer encoder over the locus-glove-sif vocabulary and word
// table, in the same Hugging Face layout (fp32, q8 and q4 ONNX files). Deterministic.
import { join } from 'node:path';
import {
  type BuiltFile,
  CARD_FILE,
  fileSizes,
  fingerprint,
  type ModelOutputs,
  writeModelFolder,
} from '../artefacts.js';
import { readMeasurements } from '../eval/measurements.js';
import { DEFAULT_BUILD_OPTIONS, type WordTables, wordTables } from '../glove-sif.js';
import { configJson, jsonText, MAX_LENGTH, tokenizerConfigJson, tokenizerJson } from '../hf.js';
import { TINY_BERT_ID } from '../index.js';
import { ONNX_FILES, type Precision } from '../onnx.js';
import { probeMatrix, vocabMap, wordPieceTokenize } from '../probe.js';
import { SOURCE_PACKAGE } from '../vectors.js';
import { tinyBertCard } from './card.js';
import { encodeTinyBert } from './graph.js';
import { meanPoolNormalized, tinyBertForward } from './reference.js';
import { TINY_BERT_CONFIG, type TinyBertConfig, type TinyBertWeights, tinyBertWeights } from './weights.js';

export interface TinyBertOptions {
  /** Model folder name under outDir (default `locus-tiny-bert`). */
  id?: string;
  /** Also write onnx/model_q4.onnx (default true; needs the word table's q4 form). */
  q4?: boolean;
  /** Overrides of the architecture and initialization constants. */
  config?: Partial<TinyBertConfig>;
}

export interface TinyBertBuild {
  id: string;
  dir: string;
  files: BuiltFile[];
  weights: TinyBertWeights;
  /** Cosine matrix over PROBE_SENTENCES from the reference forward pass (fp32). */
  probe: number[][];
  fingerprint: string;
}

/** Token ids as the pipeline feeds them: [CLS] word pieces (at most 510) [SEP]. */
export function pipelineIds(text: string, vocab: ReadonlyMap<string, number>): number[] {
  const id = (t: string) => vocab.get(t)!;
  return [id('[CLS]'), ...wordPieceTokenize(text, vocab, id('[UNK]')).slice(0, MAX_LENGTH - 2), id('[SEP]')];
}

export async function buildTinyBert(
  outDir: string,
  options: TinyBertOptions = {},
  tables?: WordTables,
): Promise<TinyBertBuild> {
  const id = options.id ?? TINY_BERT_ID;
  const words = tables ?? (await wordTables(DEFAULT_BUILD_OPTIONS));
  const config: TinyBertConfig = { ...TINY_BERT_CONFIG, ...options.config };
  if (config.wordDim !== words.table.dim)
    throw new RangeError(`wordDim ${config.wordDim} ≠ table dim ${words.table.dim}`);
  if (config.maxPositions < MAX_LENGTH) throw new RangeError(`maxPositions must cover ${MAX_LENGTH} tokens`);
  const weights = tinyBertWeights(config);
  const { table, graph } = words;
  const precisions: Precision[] = ['fp32', 'q8'];
  if (options.q4 ?? true) {
    if (!graph.q4) throw new Error('q4 requested but the word table has no q4 form');
    precisions.push('q4');
  }

  const vocab = vocabMap(table.tokens);
  const probe = probeMatrix((text) => {
    const ids = pipelineIds(text, vocab);
    return meanPoolNormalized(tinyBertForward(ids, table, weights), ids.length, config.hidden);
  });

  const locus = {
    kind: 'tiny-bert',
    trained: false,
    pre_layer_norm: true,
    final_layer_norm: false,
    word_embedding_size: config.wordDim,
    word_table: `locus-glove-sif rows (${SOURCE_PACKAGE}@${words.sourceVersion}, SIF a=${DEFAULT_BUILD_OPTIONS.a}, ${DEFAULT_BUILD_OPTIONS.removeComponents} components removed)`,
    position_dims: [config.wordDim, config.hidden - 2],
    anchor_dims: [config.hidden - 2, config.hidden],
    position_scale: config.positionScale,
    anchor: config.anchor,
    attention_scale: config.attentionScale,
    attention_out: config.attentionOut,
    ffn_out: config.ffnOut,
  };
  const outputs: ModelOutputs = new Map();
  const hf = {
    vocabSize: graph.rows,
    hiddenSize: config.hidden,
    layers: config.layers,
    heads: config.heads,
    intermediateSize: config.intermediate,
    layerNormEps: config.layerNormEps,
  };
  outputs.set('tokenizer.json', jsonText(tokenizerJson(table.tokens)));
  outputs.set('tokenizer_config.json', jsonText(tokenizerConfigJson()));
  for (const p of precisions) {
    const doc = `${id} (${p}): untrained 2-layer pre-LN transformer encoder over the locus-glove-sif word table.`;
    outputs.set(ONNX_FILES[p], encodeTinyBert(p, graph, weights, doc));
  }
  // A version the SDK can key embedding caches by: it changes whenever the weights or the tokenizer do.
  const artefacts = { ...locus, artefacts_sha256: fingerprint(outputs) };
  outputs.set('config.json', jsonText(configJson({ ...hf, locus: artefacts })));
  const print = fingerprint(outputs);
  outputs.set(
    CARD_FILE,
    tinyBertCard({
      id,
      config,
      vocabSize: graph.rows,
      sizes: fileSizes(outputs),
      probe,
      precisions,
      fingerprint: print,
      measurements: readMeasurements(id),
    }),
  );
  const dir = join(outDir, id);
  await writeModelFolder(dir, outputs);
  return { id, dir, files: fileSizes(outputs), weights, probe, fingerprint: print };
}

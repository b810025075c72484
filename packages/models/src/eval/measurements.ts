// Measured figures are committed next to the code (packages/models/measurements/<model>.json) so the
// build can put them into the model cards without re-measuring: the build stays byte-reproducible and
// fast, and the artefacts' fingerprint tells whether the figures belong to the files just built.
//   pnpm --filter @locus/models eval     (measures the built models, rewrites these files and the cards)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Precision } from '../onnx.js';
import type { QualityReport } from './quality.js';

export function measurementsDir(): string {
  return fileURLToPath(new URL('../../measurements/', import.meta.url));
}

export interface Agreement {
  /** Texts compared (those with a non-zero fp32 embedding). */
  texts: number;
  meanCosine: number;
  minCosine: number;
  /** Share of IAB Content 3.1 tier-2 names whose predicted parent equals fp32's prediction. */
  parentAgreement: number | null;
}

export interface SpeedRow {
  dtype: Precision;
  /** pipeline('feature-extraction', ...) from the local files: session creation + tokenizer load. */
  loadMs: number;
  /** Whole pipeline call (tokenize, ONNX run, mean pooling, normalize), texts per second. */
  pipelineTextsPerSecond: number;
  /** Tokenizer alone on the same batches. */
  tokenizerTextsPerSecond: number;
  /** model(inputs) alone on pre-tokenized batches. */
  forwardTextsPerSecond: number;
  /** transformers.js mean_pooling + normalize alone on the forward outputs. */
  poolingTextsPerSecond: number;
  /** Share of the pipeline's time spent outside tokenizer and forward (pooling, tensor glue). */
  pipelineOverhead: number;
}

export interface SpeedReport {
  texts: number;
  batchSize: number;
  repeats: number;
  meanTokens: number;
  rows: SpeedRow[];
}

export interface ModelMeasurements {
  model: string;
  /** fingerprint() of the artefacts the figures were measured on. */
  fingerprint: string;
  environment: {
    date: string;
    node: string;
    transformers: string;
    onnxruntimeNode: string;
    cpu: string;
    cores: number;
    /** 1-minute load average when the speed measurement started (other processes share the CPU). */
    loadAverage: number | null;
    device: 'cpu';
  };
  /** Data sets that were not available (each line says how to get it). */
  missing: string[];
  quality: Partial<Record<Precision, QualityReport>>;
  baselines: { binary: QualityReport; tfidf: QualityReport };
  agreement: Partial<Record<Exclude<Precision, 'fp32'>, Agreement>>;
  /** locus-tiny-bert only: its fp32 word dims against locus-glove-sif fp32 on the same texts. */
  versusDefault?: Agreement;
  speed: SpeedReport | null;
}

export class MeasurementsError extends Error {
  readonly code = 'invalid-measurements';
  constructor(
    readonly path: string,
    reason: string,
    script: 'eval' | 'sweep' = 'eval',
  ) {
    super(`${path}: ${reason} (rerun \`pnpm --filter @locus/models ${script}\`)`);
    this.name = 'MeasurementsError';
  }
}

export function measurementsPath(model: string, dir: string = measurementsDir()): string {
  return join(dir, `${model}.json`);
}

/** The committed measurements of a model, or undefined when there are none. */
export function readMeasurements(model: string, dir?: string): ModelMeasurements | undefined {
  const path = measurementsPath(model, dir);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new MeasurementsError(path, `not JSON (${String(err)})`);
  }
  const m = parsed as Partial<ModelMeasurements>;
  if (m.model !== model)
    throw new MeasurementsError(path, `model is "${String(m.model)}", expected "${model}"`);
  if (typeof m.fingerprint !== 'string' || !m.quality || !m.baselines || !m.agreement || !m.environment) {
    throw new MeasurementsError(path, 'missing fields');
  }
  return m as ModelMeasurements;
}

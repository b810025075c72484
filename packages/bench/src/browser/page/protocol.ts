/** What the Node runner passes to the bench page and what comes back (plain JSON both ways). */

/** URLs the page loads its files from, all on the bench server's origin (never a CDN). */
export interface ServedPaths {
  /** Folder of model folders, as a *path*: transformers.js 4.x breaks on a full URL. */
  models: string;
  /** onnxruntime-web's files for the bare transformers.js pipeline. */
  ort: string;
  /** The SDK's CDN folder (wasm/, ort/), passed to Locus as assetsUrl. */
  locusAssets: string;
}

export interface TimedSample {
  /** Variant key, e.g. "locus", "bare-wasm". */
  variant: string;
  /** Where it ran, in words. */
  backend: string;
  /** Inputs per run (texts or candidates). */
  items: number;
  times: number[];
}

export interface EncoderBenchOptions {
  paths: ServedPaths;
  model: string;
  dtype: 'fp32' | 'q8' | 'q4';
  texts: string[];
  /** Texts per WebGPU run for transformer models (SwiftShader is slow); lookup models use all. */
  webgpuTexts: number;
  iterations: number;
  warmup: number;
}

export interface EncoderBenchResult {
  runtime: 'lookup' | 'transformers';
  samples: TimedSample[];
  /** Largest |Δ| between the Locus encoder's and the bare pipeline's embeddings (same texts). */
  agreement: { against: string; maxAbsDiff: number }[];
  webgpu: { adapter: string | null; error?: string };
}

export interface RankBenchOptions {
  paths: ServedPaths;
  backend: 'wasm' | 'webgpu';
  sizes: number[];
  /** Timed runs per size (same index as sizes). */
  iterations: number[];
  warmup: number;
  pageText: string;
}

export interface RankBenchResult {
  backend: string;
  adapter: string | null;
  samples: (TimedSample & { size: number })[];
  checks: string[];
}

import { LocusError } from '../errors.js';
import type { EncoderDtype } from '../types.js';
import type { DownloadProgress, Encoder } from './types.js';

export interface TransformersEncoderOptions {
  model: string;
  dtype: EncoderDtype;
  /** Folder (URL in a browser, filesystem path in Node) that holds `<model>/config.json`. */
  baseUrl: string;
  /** Folder with onnxruntime-web's wasm files (browser only). */
  ortWasmUrl?: string;
  device: 'wasm' | 'webgpu' | 'cpu';
  /** The vector-space id (see encoderId); defaults to model|dtype. */
  id?: string;
  onProgress?: (progress: DownloadProgress) => void;
}

type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ data: Float32Array; dims: number[]; dispose?: () => void }>;

const isNode =
  typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof window === 'undefined';

/**
 * transformers.js 4.x resolves local models against a *path*: a full URL breaks its tokenizer
 * loading. So a same-origin URL becomes its path, and other origins are refused for now.
 */
function localModelPath(baseUrl: string): string {
  if (isNode) return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = new URL(baseUrl, globalThis.location?.href);
  if (globalThis.location && url.origin !== globalThis.location.origin) {
    throw new LocusError(
      'invalid-config',
      `encoder.baseUrl must be on this page's origin (${url.origin} is not)`,
    );
  }
  return url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
}

/** Any transformers.js feature-extraction model, mean-pooled and normalized. */
export async function createTransformersEncoder(options: TransformersEncoderOptions): Promise<Encoder> {
  const { model, dtype } = options;
  let extractor: FeatureExtractor;
  try {
    const transformers = await import('@huggingface/transformers');
    const { env } = transformers;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = localModelPath(options.baseUrl);
    // No copies in Cache Storage: it would hold tens of MB outside the profile that
    // profile.clear() erases, written before any consent; the HTTP cache serves repeat visits.
    env.useBrowserCache = false;
    env.useWasmCache = false;
    const onnxWasm = env.backends.onnx?.wasm;
    if (onnxWasm && options.ortWasmUrl) {
      // Without this, onnxruntime-web silently fetches its wasm from a public CDN.
      // The folder may be given as a path: resolve it against the page (or worker) address.
      const folder = new URL(options.ortWasmUrl, globalThis.location?.href);
      onnxWasm.wasmPaths = {
        mjs: new URL('ort-wasm-simd-threaded.asyncify.mjs', folder).href,
        wasm: new URL('ort-wasm-simd-threaded.asyncify.wasm', folder).href,
      };
    }
    const onProgress = options.onProgress;
    extractor = (await transformers.pipeline('feature-extraction', model, {
      dtype,
      device: options.device,
      progress_callback: onProgress
        ? (info: { status: string; file?: string; loaded?: number; total?: number }) => {
            if (info.status === 'progress' && info.file) {
              onProgress({ file: info.file, loaded: info.loaded ?? 0, total: info.total ?? 0 });
            }
          }
        : undefined,
    })) as unknown as FeatureExtractor;
  } catch (err) {
    if (err instanceof LocusError) throw err;
    throw new LocusError(
      'encoder-failed',
      `encoder "${model}" (${dtype}) could not be loaded: ${String(err)}`,
      {
        cause: err,
      },
    );
  }

  return {
    id: options.id ?? `${model}|${dtype}`,
    model,
    dtype,
    async embed(texts) {
      if (texts.length === 0) return [];
      let output: Awaited<ReturnType<FeatureExtractor>>;
      try {
        output = await extractor(texts, { pooling: 'mean', normalize: true });
      } catch (err) {
        throw new LocusError('encoder-failed', `encoder "${model}" failed on ${texts.length} texts`, {
          cause: err,
        });
      }
      const dim = output.dims[output.dims.length - 1]!;
      // A text with no known word pools to zero, and normalizing zero gives NaN: "no signal".
      const rows = texts.map((_, i) => {
        const row = output.data.slice(i * dim, (i + 1) * dim);
        return row.every(Number.isFinite) ? row : new Float32Array(dim);
      });
      output.dispose?.();
      return rows;
    },
    async dispose() {
      await (extractor as unknown as { dispose?: () => Promise<void> }).dispose?.();
    },
  };
}

import { LocusError } from '../errors.js';
import type { EncoderDtype } from '../types.js';
import type { DownloadProgress } from './types.js';

/** The ONNX file transformers.js loads for each dtype (its naming convention). */
export const ONNX_FILE: Record<EncoderDtype, string> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
};

/** Reads a model's files from where they are served (URL) or stored (Node: a folder). */
export interface ModelSource {
  bytes(path: string, onProgress?: (progress: DownloadProgress) => void): Promise<Uint8Array>;
  json<T>(path: string): Promise<T>;
}

const isNode =
  typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof window === 'undefined';

function missing(path: string, why: string, cause?: unknown): LocusError {
  return new LocusError('encoder-failed', `model file ${path}: ${why}`, { cause });
}

/** Streams a response body, reporting bytes as they arrive. */
async function readBody(response: Response, file: string, onProgress?: (p: DownloadProgress) => void) {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body || !onProgress) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(next.value);
    loaded += next.value.length;
    onProgress({ file, loaded, total: Math.max(total, loaded) });
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function httpSource(folder: string): ModelSource {
  const fetchOk = async (path: string) => {
    const url = new URL(path, folder).href;
    let response: Response;
    try {
      response = await fetch(url, { credentials: 'same-origin' });
    } catch (err) {
      throw missing(url, 'could not be fetched', err);
    }
    if (!response.ok) throw missing(url, `HTTP ${response.status}`);
    return response;
  };
  return {
    bytes: async (path, onProgress) => readBody(await fetchOk(path), path, onProgress),
    json: async <T>(path: string) => {
      const response = await fetchOk(path);
      try {
        return (await response.json()) as T;
      } catch (err) {
        throw missing(path, 'is not valid JSON', err);
      }
    },
  };
}

function fileSource(folder: string): ModelSource {
  // Kept out of the browser bundle: only Node (tests, benchmarks, servers) reads files.
  const fsModule = 'node:fs/promises';
  const read = async (path: string) => {
    const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(`${folder}${path}`));
    } catch (err) {
      throw missing(`${folder}${path}`, 'could not be read', err);
    }
  };
  return {
    bytes: async (path, onProgress) => {
      const bytes = await read(path);
      onProgress?.({ file: path, loaded: bytes.length, total: bytes.length });
      return bytes;
    },
    json: async <T>(path: string) => {
      const text = new TextDecoder().decode(await read(path));
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw missing(path, 'is not valid JSON', err);
      }
    },
  };
}

/** The files of `model` under `baseUrl` (a URL, or in Node a folder path). */
export function modelSource(baseUrl: string, model: string): ModelSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  if (isNode && !/^https?:/.test(base)) return fileSource(`${base}${model}/`);
  return httpSource(new URL(`${model}/`, new URL(base, globalThis.location?.href)).href);
}

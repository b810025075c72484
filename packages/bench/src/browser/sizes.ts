import { readFileSync, statSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Sizes {
  raw: number;
  /** gzip level 9, as static files are usually precompressed (and as Vite reports). */
  gzip: number;
  /** brotli quality 9: 11 would take minutes on the 27 MB ONNX Runtime wasm here (9 is ~5% larger). */
  brotli: number;
}

export function compressedSizes(body: Uint8Array): Sizes {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }).length,
  };
}

const cache = new Map<string, Sizes>();

/** Sizes of a file, cached by path, size and mtime (a 27 MB wasm takes seconds to compress). */
export function fileSizes(path: string): Sizes {
  const stat = statSync(path);
  const key = `${path}|${stat.size}|${stat.mtimeMs}`;
  let sizes = cache.get(key);
  if (!sizes) {
    sizes = compressedSizes(readFileSync(path));
    cache.set(key, sizes);
  }
  return sizes;
}

export function addSizes(list: Sizes[]): Sizes {
  return list.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
}

/** kB as Vite prints them (1 kB = 1,000 bytes), the unit of the budgets. */
export const kB = (bytes: number) => (bytes / 1000).toFixed(bytes < 10_000 ? 2 : 1);
export const MB = (bytes: number) => (bytes / 1_000_000).toFixed(2);

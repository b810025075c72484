import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdnFiles, staticClosure } from './cdn-files.js';

/** A miniature script-tag build laid out as vite.cdn.config.ts lays out the real one. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cdn-'));
  const files: Record<string, string> = {
    // The loader imports the core by a computed URL, which is not a static import.
    'locus.js': 'import(base + "locus-core.js")',
    'locus-core.js':
      'import { t } from "./chunks/errors-X.js";\nconst c = () => import("./chunks/ctr-X.js"); const w = () => import("./chunks/worker-client-X.js");',
    'chunks/errors-X.js': 'export const t = 1;',
    'chunks/ctr-X.js': 'import { t } from "./errors-X.js"; export const m = 1;',
    'chunks/worker-client-X.js': 'new Worker(new URL("../assets/worker-X.js", import.meta.url));',
    'assets/worker-X.js': 'const l = () => import(`../chunks/transformers-X.js`);',
    'chunks/transformers-X.js': 'export const tr = 1;',
    'wasm/tfjs-backend-wasm-simd.wasm': '\0asm',
    'ort/ort-wasm-simd-threaded.asyncify.wasm': '\0asm',
  };
  const maps: Record<string, string[]> = {
    'chunks/ctr-X.js': ['../../node_modules/.pnpm/x/node_modules/@tensorflow/tfjs-core/dist/index.js'],
    'chunks/worker-client-X.js': ['../../src/encoder/worker-client.ts'],
    'chunks/transformers-X.js': ['../../node_modules/@huggingface/transformers/dist/web.js'],
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const [path, sources] of Object.entries(maps))
    writeFileSync(join(dir, `${path}.map`), JSON.stringify({ sources }));
  return dir;
}

describe('CDN build inventory', () => {
  const dir = fakeBuild();

  it('counts what an entry imports statically, not what it loads lazily', () => {
    expect(staticClosure(dir, 'locus-core.js').sort()).toEqual(['chunks/errors-X.js', 'locus-core.js']);
    expect(staticClosure(dir, 'locus.js')).toEqual(['locus.js']);
  });

  it('groups files by the import graph and the packages in their source maps', () => {
    const groups = Object.fromEntries(cdnFiles(dir).map((file) => [file.path, file.group]));
    expect(groups).toEqual({
      'locus.js': 'loader',
      'locus-core.js': 'core',
      'chunks/errors-X.js': 'core',
      'chunks/ctr-X.js': 'tfjs',
      'chunks/worker-client-X.js': 'encoder glue (main thread)',
      'assets/worker-X.js': 'encoder worker',
      'chunks/transformers-X.js': 'transformers.js (worker)',
      'wasm/tfjs-backend-wasm-simd.wasm': 'tfjs wasm',
      'ort/ort-wasm-simd-threaded.asyncify.wasm': 'onnxruntime-web',
    });
  });
});

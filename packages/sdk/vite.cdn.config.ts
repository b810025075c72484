import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The folder of a package, found from its main file (some packages do not export package.json). */
function packageDir(name: string, from = require): string {
  let dir = dirname(from.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) dir = dirname(dir);
  return dir;
}

/** Serves the runtimes' wasm files beside the bundle instead of inlining or fetching them. */
function copyRuntimeFiles(outDir: string): Plugin {
  const tfjsWasm = packageDir('@tensorflow/tfjs-backend-wasm');
  const transformers = packageDir('@huggingface/transformers');
  const ortWeb = packageDir('onnxruntime-web', createRequire(join(transformers, 'package.json')));
  const files: [string, string][] = [
    ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map(
      (name): [string, string] => [join(tfjsWasm, 'dist', name), join(outDir, 'wasm', name)],
    ),
    ...['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'].map(
      (name): [string, string] => [join(ortWeb, 'dist', name), join(outDir, 'ort', name)],
    ),
  ];
  return {
    name: 'locus-copy-runtime-files',
    writeBundle() {
      for (const [from, to] of files) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      }
    },
  };
}

// The script-tag build's core: ESM, every dependency bundled, tfjs and transformers.js in
// lazily imported chunks. locus.js (vite.loader.config.ts) imports it from the same folder.
export default defineConfig({
  // Relative URLs (the worker, chunks): the folder can be hosted under any path.
  base: './',
  resolve: { conditions: ['locus-source', 'onnxruntime-web-use-extern-wasm'] },
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // The workers are entries of their own (module workers sharing chunks with the core):
    // encoder-worker.js loads transformers.js only for transformer models; fl-worker.js runs a
    // federated round's crypto off the main thread.
    lib: {
      entry: {
        'locus-core': 'src/loader/core.ts',
        'encoder-worker': 'src/encoder/worker.ts',
        'fl-worker': 'src/fl/worker.ts',
      },
      formats: ['es'],
    },
    rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
  plugins: [copyRuntimeFiles('dist/cdn')],
});

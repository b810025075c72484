import { defineConfig } from 'vite';

// The npm build: ESM, dependencies left to the consumer's bundler (they stay lazily imported).
const external = [/^@tensorflow\//, /^@huggingface\//, /^idb/, /^@locus\//, /^@noble\//, /^protobufjs/];

export default defineConfig({
  base: './',
  resolve: { conditions: ['locus-source'] },
  build: {
    outDir: 'dist/npm',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        base: 'src/base.ts',
        ctr: 'src/ctr/index.ts',
        encoder: 'src/encoder/index.ts',
        fl: 'src/fl/index.ts',
        ranking: 'src/ranking/index.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external,
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

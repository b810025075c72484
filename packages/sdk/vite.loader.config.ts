import { defineConfig } from 'vite';

// locus.js: the tiny classic script publishers include; it imports locus-core.js beside it.
export default defineConfig({
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: false,
    target: 'es2020',
    lib: {
      entry: 'src/loader/bootstrap.ts',
      formats: ['iife'],
      name: 'locusBootstrap',
      fileName: () => 'locus.js',
    },
  },
});

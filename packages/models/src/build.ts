// Builds every Locus model artefact into packages/models/dist/models/ (Hugging Face layout):
//   pnpm --filter @locus/models build
// locus-glove-sif (the offline default encoder) and locus-tiny-bert (a 2-layer transformer over the
// same vocabulary and word table). Deterministic: a rebuild gives byte-identical files.
import { pathToFileURL } from 'node:url';
import type { BuiltFile } from './artefacts.js';
import { buildModel, DEFAULT_BUILD_OPTIONS, wordTables } from './glove-sif.js';
import { modelsDir } from './index.js';
import { buildTinyBert } from './tiny-bert/build.js';

export type { BuildResult, GloveSifOptions as BuildOptions } from './glove-sif.js';
export { buildModel, DEFAULT_BUILD_OPTIONS } from './glove-sif.js';

export interface BuiltModel {
  id: string;
  dir: string;
  files: BuiltFile[];
  fingerprint: string;
}

/** Builds both models into `outDir`, computing the shared word table once. */
export async function buildAll(outDir: string = modelsDir()): Promise<BuiltModel[]> {
  const tables = await wordTables(DEFAULT_BUILD_OPTIONS);
  const glove = await buildModel(outDir, {}, tables);
  const tiny = await buildTinyBert(outDir, {}, tables);
  return [
    { id: glove.options.id, dir: glove.dir, files: glove.files, fingerprint: glove.fingerprint },
    { id: tiny.id, dir: tiny.dir, files: tiny.files, fingerprint: tiny.fingerprint },
  ];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const built = await buildAll();
  for (const m of built) {
    console.log(`built ${m.dir}`);
    for (const f of m.files)
      console.log(`  ${f.path.padEnd(28)} ${f.bytes.toLocaleString('en-US').padStart(12)} bytes`);
  }
  console.log(`in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { modelsDir } from '@locus/models';

// Where the built files the browser suites serve live. Other packages are reached through
// their public exports only (@locus/sdk/cdn/*, @locus/models); the demo has no exports, so its
// build output is read from the repository, as `demo/scripts/assemble.mjs` lays it out.

const require = createRequire(import.meta.url);
export const BENCH_DIR = resolve(import.meta.dirname, '../..');
const REPO_ROOT = resolve(BENCH_DIR, '../..');

export class NotBuiltError extends Error {}

function notBuilt(what: string, path: string, command: string): never {
  throw new NotBuiltError(`${what} is not built (${path} is missing): run \`${command}\` first`);
}

/** The script-tag build of the SDK (locus.js, locus-core.js, chunks/, assets/, wasm/, ort/). */
export function sdkCdnDir(): string {
  let locusJs: string;
  try {
    locusJs = require.resolve('@locus/sdk/cdn/locus.js');
  } catch {
    return notBuilt('@locus/sdk', 'dist/cdn/locus.js', 'npx pnpm@12.21.0 --filter @locus/sdk build');
  }
  const dir = dirname(locusJs);
  if (!existsSync(join(dir, 'locus-core.js'))) {
    notBuilt('@locus/sdk', join(dir, 'locus-core.js'), 'npx pnpm@12.21.0 --filter @locus/sdk build');
  }
  return dir;
}

/** The npm build the bench page imports (Vite resolves @locus/sdk to dist/npm, not to src). */
export function requireSdkNpmBuild(): void {
  for (const entry of ['@locus/sdk', '@locus/sdk/ctr', '@locus/sdk/encoder']) {
    try {
      require.resolve(entry);
    } catch {
      notBuilt('@locus/sdk', `the npm build of ${entry}`, 'npx pnpm@12.21.0 --filter @locus/sdk build');
    }
  }
}

/** packages/models/dist/models, with every model folder in it. */
export function builtModelsDir(): string {
  const dir = modelsDir();
  if (!existsSync(join(dir, 'locus-glove-sif', 'config.json'))) {
    notBuilt('@locus/models', join(dir, 'locus-glove-sif'), 'npx pnpm@12.21.0 --filter @locus/models build');
  }
  return dir;
}

export function isModelBuilt(model: string): boolean {
  return existsSync(join(modelsDir(), model, 'config.json'));
}

/** The demo site's build (vite build after assemble.mjs). */
export function demoDistDir(): string {
  const dir = join(REPO_ROOT, 'demo', 'dist');
  if (!existsSync(join(dir, 'sports', 'marathon-training.html'))) {
    notBuilt('the demo', dir, 'npx pnpm@12.21.0 --filter @locus/demo build');
  }
  return dir;
}

/** The folder of an installed package (some do not export their package.json). */
function packageDir(name: string, from = require): string {
  let dir = dirname(from.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) dir = dirname(dir);
  return dir;
}

/**
 * onnxruntime-web's dist folder, the copy @huggingface/transformers itself depends on: the bare
 * transformers.js baseline loads its wasm from here, served locally (never a CDN).
 */
export function ortWebDistDir(): string {
  const transformers = packageDir('@huggingface/transformers');
  return join(packageDir('onnxruntime-web', createRequire(join(transformers, 'package.json'))), 'dist');
}

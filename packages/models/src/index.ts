// @locus/models library entry (Node only): where the built model artefacts live, for the demo and
// tests to copy or serve. Build them first with `pnpm --filter @locus/models build`.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Model id of the offline default text encoder (a folder under modelsDir()). */
export const DEFAULT_ENCODER_ID = 'locus-glove-sif';

/** Model id of the 2-layer transformer encoder over the same vocabulary (untrained; see its card). */
export const TINY_BERT_ID = 'locus-tiny-bert';

/** Every model `pnpm --filter @locus/models build` writes. */
export const MODEL_IDS = [DEFAULT_ENCODER_ID, TINY_BERT_ID] as const;

/** Absolute path of packages/models/dist/models, from src/ (tests, tsx) or dist/lib/ (built). */
export function modelsDir(): string {
  const parent = fileURLToPath(new URL('..', import.meta.url)); // packages/models/ or packages/models/dist/
  const root = basename(parent) === 'dist' ? join(parent, '..') : parent;
  return join(root, 'dist', 'models');
}

/**
 * Files of a built model, relative to its folder with POSIX separators, sorted; e.g. `config.json`,
 * `onnx/model_quantized.onnx`. Throws when the model has not been built.
 */
export function modelFiles(id: string = DEFAULT_ENCODER_ID, dir: string = modelsDir()): string[] {
  const modelDir = join(dir, id);
  if (!existsSync(modelDir)) {
    throw new Error(`model "${id}" not found in ${dir}: run \`pnpm --filter @locus/models build\``);
  }
  const entries = readdirSync(modelDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(modelDir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

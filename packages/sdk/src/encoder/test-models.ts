import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The models built by packages/models, for tests that need real artefacts. The SDK does not
 * import that package (import rules); it reads the files the build leaves in the checkout.
 */
export const BUILT_MODELS = fileURLToPath(new URL('../../../models/dist/models/', import.meta.url));

export function requireBuiltModel(model: string): string {
  if (!existsSync(`${BUILT_MODELS}${model}/config.json`)) {
    throw new Error(
      `${model} is not built in ${BUILT_MODELS}: run \`npx pnpm@12.21.0 --filter @locus/models build\``,
    );
  }
  return BUILT_MODELS;
}

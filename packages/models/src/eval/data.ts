// Where evaluation data lives. Public data sets are read in place from ../shared/data (relative to the
// repository root) or from LOCUS_DATA_DIR, and never copied into the repository (see that folder's
// README for licences). The demo site's pages and catalog are part of the repository.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from packages/models/src/eval/. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

/**
 * LOCUS_DATA_DIR (a relative path is taken from where the command was typed: pnpm runs scripts in the
 * package folder but keeps that directory in INIT_CWD), else ../shared/data next to the repository.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.LOCUS_DATA_DIR;
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(env.INIT_CWD ?? process.cwd(), fromEnv);
  return join(repoRoot(), '..', 'shared', 'data');
}

/** A data file the evaluation needs is not there; `obtain` says where to get it. */
export class EvalDataMissingError extends Error {
  readonly code = 'eval-data-missing';
  constructor(
    readonly path: string,
    readonly obtain: string,
  ) {
    super(
      `evaluation data missing: ${path}\n  ${obtain}\n  Put it under ../shared/data (next to the repository) or set LOCUS_DATA_DIR.`,
    );
    this.name = 'EvalDataMissingError';
  }
}

export function readDataFile(relativePath: string, obtain: string, dir: string = dataDir()): string {
  const path = join(dir, relativePath);
  if (!existsSync(path)) throw new EvalDataMissingError(path, obtain);
  return readFileSync(path, 'utf8');
}

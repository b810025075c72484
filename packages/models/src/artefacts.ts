// Writing a model folder and fingerprinting its artefacts. The fingerprint covers every file but the
// model card, so a card can say whether committed measurements belong to the files next to it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type ModelOutputs = Map<string, Uint8Array | string>;

export interface BuiltFile {
  /** Path relative to the model folder, POSIX separators. */
  path: string;
  bytes: number;
}

export const CARD_FILE = 'README.md';

export function byteLength(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

export function fileSizes(outputs: ModelOutputs): BuiltFile[] {
  return [...outputs]
    .map(([path, body]) => ({ path, bytes: byteLength(body) }))
    .sort((x, y) => (x.path < y.path ? -1 : 1));
}

/** sha256 over "path sha256(body)" lines of every artefact except the model card, sorted by path. */
export function fingerprint(outputs: ModelOutputs): string {
  const lines = [...outputs]
    .filter(([path]) => path !== CARD_FILE)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, body]) => `${path} ${createHash('sha256').update(body).digest('hex')}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** The fingerprint of a model folder on disk (the files listed by modelFiles()). */
export function fingerprintFolder(dir: string, files: string[]): string {
  return fingerprint(new Map(files.map((f) => [f, readFileSync(join(dir, f))])));
}

/** Replaces `dir` with exactly these files (so no stale file survives a rebuild). */
export async function writeModelFolder(dir: string, outputs: ModelOutputs): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, body] of outputs) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  }
}

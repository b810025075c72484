import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * What each file of the SDK's script-tag build (@locus/sdk/cdn/*) is, read from the build
 * itself: the import graph of its JS files and the package names in their source maps.
 */
export type FileGroup =
  | 'loader'
  | 'core'
  | 'tfjs'
  | 'tfjs wasm'
  | 'encoder glue (main thread)'
  | 'encoder worker'
  | 'transformers.js (main thread)'
  | 'transformers.js (worker)'
  | 'onnxruntime-web'
  | 'model files'
  | 'other';

export const GROUP_ORDER: FileGroup[] = [
  'loader',
  'core',
  'tfjs',
  'tfjs wasm',
  'encoder glue (main thread)',
  'encoder worker',
  'transformers.js (main thread)',
  'transformers.js (worker)',
  'onnxruntime-web',
  'model files',
  'other',
];

// Minified chunks quote with ", ' or ` (rolldown uses backticks for dynamic imports).
const STATIC_IMPORT =
  /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'`](\.{1,2}\/[^"'`]+)["'`]/g;
const DYNAMIC_IMPORT = /import\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g;
const URL_REF = /new URL\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, root) : [relative(root, full).split(sep).join('/')];
  });
}

function importsOf(dir: string, file: string, patterns: RegExp[]): string[] {
  const text = readFileSync(join(dir, file), 'utf8');
  const found = new Set<string>();
  for (const pattern of patterns) {
    for (const [, spec] of text.matchAll(pattern)) {
      const target = join(dirname(file), spec!).split(sep).join('/');
      if (existsSync(join(dir, target))) found.add(target);
    }
  }
  return [...found];
}

/** `entry` and every file it imports statically, transitively: what loads with it. */
export function staticClosure(dir: string, entry: string): string[] {
  const seen = new Set([entry]);
  for (const file of seen) for (const next of importsOf(dir, file, [STATIC_IMPORT])) seen.add(next);
  return [...seen];
}

/** Every JS file reachable from `entries` by static and dynamic imports (one JS realm). */
function reachable(dir: string, entries: string[]): Set<string> {
  const seen = new Set(entries);
  for (const file of seen) {
    for (const next of importsOf(dir, file, [STATIC_IMPORT, DYNAMIC_IMPORT])) {
      if (next.endsWith('.js')) seen.add(next);
    }
  }
  return seen;
}

/** npm package names (and "src/<dir>" for the SDK's own code) in a file's source map. */
function sourcePackages(dir: string, file: string): string[] {
  const map = join(dir, `${file}.map`);
  if (!existsSync(map)) return [];
  const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
  return sources.map((source) => {
    const at = source.lastIndexOf('node_modules/');
    if (at < 0)
      return source
        .replace(/^(\.\.\/)+/, '')
        .split('/')
        .slice(0, 2)
        .join('/');
    const [scope, name] = source.slice(at + 'node_modules/'.length).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  });
}

export interface CdnFile {
  path: string;
  group: FileGroup;
}

/** Every file a browser may download from the CDN folder (source maps left out), grouped. */
export function cdnFiles(dir: string): CdnFile[] {
  const files = listFiles(dir).filter((file) => !file.endsWith('.map'));
  const core = new Set(staticClosure(dir, 'locus-core.js'));
  const onMainThread = reachable(dir, ['locus-core.js']);
  // Workers start from `new URL('…/worker-….js', import.meta.url)` in main-thread chunks.
  const workerEntries = [...onMainThread].flatMap((file) => importsOf(dir, file, [URL_REF]));
  const inWorker = reachable(dir, workerEntries);
  return files.map((path): CdnFile => {
    if (path === 'locus.js') return { path, group: 'loader' };
    if (core.has(path)) return { path, group: 'core' };
    if (path.startsWith('wasm/')) return { path, group: 'tfjs wasm' };
    if (path.startsWith('ort/')) return { path, group: 'onnxruntime-web' };
    if (!path.endsWith('.js')) return { path, group: 'other' };
    const packages = sourcePackages(dir, path);
    const worker = inWorker.has(path) && !onMainThread.has(path);
    if (packages.some((p) => p === '@huggingface/transformers' || p.startsWith('onnxruntime'))) {
      return { path, group: worker ? 'transformers.js (worker)' : 'transformers.js (main thread)' };
    }
    if (packages.some((p) => p.startsWith('@tensorflow/'))) return { path, group: 'tfjs' };
    if (worker) return { path, group: 'encoder worker' };
    if (packages.some((p) => p.startsWith('src/encoder')))
      return { path, group: 'encoder glue (main thread)' };
    return { path, group: 'other' };
  });
}

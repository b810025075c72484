#!/usr/bin/env node
// Enforces the import rules of docs (ARCHITECTURE.md "Layout"):
// - @locus/protocol imports no workspace package;
// - @locus/sdk and @locus/aggregator import @locus/protocol only, never each other;
// - demo, bench and e2e use public exports only;
// - nobody reaches into another package's src/ or dist/, by name or by relative path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Which workspace packages each unit may import (null: any public export). */
export const RULES = {
  'packages/protocol': [],
  'packages/sdk': ['@locus/protocol'],
  'packages/aggregator': ['@locus/protocol'],
  'packages/models': [],
  'packages/bench': null,
  demo: null,
  e2e: null,
};

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'public', 'test-results', 'playwright-report', '.vite']);
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) yield* sourceFiles(path);
    } else if (SOURCE.test(name)) yield path;
  }
}

/** The problems with one import specifier written in `unit` (a key of RULES). */
export function checkSpecifier(unit, specifier, fileDir) {
  if (specifier.startsWith('.')) {
    const target = relative(join(ROOT, unit), resolve(fileDir, specifier));
    return target.startsWith(`..${sep}`) || target === '..'
      ? [`relative import leaves ${unit}: ${specifier}`]
      : [];
  }
  const match = /^@locus\/([^/]+)(\/.*)?$/.exec(specifier);
  if (!match) return [];
  const [, name, subpath = ''] = match;
  const problems = [];
  if (/^\/(src|dist)(\/|$)/.test(subpath))
    problems.push(`deep import ${specifier} (use the package's exports)`);
  const allowed = RULES[unit];
  if (allowed && !allowed.includes(`@locus/${name}`)) problems.push(`${unit} may not import @locus/${name}`);
  return problems;
}

export function checkTree() {
  const problems = [];
  for (const unit of Object.keys(RULES)) {
    let files;
    try {
      files = [...sourceFiles(join(ROOT, unit))];
    } catch {
      continue; // a unit that does not exist yet has nothing to break
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(IMPORT)) {
        for (const problem of checkSpecifier(unit, specifier, dirname(file))) {
          problems.push(`${relative(ROOT, file)}: ${problem}`);
        }
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkTree();
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log('import boundaries: ok');
}

// The script-tag build, read as shipped (@locus/sdk/cdn/*): no code that a strict
// Content-Security-Policy without 'unsafe-eval' would refuse. The e2e CSP page proves the same
// at run time (csp.spec.ts); this finds a new eval in any chunk, loaded by a test or not.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cdn = dirname(fileURLToPath(import.meta.resolve('@locus/sdk/cdn/locus.js')));

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return /\.(m?js)$/.test(entry.name) ? [path] : [];
  });
}

/** Calls that compile strings to code. (String literals such as "evaluate" do not match.) */
const EVAL =
  /(?<![\w$.])eval\s*\(|\(\s*0\s*,\s*eval\s*\)|new\s+Function\s*\(|(?<![\w$.])Function\s*\(\s*['"`]/g;

/**
 * Known and not reached: ONNX Runtime's Emscripten glue can build an embind method caller with
 * `new Function` (the CSP e2e loads and runs a transformer model through it with no violation
 * reported), and tfjs-backend-wasm's glue carries a Node worker_threads shim with `(0,eval)`
 * that only multi-threaded Node runs use.
 */
const KNOWN: Record<string, number> = {
  'ort/ort-wasm-simd-threaded.asyncify.mjs': 1,
};
const KNOWN_TFJS_NODE_SHIM = /nodeWorkerThreads\.Worker,importScripts:function\(f\)\{\(0,eval\)/;

describe('@locus/sdk/cdn under a strict CSP', () => {
  const files = scripts(cdn);

  it('has scripts to check', () => {
    expect(files.map((file) => relative(cdn, file))).toEqual(
      expect.arrayContaining(['locus.js', 'locus-core.js']),
    );
  });

  it('compiles no strings to code (no eval, no new Function) outside the known runtime glue', () => {
    const found: Record<string, number> = {};
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(KNOWN_TFJS_NODE_SHIM, '');
      const hits = text.match(EVAL)?.length ?? 0;
      if (hits > 0) found[relative(cdn, file)] = hits;
    }
    expect(found).toEqual(KNOWN);
  });
});

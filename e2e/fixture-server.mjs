#!/usr/bin/env node
// Serves the e2e fixture pages with the built script-tag SDK and models beside them, the way a
// publisher would host them: /locus/ (SDK, wasm, ONNX Runtime) and /locus/models/.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.FIXTURE_PORT ?? 5184);

// Public exports only: the SDK's CDN folder and the models' artefacts folder.
const sdkCdn = dirname(fileURLToPath(import.meta.resolve('@locus/sdk/cdn/locus.js')));
const models = resolve(
  fileURLToPath(import.meta.resolve('@locus/models/artefacts/locus-glove-sif/config.json')),
  '../..',
);

// A real IAB CMP for the consent tests: the IAB's own packages, as ES modules (an import map in
// the page resolves their bare imports).
const vendor = {
  '/vendor/iabtcf-core/': dirname(fileURLToPath(import.meta.resolve('@iabtcf/core'))),
  '/vendor/iabtcf-cmpapi/': dirname(fileURLToPath(import.meta.resolve('@iabtcf/cmpapi'))),
  '/vendor/iabtcf-stub/': dirname(fileURLToPath(import.meta.resolve('@iabtcf/stub'))),
};

for (const [name, dir] of [
  ['@locus/sdk (run: pnpm --filter @locus/sdk build)', join(sdkCdn, 'locus.js')],
  ['@locus/models (run: pnpm --filter @locus/models build)', models],
]) {
  if (!existsSync(dir)) {
    console.error(`fixture-server: ${name} is not built: ${dir} is missing`);
    process.exit(1);
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.map': 'application/json',
  '.md': 'text/markdown',
};

/** Maps a URL path to a file under one of the served roots, refusing anything outside them. */
function fileFor(pathname) {
  const mounts = [
    ['/locus/models/', models],
    ['/locus/', sdkCdn],
    ...Object.entries(vendor),
    ['/', join(here, 'fixtures')],
  ];
  for (const [prefix, root] of mounts) {
    if (!pathname.startsWith(prefix)) continue;
    const file = normalize(join(root, decodeURIComponent(pathname.slice(prefix.length))));
    if (!file.startsWith(root)) return null;
    return existsSync(file) && statSync(file).isFile() ? file : null;
  }
  return null;
}

createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const file = fileFor(pathname === '/' ? '/index.html' : pathname);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`fixtures on http://127.0.0.1:${port}/`));

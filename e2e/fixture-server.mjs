#!/usr/bin/env node
// Serves the e2e fixture pages with the built script-tag SDK and models beside them, the way a
// publisher would host them: /locus/ (SDK, wasm, ONNX Runtime) and /locus/models/.
// It listens on two ports (FIXTURE_PORT and FIXTURE_FRAME_PORT): two origins, for pages that
// embed a Locus page in a cross-origin iframe. Everything under /csp/ is served with a strict
// Content-Security-Policy (see cspFor), its violation reports collected at /csp-report.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.FIXTURE_PORT ?? 5184);
const framePort = Number(process.env.FIXTURE_FRAME_PORT ?? port + 2);

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
    // The strict-CSP copy of the publisher's layout: page, SDK and models all under /csp/.
    ['/csp/locus/models/', models],
    ['/csp/locus/', sdkCdn],
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

/**
 * The strict policy the README documents: no inline script without the page's nonce, no eval,
 * workers and fetches same-origin only. `wasm=off` drops 'wasm-unsafe-eval' (WebAssembly
 * refused: Locus must fall back to a JavaScript backend).
 */
function cspFor(nonce, query) {
  const wasm = query.get('wasm') === 'off' ? '' : " 'wasm-unsafe-eval'";
  return [
    "default-src 'none'",
    `script-src 'self'${wasm} 'nonce-${nonce}'`,
    "worker-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    'report-uri /csp-report',
  ].join('; ');
}

/** CSP violation reports (from pages and workers), read and emptied by GET /csp-reports. */
let cspReports = [];

function cspReport(req, res) {
  let body = '';
  req.on('data', (chunk) => {
    if (body.length < 64 * 1024) body += chunk;
  });
  req.on('end', () => {
    try {
      cspReports.push(JSON.parse(body)['csp-report'] ?? JSON.parse(body));
    } catch {
      cspReports.push({ unparsed: body.slice(0, 500) });
    }
    res.writeHead(204).end();
  });
}

function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { pathname } = url;
  if (pathname === '/csp-report' && req.method === 'POST') return cspReport(req, res);
  if (pathname === '/csp-reports') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(cspReports));
    cspReports = [];
    return;
  }
  const file = fileFor(pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const headers = {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
  };
  if (pathname.startsWith('/csp/')) {
    const nonce = randomBytes(16).toString('base64');
    headers['content-security-policy'] = cspFor(nonce, url.searchParams);
    if (extname(file) === '.html') {
      res.writeHead(200, headers).end(readFileSync(file, 'utf8').replaceAll('{{nonce}}', nonce));
      return;
    }
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

createServer(handle).listen(port, '127.0.0.1', () => console.log(`fixtures on http://127.0.0.1:${port}/`));
// The same files from a second origin (another port is another origin, and localhost vs
// 127.0.0.1 another site): the cross-origin iframe tests.
createServer(handle).listen(framePort, '127.0.0.1', () =>
  console.log(`fixtures (second origin) on http://127.0.0.1:${framePort}/`),
);

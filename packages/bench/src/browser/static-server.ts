import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

// A tiny static server in the manner of e2e/fixture-server.mjs: folders mounted under URL
// prefixes, plus in-memory pages. It never compresses (sizes are compressed with zlib by the
// suites, per response body), and it logs every request it answers, so what a page fetched can
// be cross-checked against the browser's own network records (workers included).

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.map': 'application/json',
  '.md': 'text/markdown',
  '.svg': 'image/svg+xml',
};

export interface Mount {
  /** URL prefix ending in "/", e.g. "/locus/". Longest prefix wins. */
  prefix: string;
  dir: string;
}

export interface ServedRequest {
  path: string;
  status: number;
  /** Body bytes sent (0 for 304). */
  bytes: number;
  /** The file that answered, when one did. */
  file?: string;
  /** Node clock (Date.now()) when the request arrived and when the body was written. */
  start: number;
  end: number;
}

export interface StaticServer {
  origin: string;
  log: ServedRequest[];
  /** The file a URL path maps to, or undefined. */
  fileFor(pathname: string): string | undefined;
  close(): Promise<void>;
}

/** Content-hashed build outputs (name-<hash>.js) may be cached for good; everything else revalidates. */
const HASHED = /-[A-Za-z0-9_-]{8}\.(js|css|wasm)$/;

export interface ServerOptions {
  mounts: Mount[];
  /** Extra pages served from memory (path -> HTML). */
  pages?: Record<string, string>;
}

export async function startStaticServer({ mounts, pages = {} }: ServerOptions): Promise<StaticServer> {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const log: ServedRequest[] = [];

  const fileFor = (pathname: string): string | undefined => {
    const path = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    for (const { prefix, dir } of sorted) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(path.slice(prefix.length))));
      if (!file.startsWith(normalize(dir) + sep)) return undefined; // ../ out of the mount
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
    return undefined;
  };

  const answer = (req: IncomingMessage, res: ServerResponse, entry: ServedRequest) => {
    const finish = (status: number, bytes: number) => {
      entry.status = status;
      entry.bytes = bytes;
      entry.end = Date.now();
      log.push(entry);
    };
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const page = pages[pathname];
    if (page !== undefined) {
      const body = Buffer.from(page);
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
      res.end(body, () => finish(200, body.length));
      return;
    }
    const file = fileFor(pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found', () => finish(404, 0));
      return;
    }
    entry.file = file;
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${stat.mtimeMs.toString(16)}"`;
    const headers = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(stat.size),
      etag,
      'cache-control': HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'cache-control': headers['cache-control'] }).end(() => finish(304, 0));
      return;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end(() => finish(200, 0));
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    res.on('finish', () => finish(200, stat.size));
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    const entry: ServedRequest = { path: req.url ?? '/', status: 0, bytes: 0, start: Date.now(), end: 0 };
    try {
      answer(req, res, entry);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    fileFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

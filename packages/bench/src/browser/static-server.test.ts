import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, startStaticServer } from './static-server.js';

describe('bench static server', () => {
  let server: StaticServer;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'bench-static-'));
    mkdirSync(join(root, 'site', 'chunks'), { recursive: true });
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'site', 'index.html'), '<p>home</p>');
    writeFileSync(join(root, 'site', 'chunks', 'app-AbCd1234.js'), 'export {};');
    writeFileSync(join(root, 'models', 'model.onnx'), Buffer.alloc(1000, 7));
    writeFileSync(join(root, 'secret.txt'), 'outside every mount');
    server = await startStaticServer({
      mounts: [
        { prefix: '/', dir: join(root, 'site') },
        { prefix: '/site/models/', dir: join(root, 'models') },
      ],
      pages: { '/virtual.html': '<p>from memory</p>' },
    });
  });
  afterAll(() => server.close());

  it('serves mounts (longest prefix first), in-memory pages, and logs the bytes it sent', async () => {
    const model = await fetch(`${server.origin}/site/models/model.onnx`);
    expect(model.headers.get('content-type')).toBe('application/octet-stream');
    expect((await model.arrayBuffer()).byteLength).toBe(1000);
    expect(await (await fetch(`${server.origin}/virtual.html`)).text()).toBe('<p>from memory</p>');
    expect(await (await fetch(`${server.origin}/`)).text()).toBe('<p>home</p>');
    const logged = server.log.find((entry) => entry.path === '/site/models/model.onnx');
    expect(logged).toMatchObject({ status: 200, bytes: 1000 });
  });

  it('revalidates with ETag (304, no body) and marks content-hashed files immutable', async () => {
    const first = await fetch(`${server.origin}/chunks/app-AbCd1234.js`);
    expect(first.headers.get('cache-control')).toContain('immutable');
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.origin}/chunks/app-AbCd1234.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${server.origin}/index.html`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('refuses paths outside its mounts', async () => {
    expect((await fetch(`${server.origin}/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${server.origin}/missing.js`)).status).toBe(404);
  });
});

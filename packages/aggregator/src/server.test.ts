import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { startServer } from './server.js';
import { SqliteStore } from './store/index.js';

describe('startServer', () => {
  it('serves the app, and close() waits for in-flight requests but not idle keep-alive sockets', async () => {
    const store = SqliteStore.open(':memory:');
    const app = createApp({ store, logger: pino({ level: 'silent' }) });
    let release = () => {};
    app.get('/slow', async (c) => {
      await new Promise<void>((r) => {
        release = r;
      });
      return c.text('done');
    });
    const server = await startServer(app, { port: 0, host: '127.0.0.1' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // leaves a keep-alive socket

    const slow = fetch(`${server.url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    const released = performance.now();
    release();
    expect(await (await slow).text()).toBe('done');
    await closing;
    expect(closed).toBe(true);
    // Not held open by the now-idle keep-alive socket of /slow (Node would wait for its timeout).
    expect(performance.now() - released).toBeLessThan(1000);
    await store.close();
  });

  it('rejects when the port is taken', async () => {
    const store = SqliteStore.open(':memory:');
    const app = createApp({ store, logger: pino({ level: 'silent' }) });
    const first = await startServer(app, { port: 0, host: '127.0.0.1' });
    await expect(startServer(app, { port: first.port, host: '127.0.0.1' })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await first.close();
    await store.close();
  });
});

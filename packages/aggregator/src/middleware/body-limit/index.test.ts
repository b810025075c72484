import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../http/error-handler.js';
import { bodyLimit } from './index.js';

function app(limit: number | (() => number)) {
  const hono = new Hono().post('/', bodyLimit(limit), async (c) =>
    c.text(String((await c.req.text()).length)),
  );
  hono.onError(errorHandler(pino({ level: 'silent' })));
  return hono;
}

/** A body without Content-Length: the limit must hold while streaming. */
function streamed(bytes: number): RequestInit {
  const chunk = new Uint8Array(1024).fill(65);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(chunk.length, bytes - sent);
      sent += size;
      controller.enqueue(chunk.subarray(0, size));
    },
  });
  return { method: 'POST', body, duplex: 'half' } as RequestInit;
}

describe('bodyLimit', () => {
  it('passes bodies up to the limit', async () => {
    const res = await app(10).request('/', {
      method: 'POST',
      body: 'x'.repeat(10),
      headers: { 'content-length': '10' },
    });
    expect(await res.text()).toBe('10');
    expect(await (await app(5000).request('/', streamed(4096))).text()).toBe('4096');
  });

  it('refuses by Content-Length before reading, and while streaming, with 413 payload_too_large', async () => {
    const declared = await app(10).request('/', {
      method: 'POST',
      body: 'x'.repeat(11),
      headers: { 'content-length': '11' },
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      error: { code: 'payload_too_large', message: 'the body is over 10 bytes' },
    });
    expect((await app(() => 3000).request('/', streamed(4096))).status).toBe(413);
  });
});

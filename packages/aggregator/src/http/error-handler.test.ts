import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { badRequest, HttpError } from './http-error.js';

function appWith(logged: Record<string, unknown>[] = []) {
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const app = new Hono()
    .get('/bad', () => {
      throw badRequest('weights must be an array');
    })
    .get('/teapot', () => {
      throw new HttpError(418, 'teapot', 'short and stout');
    })
    .get('/auth', () => {
      const res = new Response('no', { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
      throw new HTTPException(401, { res, message: 'token required' });
    })
    .get('/hono-413', () => {
      throw new HTTPException(413);
    })
    .get('/crash', () => {
      throw new Error('secret detail');
    });
  app.notFound(notFoundHandler);
  app.onError(errorHandler(logger));
  return app;
}

async function call(path: string, logged?: Record<string, unknown>[]) {
  const res = await appWith(logged).request(path);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe('errorHandler', () => {
  it('turns an HttpError into { error: { code, message } } with its status', async () => {
    expect(await call('/bad')).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: 'weights must be an array' } },
    });
    expect(await call('/teapot')).toMatchObject({
      status: 418,
      body: { error: { code: 'teapot', message: 'short and stout' } },
    });
  });

  it("maps Hono's HTTPException by status and keeps its headers", async () => {
    const auth = await call('/auth');
    expect(auth).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'token required' } },
    });
    expect(auth.headers.get('www-authenticate')).toBe('Bearer');
    expect(auth.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await call('/hono-413')).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
  });

  it('answers an opaque 500 for unexpected errors and logs them', async () => {
    const logged: Record<string, unknown>[] = [];
    const res = await call('/crash', logged);
    expect(res).toMatchObject({
      status: 500,
      body: { error: { code: 'internal', message: 'internal server error' } },
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, msg: 'unhandled error', path: '/crash' });
  });

  it('notFoundHandler answers a JSON 404', async () => {
    expect(await call('/missing')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'no route for GET /missing' } },
    });
  });
});

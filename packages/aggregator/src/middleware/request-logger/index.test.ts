import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLogger } from './index.js';

function capture(level: pino.Level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('requestLogger', () => {
  it('logs method, path without query, status and duration', async () => {
    const { logger, lines } = capture();
    const app = new Hono().use(requestLogger(logger)).get('/x', (c) => c.text('ok'));
    const res = await app.request('/x?secret=1');
    expect(res.status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request', method: 'GET', path: '/x', status: 200 });
    expect(typeof lines[0]?.ms).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('secret');
  });

  it('logs 5xx at error level and quiet paths at debug level', async () => {
    const { logger, lines } = capture('info');
    const app = new Hono()
      .use(requestLogger(logger, { quiet: ['/healthz'] }))
      .get('/healthz', (c) => c.text('ok'))
      .get('/boom', (c) => c.text('no', 500));
    await app.request('/healthz');
    await app.request('/boom');
    expect(lines.map((l) => [l.path, l.level])).toEqual([['/boom', 50]]);
  });
});

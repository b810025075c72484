import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../http/error-handler.js';
import { bearerToken, clientAddress, rateLimit, TokenBuckets } from './index.js';

describe('TokenBuckets', () => {
  it('allows a burst, then one request per 1/rate seconds, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(500);
    expect(buckets.take('b')).toBe(0);
    now = 499;
    expect(buckets.take('a')).toBe(2); // 0.998 tokens: 2 ms to go
    now = 500;
    expect(buckets.take('a')).toBe(0);
    now = 10_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      0, 0, 0, 500,
    ]);
  });

  it('stays bounded: full buckets are dropped first, then the oldest', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 2, () => now, 3);
    for (const key of ['a', 'b', 'c']) buckets.take(key);
    now = 5000; // a, b, c are full again
    buckets.take('d');
    expect(buckets.size).toBe(1);
    for (const key of ['e', 'f', 'g', 'h']) buckets.take(key);
    expect(buckets.size).toBe(3);
  });
});

describe('rateLimit', () => {
  it('answers 429 rate_limited with Retry-After, keyed per request', async () => {
    const app = new Hono()
      .use(rateLimit(new TokenBuckets(1, 1), (c) => c.req.header('x-key')))
      .get('/', (c) => c.text('ok'));
    app.onError(errorHandler(pino({ level: 'silent' })));
    expect((await app.request('/', { headers: { 'x-key': 'a' } })).status).toBe(200);
    const limited = await app.request('/', { headers: { 'x-key': 'a' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await app.request('/')).status).toBe(200); // no key: another limiter's business
  });

  it('takes the address from the last X-Forwarded-For hop only behind a trusted proxy', async () => {
    const app = new Hono().get('/', (c) => c.text(`${clientAddress(c, true)} ${clientAddress(c, false)}`));
    const res = await app.request('/', { headers: { 'x-forwarded-for': '6.6.6.6, 10.0.0.7' } });
    expect(await res.text()).toBe('10.0.0.7 local');
  });

  it('reads only well-formed bearer tokens', async () => {
    const app = new Hono().get('/', (c) => c.text(String(bearerToken(c))));
    const token = 'A'.repeat(43);
    expect(await (await app.request('/', { headers: { authorization: `Bearer ${token}` } })).text()).toBe(
      token,
    );
    expect(await (await app.request('/', { headers: { authorization: 'Bearer short' } })).text()).toBe(
      'undefined',
    );
    expect(await (await app.request('/', { headers: { authorization: `Basic ${token}` } })).text()).toBe(
      'undefined',
    );
  });
});

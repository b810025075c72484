import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AggregatorMetrics } from '../../metrics.js';
import { httpMetrics } from './index.js';

describe('httpMetrics', () => {
  it('labels requests by route pattern, never by the concrete path', async () => {
    const metrics = new AggregatorMetrics();
    const app = new Hono().use(httpMetrics(metrics)).get('/rounds/:roundId/shares', (c) => c.text('ok'));
    await app.request('/rounds/round-1-abc/shares');
    await app.request('/rounds/round-2-def/shares');
    await app.request('/nope');
    const text = await metrics.text();
    expect(text).toContain(
      'locus_http_requests_total{method="GET",route="/rounds/:roundId/shares",status="200"} 2',
    );
    expect(text).toContain('locus_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain('round-1-abc');
  });
});

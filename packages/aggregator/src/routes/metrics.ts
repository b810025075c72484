import { Hono } from 'hono';
import type { AggregatorMetrics } from '../metrics.js';

/** `GET /metrics`: Prometheus text exposition (scrape it from the operator's network only). */
export function metricsRoutes(metrics: AggregatorMetrics) {
  return new Hono().get('/metrics', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.body(await metrics.text(), 200, { 'Content-Type': metrics.contentType });
  });
}

import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AggregatorMetrics } from '../../metrics.js';

/**
 * Counts requests by method, route pattern (`/fl/v1/rounds/:roundId/shares`, never the concrete
 * path: round ids would make the label set unbounded) and status, and times them.
 */
export function httpMetrics(metrics: AggregatorMetrics): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const matched = routePath(c, -1);
      const route = !matched || matched.endsWith('*') ? 'unmatched' : matched;
      metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
      metrics.requestDuration.observe({ route }, (performance.now() - start) / 1000);
    }
  };
}

import { Hono } from 'hono';
import type { Logger } from 'pino';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { AggregatorMetrics } from './metrics.js';
import { httpMetrics } from './middleware/http-metrics/index.js';
import { requestLogger } from './middleware/request-logger/index.js';
import type { RoundCoordinator } from './rounds/coordinator.js';
import type { RoundSettings } from './rounds/settings.js';
import { federationRoutes } from './routes/federation.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { publicRoutes } from './routes/public.js';
import type { Store } from './store/index.js';

export interface AppDeps {
  store: Store;
  logger: Logger;
  metrics?: AggregatorMetrics;
  /** The round routes (/fl/v1/...); without them the app serves /healthz and /metrics only. */
  federation?: { coordinator: RoundCoordinator; settings: RoundSettings };
}

/** Everything federated lives under this prefix; the demo proxies /fl/... to it unchanged. */
export const API_PREFIX = '/fl/v1';

/** The aggregator's HTTP app, independent of how it is served (Node server, `app.request` in tests). */
export function createApp({ store, logger, metrics = new AggregatorMetrics(), federation }: AppDeps) {
  const app = new Hono();
  app.use(requestLogger(logger, { quiet: ['/healthz', '/metrics'] }));
  app.use(httpMetrics(metrics));
  app.route('/', healthRoutes(store));
  app.route('/', metricsRoutes(metrics));
  if (federation) {
    app.route(API_PREFIX, publicRoutes(store));
    app.route(API_PREFIX, federationRoutes(federation.coordinator, federation.settings));
  }
  app.notFound(notFoundHandler);
  app.onError(errorHandler(logger, metrics));
  return app;
}

export type App = ReturnType<typeof createApp>;

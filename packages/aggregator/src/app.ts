import { Hono } from 'hono';
import type { Logger } from 'pino';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { requestLogger } from './middleware/request-logger/index.js';
import { healthRoutes } from './routes/health.js';
import type { Store } from './store/index.js';

export interface AppDeps {
  store: Store;
  logger: Logger;
}

/** The aggregator's HTTP app, independent of how it is served (Node server, `app.request` in tests). */
export function createApp({ store, logger }: AppDeps) {
  const app = new Hono();
  app.use(requestLogger(logger, { quiet: ['/healthz'] }));
  app.route('/', healthRoutes(store));
  app.notFound(notFoundHandler);
  app.onError(errorHandler(logger));
  return app;
}

export type App = ReturnType<typeof createApp>;

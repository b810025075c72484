import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';

/**
 * Logs one structured line per request after the response is ready: method, path (no query
 * string: it may carry identifiers), status and duration. 5xx at `error`, the rest at `info`,
 * except paths in `quiet` (health probes), which log at `debug`.
 */
export function requestLogger(
  logger: Logger,
  options: { quiet?: readonly string[] } = {},
): MiddlewareHandler {
  const quiet = new Set(options.quiet ?? []);
  return async (c, next) => {
    const start = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    };
    if (status >= 500) logger.error(line, 'request');
    else if (quiet.has(c.req.path)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  };
}

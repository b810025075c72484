import type { ErrorResponse } from '@locus/protocol';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { AggregatorMetrics } from '../metrics.js';
import { RoundError } from '../rounds/errors.js';
import { codeForStatus, HttpError } from './http-error.js';
import { httpErrorOf } from './round-errors.js';

/** `app.notFound`: unknown routes answer a JSON 404. */
export const notFoundHandler: NotFoundHandler = (c) =>
  errorResponse(c, new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

/**
 * `app.onError`: the one place errors become responses. RoundError gets its status from its code;
 * HttpError keeps its code and message; Hono's own HTTPException gets a code from its status (and
 * keeps headers such as WWW-Authenticate); anything else is logged and answered as an opaque 500.
 * Every refusal (4xx) is logged at info with its code and counted in `locus_rejects_total`.
 */
export function errorHandler(logger: Logger, metrics?: AggregatorMetrics): ErrorHandler {
  return (thrown, c) => {
    const err = thrown instanceof RoundError ? httpErrorOf(thrown) : thrown;
    if (err instanceof HTTPException) {
      const status = err.status;
      const error =
        err instanceof HttpError ? err : new HttpError(status, codeForStatus(status), err.message);
      if (status >= 500) logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
      else {
        logger.info(
          { code: error.code, status, method: c.req.method, path: c.req.path, reason: error.message },
          'request refused',
        );
        metrics?.rejects.inc({ code: String(error.code) });
      }
      const response = errorResponse(c, error);
      err.res?.headers.forEach((value, name) => {
        if (!/^content-(type|length)$/i.test(name)) response.headers.set(name, value);
      });
      if (error.retryAfterMs !== undefined) {
        response.headers.set('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
      }
      return response;
    }
    logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return errorResponse(c, new HttpError(500, 'internal', 'internal server error'));
  };
}

function errorResponse(c: Context, error: HttpError): Response {
  const message = error.message || defaultMessage(error.status);
  // retryAfterMs (too_early) is finer than the Retry-After header's whole seconds.
  const body: ErrorResponse & { error: { retryAfterMs?: number } } = {
    error: {
      code: error.code,
      message,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    },
  };
  return c.json(body, error.status);
}

function defaultMessage(status: number): string {
  return status >= 500 ? 'internal server error' : `request failed with status ${status}`;
}

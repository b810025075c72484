import type { ErrorResponse } from '@locus/protocol';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { codeForStatus, HttpError } from './http-error.js';

/** `app.notFound`: unknown routes answer a JSON 404. */
export const notFoundHandler: NotFoundHandler = (c) =>
  errorResponse(c, new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

/**
 * `app.onError`: the one place errors become responses. HttpError keeps its code and message;
 * Hono's own HTTPException gets a code from its status (and keeps headers such as
 * WWW-Authenticate); anything else is logged and answered as an opaque 500.
 */
export function errorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status >= 500) logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
      const error =
        err instanceof HttpError ? err : new HttpError(status, codeForStatus(status), err.message);
      const response = errorResponse(c, error);
      err.res?.headers.forEach((value, name) => {
        if (!/^content-(type|length)$/i.test(name)) response.headers.set(name, value);
      });
      return response;
    }
    logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return errorResponse(c, new HttpError(500, 'internal', 'internal server error'));
  };
}

function errorResponse(c: Context, error: HttpError): Response {
  const message = error.message || defaultMessage(error.status);
  const body: ErrorResponse = { error: { code: error.code, message } };
  return c.json(body, error.status);
}

function defaultMessage(status: number): string {
  return status >= 500 ? 'internal server error' : `request failed with status ${status}`;
}

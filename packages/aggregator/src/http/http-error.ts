import type { ErrorCode } from '@locus/protocol';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A failure with an HTTP status and a machine-readable {@link ErrorCode}; the app's error handler
 * turns it into `{ error: { code, message } }`. Extends Hono's HTTPException, so Hono middleware
 * treats it like its own.
 */
export class HttpError extends HTTPException {
  override readonly name = 'HttpError';
  readonly code: ErrorCode;
  /** Sent as `Retry-After` (whole seconds, rounded up) by the error handler. */
  readonly retryAfterMs: number | undefined;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(status, { message, cause: options?.cause });
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const unavailable = (message: string, cause?: unknown) =>
  new HttpError(503, 'unavailable', message, { cause });

/** Code for an HTTPException thrown by Hono or its middleware, which carries only a status. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'bad_request';
  }
}

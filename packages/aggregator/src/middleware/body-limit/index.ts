import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { HttpError } from '../../http/http-error.js';

/**
 * Refuses a request body over `maxBytes` with 413 `payload_too_large` before it is read whole:
 * by Content-Length when present, otherwise while streaming (Hono's bodyLimit). Wire messages are
 * ASCII, so the protocol's character bounds (WIRE_MAX_CHARS, maxCharsForVector) are byte bounds.
 */
export function bodyLimit(maxBytes: number | (() => number)): MiddlewareHandler {
  return (c, next) => {
    const limit = typeof maxBytes === 'function' ? maxBytes() : maxBytes;
    return honoBodyLimit({
      maxSize: limit,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `the body is over ${limit} bytes`);
      },
    })(c, next);
  };
}

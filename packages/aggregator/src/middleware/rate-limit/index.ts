import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { HttpError } from '../../http/http-error.js';
import type { TokenBuckets } from './token-bucket.js';

export { TokenBuckets } from './token-bucket.js';

/**
 * 429 `rate_limited` (with Retry-After) once the key's token bucket is empty. The key is computed
 * per request: a client address, a round token; requests without a key pass (another limiter
 * covers them). No user identifier, no cookie is involved.
 */
export function rateLimit(
  buckets: TokenBuckets,
  keyOf: (c: Context) => string | undefined,
): MiddlewareHandler {
  return async (c, next) => {
    const key = keyOf(c);
    if (key !== undefined) {
      const waitMs = buckets.take(key);
      if (waitMs > 0) {
        throw new HttpError(429, 'rate_limited', 'too many requests, slow down', { retryAfterMs: waitMs });
      }
    }
    await next();
  };
}

/**
 * The client's address: the TCP peer, or behind a trusted reverse proxy the last X-Forwarded-For
 * hop (the one the proxy appended; earlier hops are whatever the client claimed). Requests that
 * did not come over a socket (`app.request` in tests) share the key `local`.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header('x-forwarded-for')?.split(',');
    const last = hops?.[hops.length - 1]?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

/** The bearer token of `Authorization: Bearer <token>`, if well-formed. */
export function bearerToken(c: Context): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

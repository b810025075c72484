import type { BrowserContext, Request } from 'playwright-core';
import { fileSizes, type Sizes } from './sizes.js';
import type { ServedRequest, StaticServer } from './static-server.js';

/**
 * One request of a visit, as the browser recorded it (Playwright's network events, i.e. CDP
 * Network.* with Network.loadingFinished's encodedDataLength; dedicated workers included)
 * joined with what the bench server logged for it.
 */
export interface NetEntry {
  path: string;
  /** Epoch ms: the browser's request start and response end (server times if it had none). */
  start: number;
  end: number;
  /** Body bytes as the browser counted them (encoded, i.e. as sent: the server never compresses). */
  browserBytes: number;
  /** The server's answer: 200 with bytes, 304 with none; undefined when the browser's cache answered. */
  server?: ServedRequest;
  failed?: string;
  /** Body sizes (raw, gzip, brotli) of what the server sent; zero when nothing was sent. */
  sizes: Sizes;
}

export interface NetworkRecorder {
  /** Resolves when no request is in flight and none has started for `quietMs`. */
  idle(quietMs: number, timeoutMs: number): Promise<void>;
  /** The visit's requests (joins the server log entries logged since the recorder started). */
  entries(): NetEntry[];
  stop(): void;
}

const ZERO: Sizes = { raw: 0, gzip: 0, brotli: 0 };

/** Records the requests of `context` from now on. */
export function recordNetwork(context: BrowserContext, server: StaticServer): NetworkRecorder {
  const serverFrom = server.log.length;
  const done: { request: Request; bytes: number; failed?: string }[] = [];
  let inFlight = 0;
  let lastActivity = Date.now();
  const onRequest = () => {
    inFlight++;
    lastActivity = Date.now();
  };
  const onFinished = async (request: Request) => {
    const sizes = await request.sizes().catch(() => undefined);
    done.push({ request, bytes: sizes?.responseBodySize ?? 0 });
    inFlight--;
    lastActivity = Date.now();
  };
  const onFailed = (request: Request) => {
    done.push({ request, bytes: 0, failed: request.failure()?.errorText ?? 'failed' });
    inFlight--;
    lastActivity = Date.now();
  };
  context.on('request', onRequest);
  context.on('requestfinished', onFinished);
  context.on('requestfailed', onFailed);

  return {
    async idle(quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 || Date.now() - lastActivity < quietMs) {
        if (Date.now() > deadline)
          throw new Error(`the network did not go idle within ${timeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    entries() {
      // The server's entries per path, in order, matched to the browser's requests in order.
      const served = new Map<string, ServedRequest[]>();
      for (const entry of server.log.slice(serverFrom)) {
        served.set(entry.path, [...(served.get(entry.path) ?? []), entry]);
      }
      const byStart = [...done].sort((a, b) => a.request.timing().startTime - b.request.timing().startTime);
      const entries: NetEntry[] = byStart.map(({ request, bytes, failed }) => {
        const url = new URL(request.url());
        const path = `${url.pathname}${url.search}`;
        const timing = request.timing();
        const match = url.origin === server.origin ? served.get(path)?.shift() : undefined;
        const end =
          timing.responseEnd >= 0 ? timing.startTime + timing.responseEnd : (match?.end ?? Date.now());
        const sent = match?.status === 200 && match.file ? fileSizes(match.file) : ZERO;
        return {
          path,
          start: timing.startTime,
          end,
          browserBytes: bytes,
          ...(match ? { server: match } : {}),
          ...(failed ? { failed } : {}),
          sizes: sent,
        };
      });
      // Anything the server answered that the browser did not report still counts.
      for (const [path, rest] of served) {
        for (const entry of rest) {
          const sizes = entry.status === 200 && entry.file ? fileSizes(entry.file) : ZERO;
          entries.push({ path, start: entry.start, end: entry.end, browserBytes: 0, server: entry, sizes });
        }
      }
      return entries.sort((a, b) => a.end - b.end);
    },
    stop() {
      context.off('request', onRequest);
      context.off('requestfinished', onFinished);
      context.off('requestfailed', onFailed);
    },
  };
}

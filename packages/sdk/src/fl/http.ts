import { encodeMessage, parseMessage, type WireKind, type WireMessage } from '@locus/protocol';

/** An answer from the aggregator that is not a success, with what the server said. */
export class FlHttpError extends Error {
  override readonly name = 'FlHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** The round is over for this client (it was dropped, or the stage closed without it). */
  get roundOver(): boolean {
    return this.status === 410 || this.code === 'stage_closed' || this.code === 'round_not_found';
  }

  /** Worth trying again later: the server, the network or our pace, not the message. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 503 || this.status >= 500;
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The aggregator's HTTP API: JSON wire messages validated on the way in and out, a bearer token
 * for round routes, and nothing else — no cookies, no credentials, no identifiers.
 */
export class FlHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {}

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/$/, '')}/v1${path}`;
  }

  private async send(path: string, init: RequestInit): Promise<string> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path), { ...init, credentials: 'omit', cache: 'no-store' });
    } catch (err) {
      throw new FlHttpError(
        0,
        'network',
        `aggregator unreachable: ${err instanceof Error ? err.message : err}`,
      );
    }
    const text = await response.text();
    if (response.ok) return text;
    let code = `http_${response.status}`;
    let message = text.slice(0, 200);
    let retryAfterMs: number | undefined;
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string; retryAfterMs?: number } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
      retryAfterMs = body.error?.retryAfterMs;
    } catch {
      // not JSON: keep the status
    }
    const header = Number(response.headers.get('retry-after'));
    if (retryAfterMs === undefined && Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
    throw new FlHttpError(response.status, code, message, retryAfterMs);
  }

  async get<K extends WireKind>(
    path: string,
    kind: K,
    token?: string,
    vectorLength?: number,
  ): Promise<WireMessage<K>> {
    const text = await this.send(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return parseMessage(kind, text, vectorLength === undefined ? {} : { vectorLength });
  }

  /** Sends a message; resolves with the answer's text and the request body's size in bytes. */
  async post<K extends WireKind>(
    path: string,
    kind: K,
    message: WireMessage<K>,
    token?: string,
  ): Promise<{ text: string; bytesSent: number }> {
    const body = encodeMessage(kind, message); // JSON of base64 and numbers: ASCII, 1 byte per char
    const text = await this.send(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return { text, bytesSent: body.length };
  }
}

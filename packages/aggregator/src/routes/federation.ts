import {
  encodeMessage,
  maxCharsForVector,
  type ParseOptions,
  PROTOCOL_VERSION,
  parseMessage,
  WIRE_MAX_CHARS,
  type WireKind,
  type WireMessage,
} from '@locus/protocol';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from '../middleware/body-limit/index.js';
import { bearerToken, clientAddress, rateLimit, TokenBuckets } from '../middleware/rate-limit/index.js';
import { type RoundAuthEnv, roundAuth } from '../middleware/round-auth/index.js';
import { decodeBase64WordsNative } from '../native-base64.js';
import type { Member, RoundCoordinator } from '../rounds/coordinator.js';
import { clientFault, RoundError } from '../rounds/errors.js';
import type { RoundSettings } from '../rounds/settings.js';

/**
 * The round routes under /fl/v1: check-in, then per round share-keys (POST), shares (GET),
 * masked-input (POST), unmask (GET, POST). Bodies are the protocol's wire messages; the size is
 * bounded before the body is read and again (in characters) before JSON.parse. Every round route
 * needs `Authorization: Bearer <token>` from the check-in answer. Successful uploads answer 204.
 */
export function federationRoutes(coordinator: RoundCoordinator, settings: RoundSettings) {
  const app = new Hono<RoundAuthEnv>();
  const { http } = settings;
  if (http.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: http.corsOrigins,
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: 600,
      }),
    );
  }
  if (http.addressLimit) {
    const buckets = new TokenBuckets(http.addressLimit.ratePerSecond, http.addressLimit.burst);
    app.use(
      '*',
      rateLimit(buckets, (c) => clientAddress(c, http.trustProxy)),
    );
  }
  const tokenLimit: MiddlewareHandler = http.tokenLimit
    ? rateLimit(new TokenBuckets(http.tokenLimit.ratePerSecond, http.tokenLimit.burst), bearerToken)
    : (_c, next) => next();
  const auth = roundAuth(coordinator);
  const limit = (kind: WireKind) => bodyLimit(WIRE_MAX_CHARS[kind]);
  const maskedInputLimit = bodyLimit(() => maxCharsForVector(coordinator.current.parameters.vectorLength));

  app.post('/check-in', limit('check-in-request'), async (c) => {
    const request = await parse(c, 'check-in-request');
    return wire(c, 'check-in-response', await coordinator.checkIn(request));
  });

  app.post('/rounds/:roundId/share-keys', tokenLimit, limit('share-keys-request'), auth, async (c) => {
    const message = await parse(c, 'share-keys-request');
    await coordinator.submitShareKeys(sameMember(c, message), message);
    return c.body(null, 204);
  });

  app.get('/rounds/:roundId/shares', tokenLimit, auth, async (c) => {
    const member = c.get('member');
    const shares = await coordinator.routedShares(member);
    return wire(c, 'routed-shares', { protocolVersion: PROTOCOL_VERSION, roundId: member.roundId, shares });
  });

  app.post('/rounds/:roundId/masked-input', tokenLimit, maskedInputLimit, auth, async (c) => {
    const member = c.get('member');
    const message = await parse(c, 'masked-input-request', {
      vectorLength: coordinator.vectorLength(member.roundId),
      decodeWords: decodeBase64WordsNative,
    });
    await coordinator.submitMaskedInput(sameMember(c, message), message);
    return c.body(null, 204);
  });

  app.get('/rounds/:roundId/unmask', tokenLimit, auth, async (c) => {
    const member = c.get('member');
    const request = await coordinator.unmaskRequest(member);
    return wire(c, 'unmask-request', {
      protocolVersion: PROTOCOL_VERSION,
      roundId: member.roundId,
      ...request,
    });
  });

  app.post('/rounds/:roundId/unmask', tokenLimit, limit('unmask-response'), auth, async (c) => {
    const message = await parse(c, 'unmask-response');
    await coordinator.submitUnmaskResponse(sameMember(c, message), message);
    return c.body(null, 204);
  });

  return app;
}

/** Reads the body as text and validates it: size before JSON.parse, schema, version, lengths. */
async function parse<K extends WireKind>(
  c: Context,
  kind: K,
  options: ParseOptions = {},
): Promise<WireMessage<K>> {
  const text = await c.req.text();
  try {
    return parseMessage(kind, text, options);
  } catch (error) {
    return clientFault(error);
  }
}

/** The body must name the round, client and token of the bearer token (no cross-client replays). */
function sameMember(
  c: Context<RoundAuthEnv>,
  message: { roundId: string; clientIndex: number; token: string },
): Member {
  const member = c.get('member');
  if (
    message.roundId !== member.roundId ||
    message.clientIndex !== member.clientIndex ||
    message.token !== bearerToken(c)
  ) {
    throw new RoundError(
      'token_mismatch',
      'the message names another round, client or token than the bearer token',
    );
  }
  return member;
}

function wire<K extends WireKind>(c: Context, kind: K, message: WireMessage<K>): Response {
  c.header('Cache-Control', 'no-store');
  return c.body(encodeMessage(kind, message), 200, { 'Content-Type': 'application/json; charset=utf-8' });
}

import { encodeMessage, PROTOCOL_VERSION } from '@locus/protocol';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { badRequest, notFound, unavailable } from '../http/http-error.js';
import type { RoundRecord, Store } from '../store/index.js';

/**
 * The public, read-only routes under /fl/v1: the current global model, the privacy ledger and the
 * recent rounds. Nothing here is secret (the model and ledger are published on purpose), so any
 * origin may read them.
 */
export function publicRoutes(store: Store) {
  const app = new Hono();
  // Only these paths: the round routes under the same prefix stay same-origin (see federation.ts).
  const anyOrigin = cors({ origin: '*', allowMethods: ['GET', 'HEAD'], maxAge: 600 });
  for (const path of ['/model', '/ledger', '/rounds', '/rounds/:roundId']) app.use(path, anyOrigin);
  const modelCache = new ModelCache(store);

  app.get('/model', async (c) => {
    const { version, body } = await guard(() => modelCache.current());
    const etag = `"model-${version}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get('/ledger', async (c) => {
    const entries = await guard(() => store.ledger());
    c.header('Cache-Control', 'no-cache');
    return c.body(encodeMessage('privacy-ledger', { protocolVersion: PROTOCOL_VERSION, entries }), 200, {
      'Content-Type': 'application/json; charset=utf-8',
    });
  });

  app.get('/rounds', async (c) => {
    const limitText = c.req.query('limit') ?? '20';
    const limit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= 500)) throw badRequest('limit must be an integer from 1 to 500');
    const rounds = await guard(() => store.recentRounds(limit));
    c.header('Cache-Control', 'no-store');
    return c.json({ rounds: rounds.map(roundSummary) });
  });

  app.get('/rounds/:roundId', async (c) => {
    const round = await guard(() => store.round(c.req.param('roundId')));
    if (!round) throw notFound(`no round ${c.req.param('roundId')}`);
    c.header('Cache-Control', 'no-store');
    return c.json(roundSummary(round));
  });

  return app;
}

/** The published model as wire text, encoded once per version (every client downloads it). */
class ModelCache {
  #cached: { version: number; body: string } | undefined;

  constructor(private readonly store: Store) {}

  async current(): Promise<{ version: number; body: string }> {
    const model = await this.store.currentModel();
    if (this.#cached?.version === model.version) return this.#cached;
    const weights = await this.store.modelWeights(model.version);
    if (!weights) throw new Error(`model version ${model.version} has no weights`);
    const body = encodeMessage('model-download', {
      protocolVersion: PROTOCOL_VERSION,
      model: {
        modelId: model.modelId,
        version: model.version,
        layoutVersion: model.layoutVersion,
        updatedAt: model.createdAt,
      },
      weights,
    });
    this.#cached = { version: model.version, body };
    return this.#cached;
  }
}

async function guard<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw unavailable('store unavailable', error);
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const span = (from: number | null, to: number | null) => (from === null || to === null ? null : to - from);

/** What an operator page shows about a round: no keys, tokens or messages. */
export function roundSummary(round: RoundRecord) {
  const { times, counts, deadlines } = round;
  const unmaskEnded =
    round.status === 'completed' || (round.status === 'failed' && times.inputsSummedAt !== null);
  return {
    roundId: round.roundId,
    sequence: round.sequence,
    status: round.status,
    outcome: round.outcome,
    modelVersion: round.modelVersion,
    publishedVersion: round.publishedVersion,
    cohortSize: counts.cohort,
    contributors: round.status === 'completed' ? counts.survivors : null,
    /** Members that missed each stage, once it has closed. */
    dropouts: {
      shareKeys: times.sharesRoutedAt === null ? null : counts.cohort - counts.shared,
      maskedInput: times.inputsSummedAt === null ? null : counts.shared - counts.survivors,
      unmask: unmaskEnded ? counts.survivors - counts.responders : null,
    },
    parameters: round.parameters,
    openedAt: iso(times.openedAt),
    finishedAt: iso(times.finishedAt),
    deadlines: {
      checkIn: iso(deadlines.checkIn),
      shareKeys: iso(deadlines.shareKeys),
      maskedInput: iso(deadlines.maskedInput),
      unmask: iso(deadlines.unmask),
    },
    durationsMs: {
      checkIn: span(times.firstCheckInAt, times.cohortFixedAt),
      shareKeys: span(times.cohortFixedAt, times.sharesRoutedAt),
      maskedInput: span(times.sharesRoutedAt, times.inputsSummedAt),
      unmask: span(times.inputsSummedAt, round.status === 'completed' ? times.finishedAt : null),
      total: span(times.firstCheckInAt ?? times.openedAt, times.finishedAt),
    },
  };
}

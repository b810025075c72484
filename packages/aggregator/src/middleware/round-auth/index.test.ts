import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../http/error-handler.js';
import type { RoundCoordinator } from '../../rounds/coordinator.js';
import { RoundError } from '../../rounds/errors.js';
import { type RoundAuthEnv, roundAuth } from './index.js';

const TOKEN = 'T'.repeat(43);

/** Only `authenticate` is used by the middleware. */
const coordinator = {
  authenticate: async (roundId: string, token: string | undefined) => {
    if (roundId !== 'round-1') throw new RoundError('round_not_found', `no round ${roundId}`);
    if (token !== TOKEN) throw new RoundError('invalid_token', 'a bearer token of this round is required');
    return { roundId, clientIndex: 4 };
  },
} as unknown as RoundCoordinator;

function app() {
  const hono = new Hono<RoundAuthEnv>().get('/rounds/:roundId/x', roundAuth(coordinator), (c) =>
    c.json(c.get('member')),
  );
  hono.onError(errorHandler(pino({ level: 'silent' })));
  return hono;
}

describe('roundAuth', () => {
  it('sets the member the bearer token stands for in the round of the path', async () => {
    const res = await app().request('/rounds/round-1/x', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await res.json()).toEqual({ roundId: 'round-1', clientIndex: 4 });
  });

  it('refuses a missing token (401) and an unknown round (404)', async () => {
    expect((await app().request('/rounds/round-1/x')).status).toBe(401);
    const unknown = await app().request('/rounds/round-9/x', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'round_not_found' } });
  });
});

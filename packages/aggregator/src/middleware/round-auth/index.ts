import type { MiddlewareHandler } from 'hono';
import type { Member, RoundCoordinator } from '../../rounds/coordinator.js';
import { bearerToken } from '../rate-limit/index.js';

export type RoundAuthEnv = { Variables: { member: Member } };

/**
 * Resolves `Authorization: Bearer <token>` to the cohort member it was issued to in the round of
 * the path (`:roundId`), before the body is read. 401 `invalid_token`, 404 `round_not_found`, 410
 * `round_closed` otherwise. The handler then checks that the body names the same round, client
 * and token.
 */
export function roundAuth(coordinator: RoundCoordinator): MiddlewareHandler<RoundAuthEnv> {
  return async (c, next) => {
    const member = await coordinator.authenticate(c.req.param('roundId') ?? '', bearerToken(c));
    c.set('member', member);
    await next();
  };
}

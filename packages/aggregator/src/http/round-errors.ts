import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RoundError, type RoundErrorCode } from '../rounds/errors.js';
import { HttpError } from './http-error.js';

/** The HTTP status of each refusal of the round logic (see rounds/errors.ts for their meaning). */
export const ROUND_ERROR_STATUS: Record<RoundErrorCode, ContentfulStatusCode> = {
  malformed: 400,
  wrong_version: 400,
  wrong_length: 400,
  wrong_model: 400,
  invalid_key: 400,
  payload_too_large: 413,
  invalid_token: 401,
  token_mismatch: 403,
  round_not_found: 404,
  duplicate_message: 409,
  duplicate_keys: 409,
  stage_closed: 409,
  dropped: 410,
  round_closed: 410,
  unexpected_message: 422,
  too_early: 425,
};

export function httpErrorOf(error: RoundError): HttpError {
  return new HttpError(ROUND_ERROR_STATUS[error.code], error.code, error.message, {
    cause: error,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}

export { RoundError };

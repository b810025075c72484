import { isProtocolError, type ProtocolErrorCode } from '@locus/protocol';

/**
 * Why the round logic refused a request. Codes are stable (clients branch on them); the HTTP layer
 * maps each to a status (http/round-errors.ts).
 */
export type RoundErrorCode =
  /** Not the schema, not JSON. */
  | 'malformed'
  /** Another PROTOCOL_VERSION. */
  | 'wrong_version'
  /** A vector, key or share of the wrong size for this round. */
  | 'wrong_length'
  /** The body is over the size bound of its message kind. */
  | 'payload_too_large'
  /** A check-in for a model this server does not train. */
  | 'wrong_model'
  /** An X25519 public key that cannot be used (a low-order point) or two equal keys. */
  | 'invalid_key'
  /** No token, or one that belongs to no client of this round. */
  | 'invalid_token'
  /** The token is valid but the message names another round or client index. */
  | 'token_mismatch'
  | 'round_not_found'
  /** This client already has a message for this stage (the first one counts). */
  | 'duplicate_message'
  /** Keys already advertised in this round, by this client or another. */
  | 'duplicate_keys'
  /** The stage this message belongs to has closed. */
  | 'stage_closed'
  /** The stage this request needs has not closed yet: retry after `retryAfterMs`. */
  | 'too_early'
  /** The client is no longer part of the round: it missed a stage. */
  | 'dropped'
  /** The round is over (completed, failed or abandoned). */
  | 'round_closed'
  /** Valid on the wire but not for this stage (shares to non-neighbours, shares it cannot hold...). */
  | 'unexpected_message';

export class RoundError extends Error {
  override readonly name = 'RoundError';

  constructor(
    readonly code: RoundErrorCode,
    message: string,
    /** For `too_early`: when to ask again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const FROM_PROTOCOL: Partial<Record<ProtocolErrorCode, RoundErrorCode>> = {
  malformed: 'malformed',
  'wrong-version': 'wrong_version',
  'wrong-length': 'wrong_length',
  'too-large': 'payload_too_large',
  'duplicate-message': 'duplicate_message',
  'unexpected-message': 'unexpected_message',
  'unknown-client': 'unexpected_message',
};

/**
 * The RoundError for a ProtocolError raised while validating a client's message (wire parsing or a
 * stage's `check…`); anything else is not the client's fault and is rethrown as it is.
 */
export function clientFault(error: unknown): never {
  if (isProtocolError(error)) {
    const code = FROM_PROTOCOL[error.code];
    if (code) throw new RoundError(code, error.message);
  }
  throw error;
}

/**
 * Stable codes of {@link ProtocolError}. Callers branch on `code`, never on `message`.
 *
 * Wire validation: `malformed` (not the schema), `wrong-version` (another `PROTOCOL_VERSION`),
 * `wrong-length` (a vector or key of the wrong size for this round), `too-large` (over the size
 * bound of the message kind).
 * Secure aggregation: `invalid-cohort` (a cohort setup a client must not accept),
 * `unknown-client`, `duplicate-message`, `unexpected-message` (a message that does not belong to
 * this stage or this client), `decryption-failed` (a share ciphertext failed authentication),
 * `too-few-clients` (fewer than the threshold reached a stage), `too-few-shares` (a secret cannot
 * be reconstructed), `reconstruction-failed` (shares were inconsistent), `conflicting-request`
 * (a second, different unmask request for the same round).
 * Anything else: `invalid-argument` (a value outside the documented domain of a function).
 */
export type ProtocolErrorCode =
  | 'malformed'
  | 'wrong-version'
  | 'wrong-length'
  | 'too-large'
  | 'invalid-argument'
  | 'invalid-cohort'
  | 'unknown-client'
  | 'duplicate-message'
  | 'unexpected-message'
  | 'decryption-failed'
  | 'too-few-clients'
  | 'too-few-shares'
  | 'reconstruction-failed'
  | 'conflicting-request';

/** Every error this package throws on purpose. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** Machine-readable context (e.g. which client, which field); safe to log, never secret. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ProtocolErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isProtocolError(value: unknown, code?: ProtocolErrorCode): value is ProtocolError {
  return value instanceof ProtocolError && (code === undefined || value.code === code);
}

/** Throws `invalid-argument` unless `condition` holds; keeps argument checks one line each. */
export function requireArgument(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ProtocolError('invalid-argument', message);
}

/** Typed errors: every failure Locus reports carries a stable `code` a page can branch on. */

export type LocusErrorCode =
  | 'invalid-config'
  | 'invalid-catalog-entry'
  | 'catalog-unavailable'
  | 'storage-unavailable'
  | 'storage-failed'
  | 'encoder-failed'
  | 'backend-unavailable'
  | 'command-failed'
  | 'slot-failed';

export class LocusError extends Error {
  override readonly name = 'LocusError';
  constructor(
    readonly code: LocusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toLocusError(code: LocusErrorCode, err: unknown): LocusError {
  if (err instanceof LocusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LocusError(code, message, { cause: err });
}

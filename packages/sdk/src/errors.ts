/** Typed errors: every failure Locus reports carries a stable `code` a page can branch on. */

export type LocusErrorCode =
  | 'invalid-config'
  | 'invalid-catalog-entry'
  | 'catalog-unavailable'
  /** No IndexedDB (some private modes) or it would not open: contextual ranking only. */
  | 'storage-unavailable'
  /** A read or write failed; the operation was skipped. */
  | 'storage-failed'
  /** The quota stayed full after evicting the caches and the oldest events: the write was dropped. */
  | 'storage-quota'
  /** An older tab holds the database open and blocks its upgrade; storage waits for it. */
  | 'storage-blocked'
  /** A newer Locus upgraded the database in another tab: this page carries on without storage. */
  | 'storage-outdated'
  /** A stored record was unreadable: it was skipped. */
  | 'storage-corrupt-record'
  /** The CMP failed or its TC string could not be decoded: nothing is stored until it answers. */
  | 'consent-failed'
  /** The publisher's taxonomy could not be loaded: Locus's own category list is used. */
  | 'taxonomy-unavailable'
  | 'encoder-failed'
  | 'backend-unavailable'
  | 'command-failed'
  | 'slot-failed'
  /** A federated round failed (the aggregator, the network or an incompatible model). */
  | 'federation-failed';

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

/**
 * Hard bounds shared by the secure-aggregation code and the wire schemas, so that every message
 * has a computable maximum size and a server never allocates from an attacker-chosen length.
 */
export const LIMITS = Object.freeze({
  /** Clients in one cohort (share x-coordinates are 16-bit; key sharing is O(n²) on the server). */
  maxCohortSize: 1000,
  /** Parameters in one model update (4 MiB of uint32 words). */
  maxVectorLength: 1 << 20,
  /** Characters of a round id: [A-Za-z0-9_-]. */
  maxRoundIdLength: 64,
  /** Characters of a per-round token: base64url. */
  maxTokenLength: 128,
  /** Characters of a model id. */
  maxModelIdLength: 64,
});

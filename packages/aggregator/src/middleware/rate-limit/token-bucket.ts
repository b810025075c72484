/**
 * Token buckets by key: each key may spend `burst` requests at once and regains `ratePerSecond`
 * per second. A full bucket is the same as no bucket, so full ones are dropped when the map grows;
 * past `maxKeys` (an attacker cycling addresses) the oldest keys go first, which can only make the
 * limiter more lenient, never block a client that did nothing.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 100_000,
  ) {}

  /** Spends one token of `key`; returns 0 when allowed, else the ms until a token is back. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key);
    const tokens = bucket
      ? Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond)
      : this.burst;
    if (tokens < 1) {
      if (bucket) {
        bucket.tokens = tokens;
        bucket.updatedAt = now;
      }
      return Math.ceil(((1 - tokens) / this.ratePerSecond) * 1000);
    }
    if (bucket) this.#buckets.delete(key); // re-insert: the map's order is the eviction order
    this.#buckets.set(key, { tokens: tokens - 1, updatedAt: now });
    if (this.#buckets.size > this.maxKeys) this.#prune(now);
    return 0;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond >= this.burst) {
        this.#buckets.delete(key);
      }
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.maxKeys) break;
      this.#buckets.delete(key);
    }
  }
}

import type { ProfileStore } from '../profile/store.js';
import { textHash } from '../util/hash.js';
import type { Encoder } from './types.js';

/**
 * Embeds through a two-level cache: memory for this page, IndexedDB across pages, so the
 * catalog is embedded once per model rather than on every page view.
 */
export class CachedEncoder {
  private readonly memory = new Map<string, Float32Array>();

  constructor(
    readonly encoder: Encoder,
    private readonly store: ProfileStore | null,
    private readonly onStoreError: (err: unknown) => void,
  ) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    const keys = texts.map((text) => `${this.encoder.id}|${textHash(text)}`);
    const out: (Float32Array | undefined)[] = keys.map((key) => this.memory.get(key));
    await this.fillFromStore(keys, out);

    const missing = [...new Set(keys.filter((_, i) => !out[i]))];
    if (missing.length > 0) {
      const textOf = new Map(keys.map((key, i) => [key, texts[i]!]));
      const vectors = await this.encoder.embed(missing.map((key) => textOf.get(key)!));
      const now = Date.now();
      missing.forEach((key, i) => {
        this.memory.set(key, vectors[i]!);
      });
      await this.store
        ?.cacheEmbeddings(missing.map((key, i) => ({ key, vector: vectors[i]!, createdAt: now })))
        .catch(this.onStoreError);
    }
    return keys.map((key, i) => out[i] ?? this.memory.get(key)!);
  }

  private async fillFromStore(keys: string[], out: (Float32Array | undefined)[]): Promise<void> {
    if (!this.store) return;
    const wanted = keys.flatMap((_, i) => (out[i] ? [] : [i]));
    if (wanted.length === 0) return;
    try {
      const found = await this.store.cachedEmbeddings(wanted.map((i) => keys[i]!));
      wanted.forEach((i, j) => {
        const vector = found[j];
        if (vector) {
          out[i] = vector;
          this.memory.set(keys[i]!, vector);
        }
      });
    } catch (err) {
      this.onStoreError(err);
    }
  }

  clearMemory(): void {
    this.memory.clear();
  }
}

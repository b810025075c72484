import type { ProfileStore } from '../profile/store.js';
import { textHash } from '../util/hash.js';
import type { Encoder } from './types.js';

/**
 * Embeds through a two-level cache: memory for this page (keyed by the text itself, so a hit
 * costs one Map lookup), IndexedDB across pages (keyed by model id + dtype + text hash), so a
 * catalog is embedded once per model rather than on every page view.
 */
/** The IndexedDB store to cache in, looked up per call: consent can open or close it. */
export type EmbeddingStore = () => Promise<ProfileStore | null>;

export class CachedEncoder {
  private readonly memory = new Map<string, Float32Array>();

  constructor(
    readonly encoder: Encoder,
    private readonly store: EmbeddingStore | null,
    private readonly onStoreError: (err: unknown) => void,
  ) {}

  private async openStore(): Promise<ProfileStore | null> {
    try {
      return (await this.store?.()) ?? null;
    } catch (err) {
      this.onStoreError(err);
      return null;
    }
  }

  private storeKey(text: string): string {
    return `${this.encoder.id}|${textHash(text)}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    let missing = [...new Set(texts.filter((text) => !this.memory.has(text)))];
    if (missing.length > 0) missing = await this.fillFromStore(missing);
    if (missing.length > 0) {
      const vectors = await this.encoder.embed(missing);
      const now = Date.now();
      missing.forEach((text, i) => {
        this.memory.set(text, vectors[i]!);
      });
      await (await this.openStore())
        ?.cacheEmbeddings(
          missing.map((text, i) => ({ key: this.storeKey(text), vector: vectors[i]!, createdAt: now })),
        )
        .catch(this.onStoreError);
    }
    return texts.map((text) => this.memory.get(text)!);
  }

  /** Moves what IndexedDB has into memory; returns the texts it did not have. */
  private async fillFromStore(texts: string[]): Promise<string[]> {
    const store = await this.openStore();
    if (!store) return texts;
    try {
      const found = await store.cachedEmbeddings(texts.map((text) => this.storeKey(text)));
      return texts.filter((text, i) => {
        const vector = found[i];
        if (vector) this.memory.set(text, vector);
        return !vector;
      });
    } catch (err) {
      this.onStoreError(err);
      return texts;
    }
  }

  clearMemory(): void {
    this.memory.clear();
  }
}

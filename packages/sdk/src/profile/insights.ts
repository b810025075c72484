import { toLocusError } from '../errors.js';
import type { InterestWeight, ProfileSummary } from '../types.js';
import { isZero } from '../util/vector.js';
import { DEFAULT_CATEGORIES, type InterestCategory } from './categories.js';
import type { InterestState } from './schema.js';
import { type CategorySpace, explainAd, summarize, type WeightedInterest } from './summary.js';
import { loadTaxonomy } from './taxonomy.js';

export interface EmbeddingSource {
  readonly id: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export interface InsightsOptions {
  taxonomyUrl: string | undefined;
  halfLifeDays: number;
  report: (error: ReturnType<typeof toLocusError>) => void;
}

/**
 * Puts the profile into words: the category list (Locus's own, or the publisher's taxonomy)
 * is embedded once per encoder with the same encoder as pages and ads, so labels live in the
 * same vector space; summaries and ad explanations are read off that space.
 */
export class Insights {
  private categories: Promise<readonly InterestCategory[]> | undefined;
  private space: { encoderId: string; space: Promise<CategorySpace> } | undefined;

  constructor(private readonly options: InsightsOptions) {}

  private categoryList(): Promise<readonly InterestCategory[]> {
    const url = this.options.taxonomyUrl;
    this.categories ??= url
      ? loadTaxonomy(url).catch((err: unknown) => {
          this.options.report(toLocusError('taxonomy-unavailable', err));
          return DEFAULT_CATEGORIES;
        })
      : Promise.resolve(DEFAULT_CATEGORIES);
    return this.categories;
  }

  /** The categories and their embeddings for this encoder (computed once, then cached). */
  categorySpace(encoder: EmbeddingSource): Promise<CategorySpace> {
    if (this.space?.encoderId !== encoder.id) {
      const space = this.categoryList().then(async (list) => {
        const vectors = await encoder.embed(list.map((category) => category.text));
        // A category the encoder has no words for cannot be recognized: leave it out.
        const known = list.flatMap((category, i) =>
          isZero(vectors[i]!) ? [] : [{ category, vector: vectors[i]! }],
        );
        return { categories: known.map((k) => k.category), vectors: known.map((k) => k.vector) };
      });
      space.catch(() => {
        if (this.space?.space === space) this.space = undefined; // retry on the next call
      });
      this.space = { encoderId: encoder.id, space };
    }
    return this.space.space;
  }

  async summary(state: InterestState | undefined, encoder: EmbeddingSource, now = Date.now()) {
    const space = await this.categorySpace(encoder);
    return summarize(state, space, now, this.options.halfLifeDays);
  }

  /** The interests behind each ad (by id): what `RankedAd.explanation.interests` shows. */
  async explain(
    state: InterestState,
    encoder: EmbeddingSource,
    ads: { id: string; vector: Float32Array }[],
  ): Promise<Map<string, InterestWeight[]>> {
    const { weighted } = await this.summary(state, encoder);
    return explainAll(ads, weighted);
  }
}

export function explainAll(
  ads: { id: string; vector: Float32Array }[],
  interests: readonly WeightedInterest[],
): Map<string, InterestWeight[]> {
  return new Map(ads.map((ad) => [ad.id, interests.length > 0 ? explainAd(ad.vector, interests) : []]));
}

export function publicSummary({
  weighted: _weighted,
  ...summary
}: ProfileSummary & { weighted: unknown }): ProfileSummary {
  return summary;
}

import type { InterestWeight, ProfileSummary } from '../types.js';
import { dot, normalized } from '../util/vector.js';
import type { InterestCategory } from './categories.js';
import { currentWeight } from './clusters.js';
import type { InterestState } from './schema.js';

/** Categories with their unit embeddings from the profile's encoder. */
export interface CategorySpace {
  categories: readonly InterestCategory[];
  vectors: readonly Float32Array[];
}

/** An interest of the summary with the category vector behind it (to explain ads). */
export interface WeightedInterest extends InterestWeight {
  vector: Float32Array;
}

/**
 * Sharpness of the category assignment. Cosines between a page and category descriptions sit
 * within ~0.5 of each other; at 0.05 a lead of 0.1 is a 7:1 preference, so a cluster names one
 * or two categories rather than smearing over all of them.
 */
const TEMPERATURE = 0.05;
/** Interests with less than this share of the profile are not worth naming. */
const MIN_SHARE = 0.05;

/** How much a centroid belongs to each category (a softmax over cosine similarities). */
export function categoryAffinities(centroid: Float32Array, space: CategorySpace): number[] {
  const unit = normalized(centroid);
  const logits = space.vectors.map((vector) => dot(unit, vector) / TEMPERATURE);
  const max = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((x) => x / sum);
}

/**
 * The profile in words: each cluster's share of the (decayed) evidence is spread over the
 * categories it resembles; the top categories are the user's interests.
 */
export function summarize(
  state: InterestState | undefined,
  space: CategorySpace,
  now: number,
  halfLifeDays: number,
  limit = 5,
): ProfileSummary & { weighted: WeightedInterest[] } {
  if (!state || state.clusters.length === 0 || space.categories.length === 0) {
    return {
      interests: [],
      clusters: [],
      pageViews: state?.pageViews ?? 0,
      updatedAt: state?.updatedAt ?? null,
      weighted: [],
    };
  }
  const weights = state.clusters.map((cluster) => currentWeight(cluster, now, halfLifeDays));
  const total = weights.reduce((a, b) => a + b, 0);
  const byCategory = new Float64Array(space.categories.length);
  const clusters = state.clusters
    .map((cluster, i) => {
      const share = total > 0 ? weights[i]! / total : 0;
      const affinities = categoryAffinities(cluster.centroid, space);
      affinities.forEach((a, k) => {
        byCategory[k]! += share * a;
      });
      const best = affinities.indexOf(Math.max(...affinities));
      return { label: space.categories[best]!.label, weight: round(share), pageViews: cluster.pageViews };
    })
    .sort((a, b) => b.weight - a.weight);

  const weighted = [...byCategory]
    .map((weight, k) => ({ k, weight }))
    .filter(({ weight }) => weight >= MIN_SHARE)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, limit)
    .map(({ k, weight }) => ({
      id: space.categories[k]!.id,
      label: space.categories[k]!.label,
      weight: round(weight),
      vector: space.vectors[k]!,
    }));
  return {
    interests: weighted.map(({ id, label, weight }) => ({ id, label, weight })),
    clusters,
    pageViews: state.pageViews,
    updatedAt: state.updatedAt,
    weighted,
  };
}

/**
 * Which of the user's interests drew an ad: each interest's weight times how close the ad is
 * to it (negative similarity counts as nothing). Strongest first; the weakest are left out.
 */
export function explainAd(
  ad: Float32Array,
  interests: readonly WeightedInterest[],
  limit = 3,
): InterestWeight[] {
  const scored = interests
    // Ads and categories are unit embeddings from one encoder: the dot product is their cosine.
    .map(({ id, label, weight, vector }) => ({ id, label, weight: weight * Math.max(0, dot(vector, ad)) }))
    .filter(({ weight }) => weight > 0)
    .sort((a, b) => b.weight - a.weight);
  const strongest = scored[0]?.weight ?? 0;
  return scored
    .filter(({ weight }) => weight >= strongest / 4)
    .slice(0, limit)
    .map(({ id, label, weight }) => ({ id, label, weight: round(weight) }));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

import { cosine } from '../util/vector.js';
import { decayFactor } from './decay.js';
import type { InterestCluster } from './schema.js';

export interface ClusterOptions {
  /** The most interest centroids kept. */
  maxClusters: number;
  /** A page less similar than this (cosine) to every centroid starts an interest of its own. */
  newClusterBelow: number;
  halfLifeDays: number;
}

export const DEFAULT_CLUSTER_OPTIONS: Omit<ClusterOptions, 'halfLifeDays'> = {
  maxClusters: 5,
  // Measured on the default encoder: pages on one topic are 0.75-0.95 apart, different topics
  // 0.3-0.6 (sports vs cooking vs travel articles of the demo site).
  newClusterBelow: 0.65,
};

/** Below this decayed weight a cluster holds less than a hundredth of one page view: it is dropped. */
const FORGOTTEN = 0.01;

/** A cluster's weight as of `now` (clusters are decayed lazily, from their own `updatedAt`). */
export function currentWeight(cluster: InterestCluster, now: number, halfLifeDays: number): number {
  return cluster.weight * decayFactor(now - cluster.updatedAt, halfLifeDays);
}

function merged(a: InterestCluster, b: InterestCluster, now: number, halfLifeDays: number): InterestCluster {
  const wa = currentWeight(a, now, halfLifeDays);
  const wb = currentWeight(b, now, halfLifeDays);
  const total = wa + wb;
  const centroid = Float32Array.from(a.centroid, (x, i) =>
    total > 0 ? (x * wa + b.centroid[i]! * wb) / total : x,
  );
  return { centroid, weight: total, pageViews: a.pageViews + b.pageViews, updatedAt: now };
}

/** The two most similar clusters: merging them distorts the profile least. */
function closestPair(clusters: InterestCluster[]): { i: number; j: number; similarity: number } {
  let best = { i: 0, j: 1, similarity: Number.NEGATIVE_INFINITY };
  for (let i = 0; i < clusters.length; i++) {
    for (let j = i + 1; j < clusters.length; j++) {
      const similarity = cosine(clusters[i]!.centroid, clusters[j]!.centroid);
      if (similarity > best.similarity) best = { i, j, similarity };
    }
  }
  return best;
}

/**
 * Online k-means with a budget: the page joins its nearest centroid (a weighted running mean),
 * or starts a new one when it is unlike all of them. At the budget, a new interest still gets
 * its own centroid when the two closest existing ones are more alike than the page is to
 * either; they are merged to make room. Pure: returns new clusters.
 */
export function addToClusters(
  clusters: readonly InterestCluster[],
  page: Float32Array,
  weight: number,
  countsAsView: boolean,
  now: number,
  options: ClusterOptions,
): InterestCluster[] {
  const { halfLifeDays } = options;
  let next = clusters.filter((c) => currentWeight(c, now, halfLifeDays) >= FORGOTTEN);
  let nearest = -1;
  let similarity = Number.NEGATIVE_INFINITY;
  next.forEach((cluster, i) => {
    const s = cosine(cluster.centroid, page);
    if (s > similarity) [nearest, similarity] = [i, s];
  });

  const startsNew = nearest < 0 || similarity < options.newClusterBelow;
  if (startsNew && next.length >= options.maxClusters) {
    const pair = closestPair(next);
    if (options.maxClusters >= 2 && pair.similarity > similarity) {
      const combined = merged(next[pair.i]!, next[pair.j]!, now, halfLifeDays);
      next = [...next.filter((_, k) => k !== pair.i && k !== pair.j), combined];
    } else {
      return joined(next, nearest, page, weight, countsAsView, now, halfLifeDays);
    }
  }
  if (startsNew || nearest < 0) {
    return [
      ...next,
      { centroid: Float32Array.from(page), weight, pageViews: countsAsView ? 1 : 0, updatedAt: now },
    ];
  }
  return joined(next, nearest, page, weight, countsAsView, now, halfLifeDays);
}

function joined(
  clusters: InterestCluster[],
  index: number,
  page: Float32Array,
  weight: number,
  countsAsView: boolean,
  now: number,
  halfLifeDays: number,
): InterestCluster[] {
  return clusters.map((cluster, i) => {
    if (i !== index) return cluster;
    const kept = currentWeight(cluster, now, halfLifeDays);
    const total = kept + weight;
    const centroid = Float32Array.from(cluster.centroid, (x, k) => (x * kept + page[k]! * weight) / total);
    return { centroid, weight: total, pageViews: cluster.pageViews + (countsAsView ? 1 : 0), updatedAt: now };
  });
}

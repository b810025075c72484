/**
 * Ranking and CTR metrics. Ties are resolved as random tie-breaking would on average, so that a
 * model which scores many items alike (popularity) is neither flattered nor punished.
 */

export interface RankingMetrics {
  hr: number;
  ndcg: number;
}

/** HR@k and NDCG@k of the item whose score is `scores[0]` among all of `scores`. */
export function rankingMetrics(scores: ArrayLike<number>, k = 10): RankingMetrics {
  const target = scores[0]!;
  if (!Number.isFinite(target)) return { hr: 0, ndcg: 0 };
  let greater = 0;
  let ties = 0;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i]!;
    // A NaN competitor counts as beating the target: broken scores must not help.
    if (s > target || Number.isNaN(s)) greater++;
    else if (s === target) ties++;
  }
  let hr = 0;
  let ndcg = 0;
  for (let position = greater; position <= greater + ties; position++) {
    if (position < k) {
      hr += 1;
      ndcg += 1 / Math.log2(position + 2);
    }
  }
  return { hr: hr / (ties + 1), ndcg: ndcg / (ties + 1) };
}

export class RankingAccumulator {
  private hr = 0;
  private ndcg = 0;
  private count = 0;

  add(scores: ArrayLike<number>, k = 10): void {
    const m = rankingMetrics(scores, k);
    this.hr += m.hr;
    this.ndcg += m.ndcg;
    this.count++;
  }

  result(): RankingMetrics & { users: number } {
    return { hr: this.hr / this.count, ndcg: this.ndcg / this.count, users: this.count };
  }
}

/** Area under the ROC curve (Mann–Whitney, ties count one half). */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[order[t]!] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary log loss of probabilities, clipped to [1e-7, 1 − 1e-7]. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, probabilities[i]!));
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / probabilities.length;
}

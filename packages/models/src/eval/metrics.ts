// Retrieval metrics shared by every embedder (dense models and the bag-of-words baselines).
import type { ParentTask } from './taxonomy.js';

export { cosine } from '../probe.js';

/** Cosine similarities closer than this count as a tie. */
const TIE = 1e-9;

export interface ParentAccuracy {
  /** Expected accuracy@1 with ties broken uniformly at random (a zero vector scores 1/#parents). */
  accuracy: number;
  children: number;
  parents: number;
}

/** Accuracy@1 of "the nearest tier-1 name is the true parent", for any similarity function. */
export function parentAccuracy(
  task: ParentTask,
  sim: (child: number, parent: number) => number,
): ParentAccuracy {
  const credits = parentCredits(task, sim);
  return {
    accuracy: credits.reduce((s, x) => s + x, 0) / task.children.length,
    children: task.children.length,
    parents: task.parents.length,
  };
}

/** Per child: 1 when its nearest parent is the true one, 1/k in a k-way tie that includes it, else 0. */
export function parentCredits(task: ParentTask, sim: (child: number, parent: number) => number): number[] {
  return task.children.map((child, c) => {
    const scores = task.parents.map((_, p) => sim(c, p));
    const best = Math.max(...scores);
    const tied = scores.flatMap((s, p) => (best - s <= TIE ? [p] : []));
    return tied.includes(child.parent) ? 1 / tied.length : 0;
  });
}

/** Probability that a random positive outscores a random negative (ties count one half). */
export function rocAuc(positives: number[], negatives: number[]): number {
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

export const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

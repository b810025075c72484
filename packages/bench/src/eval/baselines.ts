import { RankingAccumulator, type RankingMetrics } from './metrics.js';
import { candidates, historyBefore, type MovieLens } from './movielens.js';
import { seededRandom } from './random.js';

/** Scores the candidates of one user for one phase (higher = more likely next). */
export type Scorer = (userIndex: number, items: number[], phase: 'validation' | 'test') => ArrayLike<number>;

export function evaluate(data: MovieLens, scorer: Scorer, phase: 'validation' | 'test'): RankingMetrics {
  const metrics = new RankingAccumulator();
  data.users.forEach((user, u) => {
    metrics.add(scorer(u, candidates(user, phase), phase));
  });
  return metrics.result();
}

/** Most interactions in the training data first. */
export function popularity(data: MovieLens): Scorer {
  const counts = new Float64Array(data.itemCount + 1);
  for (const user of data.users) for (const { item } of user.train) counts[item]!++;
  return (_u, items) => items.map((item) => counts[item]!);
}

/**
 * Item-based kNN (Sarwar et al. 2001): cosine similarity of items over who interacted with them in
 * the training data; a candidate scores the sum of its similarities to the user's history.
 */
export function itemKnn(data: MovieLens): Scorer {
  const n = data.itemCount + 1;
  const co = new Float32Array(n * n);
  const counts = new Float32Array(n);
  for (const user of data.users) {
    const items = user.train.map((e) => e.item);
    for (const a of items) {
      counts[a]!++;
      for (const b of items) if (a !== b) co[a * n + b]!++;
    }
  }
  return (u, items, phase) => {
    const history = historyBefore(data.users[u]!, phase).map((e) => e.item);
    return items.map((item) => {
      let score = 0;
      for (const h of history) {
        const c = co[h * n + item]!;
        if (c > 0) score += c / Math.sqrt(counts[h]! * counts[item]!);
      }
      return score;
    });
  };
}

export interface BprOptions {
  dim: number;
  epochs: number;
  learningRate: number;
  regularization: number;
  seed: number;
  onEpoch?: (epoch: number, validation: RankingMetrics) => void;
}

/**
 * BPR-MF (Rendle et al. 2009): user and item factors plus an item bias, trained by SGD on
 * (user, interacted item, random other item) triples to rank interacted items higher. The epoch
 * with the best validation HR@10 is kept.
 */
export function bprMf(data: MovieLens, options: BprOptions): Scorer {
  const { dim, learningRate: lr, regularization: reg } = options;
  const random = seededRandom(options.seed);
  const users = data.users.length;
  const items = data.itemCount + 1;
  const init = (size: number) => Float32Array.from({ length: size }, () => (random() - 0.5) * 0.1);
  let p = init(users * dim);
  let q = init(items * dim);
  let bias = new Float32Array(items);
  const rated = data.users.map(
    (user) => new Set([...user.train, user.validation, user.test].map((e) => e.item)),
  );
  const pairs: [number, number][] = [];
  data.users.forEach((user, u) => {
    for (const { item } of user.train) pairs.push([u, item]);
  });
  const score = (pu: Float32Array, qi: Float32Array, bi: Float32Array, u: number, i: number) => {
    let s = bi[i]!;
    for (let f = 0; f < dim; f++) s += pu[u * dim + f]! * qi[i * dim + f]!;
    return s;
  };
  let best = { hr: -1, p, q, bias };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let step = 0; step < pairs.length; step++) {
      const [u, i] = pairs[Math.floor(random() * pairs.length)]!;
      let j = 1 + Math.floor(random() * data.itemCount);
      while (rated[u]!.has(j)) j = 1 + Math.floor(random() * data.itemCount);
      const x = score(p, q, bias, u, i) - score(p, q, bias, u, j);
      const g = 1 / (1 + Math.exp(x)); // σ(−x): the gradient of ln σ(x)
      for (let f = 0; f < dim; f++) {
        const pu = p[u * dim + f]!;
        const qi = q[i * dim + f]!;
        const qj = q[j * dim + f]!;
        p[u * dim + f] = pu + lr * (g * (qi - qj) - reg * pu);
        q[i * dim + f] = qi + lr * (g * pu - reg * qi);
        q[j * dim + f] = qj + lr * (-g * pu - reg * qj);
      }
      bias[i] = bias[i]! + lr * (g - reg * bias[i]!);
      bias[j] = bias[j]! + lr * (-g - reg * bias[j]!);
    }
    const current = { p, q, bias };
    const validation = evaluate(
      data,
      (u, list) => list.map((i) => score(current.p, current.q, current.bias, u, i)),
      'validation',
    );
    options.onEpoch?.(epoch + 1, validation);
    if (validation.hr > best.hr) best = { hr: validation.hr, p: p.slice(), q: q.slice(), bias: bias.slice() };
  }
  p = best.p;
  q = best.q;
  bias = best.bias;
  return (u, list) => list.map((i) => score(p, q, bias, u, i));
}

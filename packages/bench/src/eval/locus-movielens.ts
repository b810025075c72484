import {
  allocateBatch,
  allocateHistory,
  type CtrShape,
  contextIdBuckets,
  DcnCtrModel,
  type EncodedBatch,
  encodeContext,
  idBuckets,
  LOCUS_CONTEXT_DIM,
  locusCtrShape,
  type PreparedAds,
  writeHistory,
} from '@locus/sdk/ctr';
import { evaluate, type Scorer } from './baselines.js';
import type { RankingMetrics } from './metrics.js';
import type { Interaction, MovieLens, UserSplit } from './movielens.js';
import { seededRandom, shuffle } from './random.js';

/**
 * The Locus CTR model trained centrally on MovieLens: every (user, training interaction) is a
 * click on that movie, shown in the context of everything the user did before it; `negatives`
 * movies the user never rated are sampled per click as non-clicks (as in NCF).
 *
 * The user is what a device would know: interest slot 0 is the recency-weighted mean of the
 * embeddings of the movies seen so far, slot 1 their plain mean (long-term taste), the user
 * factor is the recency-weighted mean of those movies' item factors (no per-user parameter:
 * the collaborative part is the global ad-id embedding), and the two latest movies are
 * request-level context ids (what was just watched, crossed with each candidate).
 */
export interface LocusMovieLensOptions {
  epochs: number;
  negatives: number;
  /**
   * Non-clicks are drawn ∝ (training count + 1)^exponent among movies the user never rated:
   * 0 is uniform; above 0, popular movies are shown as non-clicks more often, which keeps the
   * model from ranking by popularity alone (word2vec uses 0.75).
   */
  negativeExponent: number;
  /** Positives per step (rows = positives × (1 + negatives)). */
  batchPositives: number;
  learningRate: number;
  l2: number;
  /** Weight of a history item `age` steps back: decay^age. */
  decay: number;
  /** How many recent items the collaborative user factor pools. */
  historyLength: number;
  shape: Partial<CtrShape>;
  seed: number;
  onProgress?: (message: string) => void;
  onEpoch?: (epoch: number, loss: number, validation: RankingMetrics) => void;
}

export const DEFAULT_MOVIELENS_OPTIONS: LocusMovieLensOptions = {
  epochs: 6,
  negatives: 4,
  negativeExponent: 0.5,
  batchPositives: 512,
  learningRate: 0.003,
  l2: 1e-5,
  decay: 0.9,
  historyLength: 30,
  // Context ids: the two most recent movies (chosen on validation HR@10 over 0 and 4).
  shape: { contextIdFields: 2, idBuckets: 16384, factorDim: 32 },
  seed: 11,
};

const itemId = (item: number) => `movie-${item}`;

/**
 * What a device would know about one user before each of their interactions: the pooled text
 * vectors (recency-weighted and plain, both unnormalized) at every position of
 * [training…, validation, test], computed incrementally once.
 */
class UserSequence {
  readonly events: Interaction[];
  private readonly recent: Float32Array;
  private readonly all: Float32Array;

  constructor(
    user: UserSplit,
    vectors: Float32Array,
    private readonly dim: number,
    private readonly options: Pick<LocusMovieLensOptions, 'decay' | 'historyLength'>,
  ) {
    this.events = [...user.train, user.validation, user.test];
    const positions = this.events.length;
    this.recent = new Float32Array(positions * dim);
    this.all = new Float32Array(positions * dim);
    for (let p = 1; p < positions; p++) {
      const item = this.events[p - 1]!.item;
      for (let i = 0; i < dim; i++) {
        const v = vectors[item * dim + i]!;
        this.recent[p * dim + i] = options.decay * this.recent[(p - 1) * dim + i]! + v;
        this.all[p * dim + i] = this.all[(p - 1) * dim + i]! + v;
      }
    }
  }

  /** Interest vectors before position p (slot 0 recent, slot 1 long-term). */
  interests(p: number): [Float32Array, Float32Array] {
    const d = this.dim;
    return [this.recent.subarray(p * d, (p + 1) * d), this.all.subarray(p * d, (p + 1) * d)];
  }

  /** The collaborative history before position p: most recent first, weights decay^age. */
  history(p: number): { ids: string[]; weights: number[] } {
    const ids: string[] = [];
    const weights: number[] = [];
    for (let j = p - 1; j >= 0 && ids.length < this.options.historyLength; j--) {
      ids.push(itemId(this.events[j]!.item));
      weights.push(this.options.decay ** (p - 1 - j));
    }
    return { ids, weights };
  }

  /**
   * The most recent movies before position p, newest first, as request-level ids: one per
   * context-id field, so the cross layer can pair "what was just watched" with each candidate.
   */
  recentIds(p: number, count: number): string[] {
    return Array.from({ length: count }, (_, i) =>
      p - 1 - i >= 0 ? itemId(this.events[p - 1 - i]!.item) : '',
    );
  }

  context(p: number): { hour: number; weekday: number } {
    const date = new Date(this.events[p]!.time * 1000);
    return { hour: date.getUTCHours(), weekday: date.getUTCDay() };
  }
}

export class LocusMovieLens {
  readonly model: DcnCtrModel;
  readonly options: LocusMovieLensOptions;
  private readonly dim: number;
  private readonly rated: Set<number>[];
  private readonly sequences: UserSequence[];
  /** Cumulative sampling weights of items 1..itemCount for non-clicks. */
  private readonly negativeCdf: Float64Array;
  private prepared: PreparedAds | undefined;

  constructor(
    private readonly data: MovieLens,
    /** Unit text embeddings by item id, row-major [(itemCount + 1) × dim]. */
    private readonly vectors: Float32Array,
    options: Partial<LocusMovieLensOptions> = {},
  ) {
    this.options = { ...DEFAULT_MOVIELENS_OPTIONS, ...options };
    this.dim = vectors.length / (data.itemCount + 1);
    const shape: CtrShape = { ...locusCtrShape(this.dim), ...this.options.shape };
    this.model = DcnCtrModel.create(shape, {
      training: { learningRate: this.options.learningRate, l2: this.options.l2 },
    });
    this.rated = data.users.map((u) => new Set([...u.train, u.validation, u.test].map((e) => e.item)));
    this.sequences = data.users.map((u) => new UserSequence(u, vectors, this.dim, this.options));
    const counts = new Float64Array(data.itemCount + 1);
    for (const user of data.users) for (const { item } of user.train) counts[item]!++;
    this.negativeCdf = new Float64Array(data.itemCount + 1);
    for (let item = 1; item <= data.itemCount; item++) {
      this.negativeCdf[item] =
        this.negativeCdf[item - 1]! + (counts[item]! + 1) ** this.options.negativeExponent;
    }
  }

  /** A movie drawn from the non-click distribution (binary search in the cumulative weights). */
  private sampleNegative(random: () => number): number {
    const cdf = this.negativeCdf;
    const target = random() * cdf[cdf.length - 1]!;
    let lo = 1;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Training positives as (user index, position in its training list). */
  private positives(): [number, number][] {
    const list: [number, number][] = [];
    this.data.users.forEach((user, u) => {
      for (let t = 0; t < user.train.length; t++) list.push([u, t]);
    });
    return list;
  }

  /**
   * One training batch: each positive (user u at position t) with `negatives` sampled movies
   * the user never rated; the rows of one positive share its history entry. Public so that a
   * federated client can build batches from its own user's positives only (sim/).
   */
  batch(positives: [number, number][], random: () => number): EncodedBatch {
    const { negatives, historyLength } = this.options;
    const shape = this.model.shape;
    const d = this.dim;
    const slots = shape.interestSlots;
    const rows = positives.length * (1 + negatives);
    const batch = allocateBatch(shape, rows);
    const history = allocateHistory(positives.length, historyLength);
    history.groups = new Int32Array(rows);
    batch.history = history;
    let row = 0;
    positives.forEach(([u, t], entry) => {
      const sequence = this.sequences[u]!;
      const [recent, all] = sequence.interests(t);
      writeHistory(shape, history, entry, sequence.history(t));
      const context = encodeContext(sequence.context(t));
      const lastWatched = sequence.recentIds(t, shape.contextIdFields);
      const items = [sequence.events[t]!.item];
      while (items.length < 1 + negatives) {
        const j = this.sampleNegative(random);
        if (!this.rated[u]!.has(j)) items.push(j);
      }
      items.forEach((item, i) => {
        writeUnitRow(recent, batch.interests, (row * slots + 0) * d);
        if (slots > 1) writeUnitRow(all, batch.interests, (row * slots + 1) * d);
        batch.adText.set(this.vectors.subarray(item * d, (item + 1) * d), row * d);
        if (shape.contextDim === LOCUS_CONTEXT_DIM) batch.context.set(context, row * LOCUS_CONTEXT_DIM);
        contextIdBuckets(
          lastWatched,
          shape.contextIdFields,
          shape.idBuckets,
          batch.contextIds,
          row * shape.contextIdFields,
        );
        idBuckets([itemId(item)], shape.adIdFields, shape.idBuckets, batch.adIds, row * shape.adIdFields);
        history.groups![row] = entry;
        batch.labels[row] = i === 0 ? 1 : 0;
        row++;
      });
    });
    return batch;
  }

  /** Trains for `epochs`, keeping the weights of the epoch with the best validation HR@10. */
  async train(): Promise<{ bestEpoch: number; validation: RankingMetrics }> {
    const random = seededRandom(this.options.seed);
    const positives = this.positives();
    let best = { epoch: 0, validation: await this.validate(), weights: this.model.toFlat() };
    for (let epoch = 1; epoch <= this.options.epochs; epoch++) {
      shuffle(positives, random);
      let loss = 0;
      let steps = 0;
      const size = this.options.batchPositives;
      for (let start = 0; start < positives.length; start += size) {
        loss += await this.model.trainStep(this.batch(positives.slice(start, start + size), random));
        steps++;
        if (steps % 50 === 0)
          this.options.onProgress?.(`epoch ${epoch}: step ${steps}, loss ${(loss / steps).toFixed(4)}`);
      }
      const validation = await this.validate();
      this.options.onEpoch?.(epoch, loss / steps, validation);
      if (validation.hr > best.validation.hr) best = { epoch, validation, weights: this.model.toFlat() };
    }
    this.model.setWeights(best.weights, best.epoch);
    return { bestEpoch: best.epoch, validation: best.validation };
  }

  private validate(): Promise<RankingMetrics> {
    return this.evaluate('validation');
  }

  /** Scores every movie for every user through the serving path (prepared ads, one request each). */
  async evaluate(phase: 'validation' | 'test'): Promise<RankingMetrics> {
    const scores = await this.allScores(phase);
    const scorer: Scorer = (u, items) => items.map((item) => scores[u]![item]!);
    return evaluate(this.data, scorer, phase);
  }

  private async allScores(phase: 'validation' | 'test'): Promise<Float32Array[]> {
    const d = this.dim;
    if (!this.prepared) {
      const ads = Array.from({ length: this.data.itemCount + 1 }, (_, item) => ({
        text: this.vectors.subarray(item * d, (item + 1) * d),
        ids: [itemId(item)],
      }));
      this.prepared = this.model.prepareAds(ads);
    }
    const out: Float32Array[] = [];
    this.data.users.forEach((user, u) => {
      const sequence = this.sequences[u]!;
      // The held-out interaction's position: everything before it is known.
      const p = phase === 'test' ? user.train.length + 1 : user.train.length;
      const [recent, all] = sequence.interests(p);
      const logits = this.model.scoreLogitsTensor(
        { interests: [recent, all], history: sequence.history(p) },
        { context: sequence.context(p), contextIds: sequence.recentIds(p, this.model.shape.contextIdFields) },
        this.prepared!,
      );
      out.push(logits.dataSync() as Float32Array);
      logits.dispose();
    });
    return out;
  }

  dispose(): void {
    this.prepared?.dispose();
    this.model.dispose();
  }
}

/** Copies `v` scaled to unit length (zero stays zero). */
function writeUnitRow(v: Float32Array, out: Float32Array, offset: number): void {
  let n = 0;
  for (const x of v) n += x * x;
  const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i]! * scale;
}

import { DcnCtrModel } from '@locus/sdk/ctr';
import { LocusMovieLens, type LocusMovieLensOptions } from '../eval/locus-movielens.js';
import type { RankingMetrics } from '../eval/metrics.js';
import type { MovieLens } from '../eval/movielens.js';
import { shuffle } from '../eval/random.js';

/** What one sampled device does with the global model in a round. */
export interface LocalTrainingOptions {
  /** Optimizer steps per round (a device's compute budget, the same for every client). */
  steps: number;
  /** Positives per step; each comes with the model's `negatives` sampled non-clicks. */
  batchPositives: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  /** L2 on the id rows a batch touches (as in central training). */
  l2: number;
}

export interface LocalUpdate {
  /** Δ = w_local − w_global, before clipping. */
  update: Float32Array;
  /** Mean training loss over the local steps (before each step). */
  loss: number;
}

/**
 * MovieLens as a federation: user u is client u and holds only its own history (the training
 * part of the central evaluation's leave-last-out split). A client's batches are built from its
 * own positives, its own history (interest vectors, pooled item factors, last-watched ids) and
 * non-clicks drawn uniformly from movies it never rated — uniform because popularity counts would
 * come from other users' data. Nothing user-specific is a parameter: the flat weight vector is
 * the global model only, so the update is the only thing that would leave the device.
 *
 * Evaluation reuses the central evaluation's code path (`LocusMovieLens.evaluate`: prepared ads,
 * one request per user, HR@10 / NDCG@10 among 99 sampled negatives).
 */
export class MovieLensFederation {
  /** Holds the data, builds batches and evaluates; its model carries the weights under test. */
  readonly world: LocusMovieLens;
  /** The model of the device currently training (devices train one at a time here). */
  private readonly device: DcnCtrModel;
  private readonly positives: [number, number][][];
  /** Kept apart: the device model's weights change with every client that trains. */
  private readonly prior: Float32Array;

  constructor(
    readonly data: MovieLens,
    vectors: Float32Array,
    model: Partial<LocusMovieLensOptions>,
    readonly local: LocalTrainingOptions,
  ) {
    this.world = new LocusMovieLens(data, vectors, { ...model, negativeExponent: 0 });
    this.device = DcnCtrModel.create(this.world.model.shape, {
      training: { optimizer: local.optimizer, learningRate: local.learningRate, l2: local.l2 },
    });
    this.prior = this.device.toFlat();
    this.positives = data.users.map((user, u) => user.train.map((_, t) => [u, t] as [number, number]));
  }

  get clientCount(): number {
    return this.data.users.length;
  }

  get parameterCount(): number {
    return this.world.model.parameterCount;
  }

  /** Version 0: the model's deterministic prior (what server and devices agree on). */
  initialWeights(): Float32Array {
    return this.prior.slice();
  }

  /**
   * Client `client`'s round: start from the global weights with a fresh local optimizer, take
   * `steps` steps over a shuffled pass of its own positives (cycled when it has fewer), return Δ.
   */
  async localUpdate(client: number, global: Float32Array, random: () => number): Promise<LocalUpdate> {
    const { steps, batchPositives } = this.local;
    this.device.setWeights(global, 0);
    const order = shuffle([...this.positives[client]!], random);
    let cursor = 0;
    let loss = 0;
    for (let step = 0; step < steps; step++) {
      const batch: [number, number][] = [];
      while (batch.length < Math.min(batchPositives, order.length)) {
        batch.push(order[cursor % order.length]!);
        cursor++;
      }
      loss += await this.device.trainStep(this.world.batch(batch, random));
    }
    const local = this.device.toFlat();
    for (let i = 0; i < local.length; i++) local[i] = local[i]! - global[i]!;
    return { update: local, loss: loss / steps };
  }

  /** HR@10 / NDCG@10 of `weights` on the held-out items (the central evaluation's protocol). */
  async evaluate(weights: Float32Array, phase: 'validation' | 'test' = 'test'): Promise<RankingMetrics> {
    this.world.model.setWeights(weights);
    return this.world.evaluate(phase);
  }

  dispose(): void {
    this.device.dispose();
    this.world.dispose();
  }
}

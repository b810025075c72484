import * as tf from '@tensorflow/tfjs-core';

/**
 * The CTR scorer: pCTR = sigmoid(wide·x + b + w2·relu(W1·x + b1)) with x = [u, a, u⊙a], where
 * u is the user vector and a the ad embedding (both unit length).
 *
 * Before any training the model must already rank sensibly, so it starts from a prior rather
 * than from noise: the wide weights on u⊙a are all `affinity` (so wide·x = affinity·cos(u, a)),
 * the bias is the logit of a base click rate, and the deep branch starts with w2 = 0 (it adds
 * nothing until training moves it; W1 is initialized so gradients can flow once it does).
 */
export const CTR_MODEL_ID = 'locus-ctr';
export const CTR_LAYOUT_VERSION = 1;
/** Width of the deep branch's hidden layer. */
export const CTR_HIDDEN = 32;

export interface CtrShape {
  /** Embedding dimension of u and a. */
  dim: number;
  hidden: number;
}

export interface CtrPrior {
  affinity: number;
  baseRate: number;
  seed: number;
}

const DEFAULT_PRIOR: CtrPrior = { affinity: 8, baseRate: 0.02, seed: 1 };

/** Where each parameter lives in the flat vector (a stable, versioned layout). */
export function ctrLayout({ dim, hidden }: CtrShape) {
  const x = 3 * dim;
  const sizes = { wide: x, bias: 1, w1: x * hidden, b1: hidden, w2: hidden };
  let offset = 0;
  const at = {} as Record<keyof typeof sizes, { offset: number; size: number }>;
  for (const [name, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    at[name] = { offset, size };
    offset += size;
  }
  return { version: CTR_LAYOUT_VERSION, parts: at, total: offset };
}

/** mulberry32: a tiny deterministic PRNG for reproducible initial weights (not for secrets). */
function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function initialCtrWeights(shape: CtrShape, prior: Partial<CtrPrior> = {}): Float32Array {
  const { affinity, baseRate, seed } = { ...DEFAULT_PRIOR, ...prior };
  const layout = ctrLayout(shape);
  const flat = new Float32Array(layout.total);
  const { wide, bias, w1 } = layout.parts;
  flat.fill(affinity, wide.offset + 2 * shape.dim, wide.offset + 3 * shape.dim);
  flat[bias.offset] = Math.log(baseRate / (1 - baseRate));
  // Glorot-uniform for W1.
  const limit = Math.sqrt(6 / (3 * shape.dim + shape.hidden));
  const uniform = seededUniform(seed);
  for (let i = 0; i < w1.size; i++) flat[w1.offset + i] = (uniform() * 2 - 1) * limit;
  return flat;
}

export class CtrModel {
  readonly layout: ReturnType<typeof ctrLayout>;
  private readonly wide: tf.Tensor2D;
  private readonly bias: tf.Scalar;
  private readonly w1: tf.Tensor2D;
  private readonly b1: tf.Tensor1D;
  private readonly w2: tf.Tensor2D;

  constructor(
    readonly shape: CtrShape,
    weights: Float32Array,
    readonly version = 0,
  ) {
    this.layout = ctrLayout(shape);
    if (weights.length !== this.layout.total) {
      throw new RangeError(
        `CTR weights have ${weights.length} values, layout v${CTR_LAYOUT_VERSION} needs ${this.layout.total}`,
      );
    }
    const part = (name: keyof typeof this.layout.parts) => {
      const { offset, size } = this.layout.parts[name];
      return weights.subarray(offset, offset + size);
    };
    const x = 3 * shape.dim;
    this.wide = tf.tensor2d(part('wide'), [x, 1]);
    this.bias = tf.scalar(part('bias')[0]!);
    this.w1 = tf.tensor2d(part('w1'), [x, shape.hidden]);
    this.b1 = tf.tensor1d(part('b1'));
    this.w2 = tf.tensor2d(part('w2'), [shape.hidden, 1]);
  }

  static initial(shape: CtrShape, prior?: Partial<CtrPrior>): CtrModel {
    return new CtrModel(shape, initialCtrWeights(shape, prior));
  }

  get parameters(): number {
    return this.layout.total;
  }

  /** pCTR for each row of `ads` ([n, dim]) against one user vector ([1, dim]); shape [n]. */
  predictTensors(user: tf.Tensor2D, ads: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const n = ads.shape[0];
      const x = tf.concat([tf.tile(user, [n, 1]), ads, tf.mul(ads, user)], 1);
      const wide = tf.add(tf.matMul(x, this.wide), this.bias);
      const deep = tf.matMul(tf.relu(tf.add(tf.matMul(x, this.w1), this.b1)), this.w2);
      return tf.reshape(tf.sigmoid(tf.add(wide, deep)), [n]);
    });
  }

  /** Scores `ads` (n rows of `dim` values, row-major) for `user`. */
  async predict(user: Float32Array, ads: Float32Array): Promise<Float32Array> {
    const n = ads.length / this.shape.dim;
    if (n === 0) return new Float32Array(0);
    const u = tf.tensor2d(user, [1, this.shape.dim]);
    const a = tf.tensor2d(ads, [n, this.shape.dim]);
    const p = this.predictTensors(u, a);
    try {
      return (await p.data()) as Float32Array;
    } finally {
      tf.dispose([u, a, p]);
    }
  }

  dispose(): void {
    tf.dispose([this.wide, this.bias, this.w1, this.b1, this.w2]);
  }
}

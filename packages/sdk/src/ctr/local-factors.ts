import { seededUniform } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { CtrModelError } from './errors.js';

/**
 * User factor vectors: the user's side of the collaborative part. They are trained like the model
 * but are not in the flat layout, so they never take part in federation. On a device the table
 * has one row (its own user); a central trainer (the evaluation harness) holds one per user.
 */
export class LocalFactors {
  readonly table: tf.Variable;

  constructor(
    readonly rows: number,
    readonly dim: number,
    initial?: Float32Array,
    seed = 7,
  ) {
    if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(dim) && dim > 0)) {
      throw new CtrModelError('bad-input', `a factor table needs positive rows and dim, got ${rows}×${dim}`);
    }
    let values = initial;
    if (values) {
      if (values.length !== rows * dim || !values.every(Number.isFinite)) {
        throw new CtrModelError('wrong-shape', `factor table needs ${rows * dim} finite values`);
      }
    } else {
      // Small random values: zero would leave the factor product without a gradient.
      const uniform = seededUniform(seed);
      values = Float32Array.from({ length: rows * dim }, () => (uniform() * 2 - 1) * 0.05);
    }
    this.table = tf.variable(tf.tensor2d(values, [rows, dim]), true, undefined, 'float32');
  }

  /** One user's factor (a copy), to pass as `UserInput.factor` when scoring. */
  row(index: number): Float32Array {
    if (!(Number.isInteger(index) && index >= 0 && index < this.rows)) {
      throw new CtrModelError('bad-input', `factor row ${index} is outside 0..${this.rows - 1}`);
    }
    const all = this.table.dataSync() as Float32Array;
    return all.slice(index * this.dim, (index + 1) * this.dim);
  }

  /** All rows, row-major (for local persistence). */
  toArray(): Float32Array {
    return (this.table.dataSync() as Float32Array).slice();
  }

  dispose(): void {
    this.table.dispose();
  }
}

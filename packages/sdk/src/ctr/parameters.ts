import { type CtrLayout, type CtrParameter, checkCtrWeights } from '@locus/protocol';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The model's parameters as tfjs variables, one per entry of the flat layout, so that optimizers
 * update them in place and the flat vector (for federation and persistence) is their
 * concatenation in layout order.
 */
export class CtrParameters {
  private readonly variables = new Map<string, tf.Variable>();

  constructor(
    readonly layout: CtrLayout,
    flat: Float32Array,
  ) {
    checkCtrWeights(layout, flat);
    for (const parameter of layout.parameters) {
      const values = flat.slice(parameter.offset, parameter.offset + parameter.size);
      this.variables.set(
        parameter.name,
        tf.variable(tf.tensor(values, parameter.dims), true, undefined, 'float32'),
      );
    }
  }

  get(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`no CTR parameter ${name}`);
    return variable;
  }

  /** A [in, out] weight matrix of the layout, typed as such. */
  matrix(name: string): tf.Tensor2D {
    return this.get(name) as unknown as tf.Tensor2D;
  }

  has(name: string): boolean {
    return this.variables.has(name);
  }

  /** Every variable, in layout order (what the optimizer trains). */
  list(): tf.Variable[] {
    return [...this.variables.values()];
  }

  /** Overwrites every parameter from a flat vector (validated first, so a bad one changes nothing). */
  assign(flat: Float32Array): void {
    checkCtrWeights(this.layout, flat);
    for (const parameter of this.layout.parameters) {
      const values = flat.subarray(parameter.offset, parameter.offset + parameter.size);
      tf.tidy(() => this.get(parameter.name).assign(tf.tensor(values, parameter.dims)));
    }
  }

  /** The flat weight vector (a copy), in layout order. */
  toFlat(): Float32Array {
    const flat = new Float32Array(this.layout.total);
    for (const parameter of this.layout.parameters) {
      flat.set(this.get(parameter.name).dataSync() as Float32Array, parameter.offset);
    }
    return flat;
  }

  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
  }
}

export type { CtrParameter };

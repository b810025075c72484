import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of the few kernels the CTR training graph uses, registered with tfjs-core.
 *
 * Why not `@tensorflow/tfjs-core/dist/register_all_gradients`: it registers ~100 gradients (bytes
 * the SDK would ship for nothing), and its extensionless ESM imports cannot load in plain Node,
 * where the evaluation harness trains. These are the textbook derivatives; a finite-difference
 * test of the whole model's loss checks them together. Each is registered only when no gradient
 * exists yet, so an app that loaded the full set keeps tfjs's own.
 */

type GradFunc = tf.GradConfig['gradFunc'];

/** Sums `dy` over the axes along which `shape` was broadcast to dy's shape. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

const binary =
  (da: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor, db: typeof da): GradFunc =>
  (dy, saved) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const g = dy as tf.Tensor;
    return { a: () => unbroadcast(da(g, a, b), a.shape), b: () => unbroadcast(db(g, a, b), b.shape) };
  };

const CONFIGS: tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: binary(
      (dy) => dy,
      (dy) => dy,
    ),
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: binary(
      (dy) => dy,
      (dy) => tf.neg(dy),
    ),
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: binary(
      (dy, _a, b) => tf.mul(dy, b),
      (dy, a) => tf.mul(dy, a),
    ),
  },
  {
    kernelName: tf.Neg,
    gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }),
  },
  {
    // Explicit transposes and untransposed products: tfjs-wasm's matMul with a transpose flag is
    // ~10x slower than a transpose followed by a plain product.
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      const t = tf.transpose;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) {
        return { a: () => tf.matMul(g, t(b)), b: () => tf.matMul(t(a), g) };
      }
      if (!transposeA && transposeB) {
        return { a: () => tf.matMul(g, b), b: () => tf.matMul(t(g), a) };
      }
      if (transposeA && !transposeB) {
        return { a: () => tf.matMul(b, t(g)), b: () => tf.matMul(a, g) };
      }
      return { a: () => t(tf.matMul(g, b)), b: () => t(tf.matMul(a, g)) };
    },
  },
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x)) };
    },
  },
  {
    kernelName: tf.Softplus,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.sigmoid(x)) };
    },
  },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.reshape(dy as tf.Tensor, x.shape) };
    },
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const kept = x.shape.slice();
      for (const axis of tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape)) {
        kept[axis] = 1;
      }
      return { x: () => tf.mul(tf.reshape(dy as tf.Tensor, kept), tf.ones(x.shape)) };
    },
  },
  {
    // Slices rather than tf.split: on wasm, SplitV is about three times slower.
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const inputs = saved as tf.Tensor[];
      const g = dy as tf.Tensor;
      const axis = tf.util.parseAxisParam((attrs as { axis: number }).axis, inputs[0]!.shape)[0]!;
      let offset = 0;
      const grads: Record<string, () => tf.Tensor> = {};
      inputs.forEach((input, i) => {
        const begin = g.shape.map((_, a) => (a === axis ? offset : 0));
        offset += input.shape[axis]!;
        grads[String(i)] = () => tf.slice(g, begin, input.shape);
      });
      return grads;
    },
  },
  {
    // Only the form the model uses: rows of a table (axis 0, no batch dims). scatterND sums
    // duplicate indices on every backend, which is what repeated ids in a batch need.
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      const { axis, batchDims } = attrs as { axis: number; batchDims: number };
      if (tf.util.parseAxisParam(axis, x.shape)[0] !== 0 || batchDims !== 0) {
        throw new Error('CTR gradients support gather on axis 0 only');
      }
      const rows = indices.size;
      const inner = x.shape.slice(1);
      return {
        x: () =>
          tf.scatterND(
            tf.reshape(indices, [rows, 1]),
            tf.reshape(dy as tf.Tensor, [rows, ...inner]),
            x.shape,
          ),
        indices: () => tf.zerosLike(indices),
      };
    },
  },
];

let registered = false;

/** Registers the gradients above once per page (a no-op for kernels that already have one). */
export function registerCtrGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of CONFIGS) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}

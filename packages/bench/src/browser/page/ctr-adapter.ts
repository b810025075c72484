import { CTR_HIDDEN, CtrModel } from '@locus/sdk/ctr';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The one place the browser rank suite touches the CTR model's API, so that the model being
 * replaced on another branch means changing this file only. It builds the same model Locus
 * builds for `rank()` (today: `CtrModel.initial({ dim, hidden: CTR_HIDDEN })`), so its scores
 * must equal rank()'s pCTR exactly.
 */
export interface BareCtr {
  /** Scores `ads` (n rows of dim values) for `user`: the bare tfjs predict, data read back. */
  predict(user: Float32Array, ads: Float32Array): Promise<Float32Array>;
  /** Scores tensors that already live on the backend (no upload), reading the result back. */
  predictResident(user: tf.Tensor2D, ads: tf.Tensor2D): Promise<void>;
  dispose(): void;
}

export function bareCtr(dim: number): BareCtr {
  const model = CtrModel.initial({ dim, hidden: CTR_HIDDEN });
  return {
    predict: (user, ads) => model.predict(user, ads),
    predictResident: async (user, ads) => {
      const p = model.predictTensors(user, ads);
      await p.data();
      p.dispose();
    },
    dispose: () => model.dispose(),
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from './backends.js';
import { CtrModel, ctrLayout, initialCtrWeights } from './model.js';

const unit = (...values: number[]) => {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / n);
};

describe('CtrModel', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('has a stable flat layout', () => {
    const layout = ctrLayout({ dim: 4, hidden: 3 });
    expect(layout.total).toBe(12 + 1 + 36 + 3 + 3);
    expect(layout.parts.w1).toEqual({ offset: 13, size: 36 });
    expect(initialCtrWeights({ dim: 4, hidden: 3 })).toEqual(initialCtrWeights({ dim: 4, hidden: 3 }));
  });

  it('starts from the affinity prior: pCTR = sigmoid(bias + affinity·cos)', async () => {
    const model = CtrModel.initial({ dim: 3, hidden: 4 }, { affinity: 8, baseRate: 0.02 });
    const user = unit(1, 0, 0);
    const ads = new Float32Array([...unit(1, 0, 0), ...unit(1, 1, 0), ...unit(0, 1, 0), ...unit(-1, 0, 0)]);
    const pctr = await model.predict(user, ads);
    const bias = Math.log(0.02 / 0.98);
    const expected = [1, Math.SQRT1_2, 0, -1].map((cos) => 1 / (1 + Math.exp(-(bias + 8 * cos))));
    expected.forEach((p, i) => {
      expect(pctr[i]).toBeCloseTo(p, 5);
    });
    model.dispose();
  });

  it('rejects weights of the wrong length and leaks no tensors', async () => {
    expect(() => new CtrModel({ dim: 3, hidden: 4 }, new Float32Array(5))).toThrow(/needs 54/);
    const model = CtrModel.initial({ dim: 3, hidden: 4 });
    const before = tf.memory().numTensors;
    await model.predict(unit(1, 2, 3), new Float32Array(30).fill(0.1));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('gives the same scores on the wasm backend', async () => {
    const model = CtrModel.initial({ dim: 3, hidden: 4 });
    const ads = new Float32Array([...unit(1, 2, 3), ...unit(3, 2, 1)]);
    const onCpu = await model.predict(unit(1, 0, 1), ads);
    model.dispose();
    expect(await activateBackend('wasm', undefined)).toBe('wasm');
    const again = CtrModel.initial({ dim: 3, hidden: 4 });
    const onWasm = await again.predict(unit(1, 0, 1), ads);
    again.dispose();
    await activateBackend('cpu', undefined);
    onCpu.forEach((p, i) => {
      expect(onWasm[i]).toBeCloseTo(p, 5);
    });
  });

  it('reports a forced backend that cannot start', async () => {
    await expect(activateBackend('webgpu', undefined)).rejects.toMatchObject({ code: 'backend-unavailable' });
  });
});

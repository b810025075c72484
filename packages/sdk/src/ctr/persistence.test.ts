import { CTR_LAYOUT_VERSION, initialCtrWeights } from '@locus/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from './backends.js';
import { DcnCtrModel } from './dcn-model.js';
import { locusCtrShape } from './features.js';
import { checkSavedCtrModel, loadCtrModel, type SavedCtrModel, saveCtrModel } from './persistence.js';

const shape = { ...locusCtrShape(6), idBuckets: 32, hidden: [4] };

function trained(): DcnCtrModel {
  const flat = initialCtrWeights(shape);
  for (let i = 0; i < flat.length; i++) flat[i]! += Math.sin(i) * 0.1;
  return DcnCtrModel.fromFlat(shape, flat, { version: 7, calibration: { method: 'platt', a: 0.8, b: -0.3 } });
}

describe('CTR weight persistence', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('round-trips weights, version and calibration (structured clone, as IndexedDB stores it)', async () => {
    const model = trained();
    const saved = structuredClone(saveCtrModel(model, 1234));
    expect(saved).toMatchObject({ layoutVersion: CTR_LAYOUT_VERSION, modelVersion: 7, updatedAt: 1234 });
    const loaded = loadCtrModel(saved, { shape });
    expect(loaded.version).toBe(7);
    expect(loaded.toFlat()).toEqual(model.toFlat());
    const ads = [{ text: Float32Array.of(1, 0, 0, 0, 0, 1), ids: ['a'] }];
    const user = { interests: [Float32Array.of(1, 1, 0, 0, 0, 0)] };
    const [p1] = await model.score(user, {}, model.prepareAds(ads));
    const [p2] = await loaded.score(user, {}, loaded.prepareAds(ads));
    expect(p2).toBe(p1);
    model.dispose();
    loaded.dispose();
  });

  it("reads a bare weight record (the profile store's ModelWeights) with the shape the caller names", () => {
    const model = trained();
    const { modelId, weights, layoutVersion, modelVersion, updatedAt } = saveCtrModel(model, 99);
    const bare = { modelId, weights, layoutVersion, modelVersion, updatedAt };
    const loaded = loadCtrModel(bare, { shape });
    expect(loaded.toFlat()).toEqual(model.toFlat());
    expect(loaded.version).toBe(7);
    expect(loaded.calibration).toEqual({ method: 'identity' });
    expect(() => checkSavedCtrModel(bare)).toThrow(expect.objectContaining({ code: 'wrong-format' }));
    expect(() => checkSavedCtrModel(bare, { shape: { ...shape, factorDim: 8 } })).toThrow(
      expect.objectContaining({ code: 'wrong-shape' }),
    );
    model.dispose();
    loaded.dispose();
  });

  it('refuses weights that do not fit, with a typed error per problem', () => {
    const model = trained();
    const good = saveCtrModel(model);
    model.dispose();
    const broken = (patch: Partial<SavedCtrModel> | Record<string, unknown>) => ({ ...good, ...patch });
    const code = (value: unknown, expected = {}) => {
      try {
        checkSavedCtrModel(value, expected);
        return 'ok';
      } catch (err) {
        return (err as { code?: string }).code;
      }
    };
    expect(code(good)).toBe('ok');
    expect(code(null)).toBe('wrong-format');
    expect(code({ weights: good.weights })).toBe('wrong-format');
    expect(code(broken({ layoutVersion: CTR_LAYOUT_VERSION - 1 }))).toBe('wrong-layout-version');
    expect(code(broken({ weights: good.weights.subarray(1) }))).toBe('wrong-shape');
    expect(code(broken({ weights: Array.from(good.weights) as unknown as Float32Array }))).toBe(
      'wrong-shape',
    );
    expect(code(broken({ shape: { ...shape, hidden: [5] } }))).toBe('wrong-shape');
    expect(code(good, { shape: { ...shape, textDim: 7 } })).toBe('wrong-shape');
    const nan = good.weights.slice();
    nan[3] = Number.NaN;
    expect(code(broken({ weights: nan }))).toBe('non-finite');
    expect(code(broken({ calibration: { method: 'platt', a: Number.NaN, b: 0 } }))).toBe('non-finite');
    expect(code(good, { minVersion: 8 })).toBe('stale-version');
    expect(code(broken({ modelVersion: -1 }))).toBe('wrong-format');
  });

  it('rejects a bad flat vector in setWeights without changing the model', () => {
    const model = trained();
    const before = model.toFlat();
    expect(() => model.setWeights(new Float32Array(3))).toThrow(
      expect.objectContaining({ code: 'wrong-shape' }),
    );
    const nan = before.slice();
    nan[0] = Number.POSITIVE_INFINITY;
    expect(() => model.setWeights(nan)).toThrow(expect.objectContaining({ code: 'non-finite' }));
    expect(model.toFlat()).toEqual(before);
    expect(model.version).toBe(7);
    model.setWeights(initialCtrWeights(shape), 8);
    expect(model.version).toBe(8);
    model.dispose();
    expect(() => model.toFlat()).toThrow(expect.objectContaining({ code: 'disposed' }));
  });
});

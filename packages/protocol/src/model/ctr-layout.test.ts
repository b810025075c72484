import { describe, expect, it } from 'vitest';
import {
  CTR_LAYOUT_VERSION,
  type CtrShape,
  checkCtrWeights,
  ctrColumns,
  ctrIdBucket,
  ctrLayout,
  ctrParameter,
  ctrParameterView,
  initialCtrWeights,
} from './ctr-layout.js';

const SHAPE: CtrShape = {
  textDim: 4,
  interestSlots: 2,
  contextDim: 3,
  contextIdFields: 1,
  adIdFields: 2,
  idBuckets: 10,
  factorDim: 2,
  fieldDim: 3,
  crossLayers: 1,
  hidden: [5],
};

describe('ctrLayout', () => {
  it('lays x0 out as request | ad | candidate blocks', () => {
    const columns = ctrColumns(SHAPE);
    // request: interest 3 + context 3 + context ids 1·2 + user factor 2
    expect(columns.request).toEqual({ offset: 0, size: 10 });
    // ad: text 3 + ad ids 2·2
    expect(columns.ad).toEqual({ offset: 10, size: 7 });
    // candidate: interaction 3 + cosines 2 + factor product 2 + exposure 2
    expect(columns.candidate).toEqual({ offset: 17, size: 9 });
    expect(columns.width).toBe(26);
    expect(columns.features.cosines).toEqual({ offset: 20, size: 2 });
  });

  it('orders parameters stably and sums their sizes', () => {
    const layout = ctrLayout(SHAPE);
    expect(layout.parameters.map((p) => p.name)).toEqual([
      'interest.projection',
      'text.projection',
      'interaction.projection',
      'id.embedding',
      'cross.0.weight',
      'cross.0.bias',
      'deep.0.weight',
      'deep.0.bias',
      'output.cross',
      'output.deep',
      'output.bias',
    ]);
    expect(ctrParameter(layout, 'id.embedding')).toEqual({
      name: 'id.embedding',
      dims: [10, 2],
      offset: 8 * 3 + 4 * 3 + 8 * 3,
      size: 20,
    });
    const expected = 8 * 3 + 4 * 3 + 8 * 3 + 10 * 2 + 26 * 26 + 26 + 26 * 5 + 5 + 26 + 5 + 1;
    expect(layout.total).toBe(expected);
    expect(layout.key).toBe(`v${CTR_LAYOUT_VERSION}.t4x2.c3+1.a2.e10x2.f3.x1.h5`);
  });

  it('drops the text blocks for a model without text', () => {
    const layout = ctrLayout({ ...SHAPE, textDim: 0, interestSlots: 0 });
    expect(layout.parameters.some((p) => p.name.includes('projection'))).toBe(false);
    expect(layout.columns.features.cosines.size).toBe(0);
  });

  it('rejects impossible shapes', () => {
    expect(() => ctrLayout({ ...SHAPE, hidden: [] })).toThrow(
      expect.objectContaining({ code: 'invalid-shape' }),
    );
    expect(() => ctrLayout({ ...SHAPE, adIdFields: 0 })).toThrow(/adIdFields/);
    expect(() => ctrLayout({ ...SHAPE, factorDim: 1.5 })).toThrow(/factorDim/);
  });
});

describe('checkCtrWeights', () => {
  const layout = ctrLayout(SHAPE);
  it('accepts a finite vector of the right length', () => {
    expect(() => checkCtrWeights(layout, initialCtrWeights(SHAPE))).not.toThrow();
  });
  it('names what is wrong', () => {
    expect(() => checkCtrWeights(layout, new Float32Array(3))).toThrow(
      expect.objectContaining({ code: 'wrong-length' }),
    );
    const nan = initialCtrWeights(SHAPE);
    nan[ctrParameter(layout, 'deep.0.bias').offset] = Number.NaN;
    expect(() => checkCtrWeights(layout, nan)).toThrow(/deep\.0\.bias/);
    expect(() => checkCtrWeights(layout, initialCtrWeights(SHAPE), 1)).toThrow(
      expect.objectContaining({ code: 'wrong-version' }),
    );
  });
});

describe('initialCtrWeights', () => {
  it('is deterministic per seed and encodes the similarity prior', () => {
    const layout = ctrLayout(SHAPE);
    const flat = initialCtrWeights(SHAPE, { affinity: 8, baseRate: 0.02 });
    expect(flat).toEqual(initialCtrWeights(SHAPE));
    expect(flat).not.toEqual(initialCtrWeights(SHAPE, { seed: 2 }));
    const out = ctrParameterView(layout, flat, 'output.cross');
    const cos0 = layout.columns.features.cosines.offset;
    expect(out[cos0]).toBe(8);
    expect([...out].filter((w) => w !== 0)).toEqual([8]);
    expect([...ctrParameterView(layout, flat, 'output.deep')].every((w) => w === 0)).toBe(true);
    expect(ctrParameterView(layout, flat, 'output.bias')[0]).toBeCloseTo(Math.log(0.02 / 0.98), 6);
    // The cosine columns of the cross weights are zero, so the cross stack passes them through.
    const width = layout.columns.width;
    const cross = ctrParameterView(layout, flat, 'cross.0.weight');
    for (let row = 0; row < width; row++) expect(cross[row * width + cos0]).toBe(0);
    expect(cross.some((w) => w !== 0)).toBe(true);
  });
});

describe('ctrIdBucket', () => {
  it('is stable, in range, and differs between fields', () => {
    expect(ctrIdBucket(0, 'ad-42', 4096)).toBe(ctrIdBucket(0, 'ad-42', 4096));
    const buckets = new Set(Array.from({ length: 1000 }, (_, i) => ctrIdBucket(0, `ad-${i}`, 4096)));
    for (const b of buckets) expect(b >= 0 && b < 4096).toBe(true);
    expect(buckets.size).toBeGreaterThan(850); // ~885 expected for 1000 values in 4096 buckets
    const sameAcrossFields = Array.from({ length: 100 }, (_, i) => `v${i}`).filter(
      (v) => ctrIdBucket(0, v, 4096) === ctrIdBucket(1, v, 4096),
    );
    expect(sameAcrossFields.length).toBeLessThan(3);
  });
});

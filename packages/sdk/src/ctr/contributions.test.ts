import { initialCtrWeights } from '@locus/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from './backends.js';
import { featureContributions } from './contributions.js';
import { DcnCtrModel } from './dcn-model.js';
import { locusCtrShape } from './features.js';

const shape = { ...locusCtrShape(4), idBuckets: 32, hidden: [6] };
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
const ads = [
  { text: unit(1, 0, 0, 0), ids: ['near'] },
  { text: unit(0, 1, 0, 0), ids: ['orthogonal'] },
];
const user = {
  interests: [unit(1, 0.2, 0, 0)],
  factor: Float32Array.from({ length: 16 }, (_, i) => Math.cos(i)),
};
const request = { context: { slot: 'top', position: 0, hour: 9, device: 'desktop' as const } };
const logit = (p: number) => Math.log(p / (1 - p));

describe('featureContributions', () => {
  beforeAll(async () => {
    await activateBackend('cpu', undefined);
  });

  it('attributes everything to interests in the untrained prior (8·cos)', async () => {
    const model = DcnCtrModel.create(shape);
    const prepared = model.prepareAds(ads);
    const [near, orthogonal] = await featureContributions(
      model,
      user,
      request,
      prepared,
      [0, 1],
      [{ count: 3, hoursSinceLast: 1 }],
    );
    expect(near!.interests).toBeCloseTo(8 * user.interests[0]![0]!, 4);
    expect(orthogonal!.interests).toBeCloseTo(8 * user.interests[0]![1]!, 4);
    for (const c of [near!, orthogonal!]) {
      expect(c.collaborative).toBeCloseTo(0, 5);
      expect(c.context).toBeCloseTo(0, 5);
      expect(c.exposure).toBeCloseTo(0, 5);
    }
    model.dispose();
  });

  it('equals the change of the served logit when a group is removed, for a trained model', async () => {
    const flat = initialCtrWeights(shape);
    for (let i = 0; i < flat.length; i++) flat[i]! += Math.sin(i * 1.7) * 0.2;
    const model = DcnCtrModel.fromFlat(shape, flat);
    const prepared = model.prepareAds(ads);
    const exposures = [{ count: 4, hoursSinceLast: 2 }, undefined];
    const [c] = await featureContributions(model, user, request, prepared, [0], exposures);
    const served = async (u: typeof user | { interests: Float32Array[] }, r: object, e = exposures) =>
      logit((await model.score(u, r, prepared, e))[0]!);
    const full = await served(user, request);
    expect(c!.interests).toBeCloseTo(full - (await served({ ...user, interests: [] }, request)), 3);
    expect(c!.collaborative).toBeCloseTo(full - (await served({ interests: user.interests }, request)), 3);
    expect(c!.context).toBeCloseTo(full - (await served(user, { contextIds: [] })), 3);
    expect(c!.exposure).toBeCloseTo(full - (await served(user, request, [])), 3);
    expect(Math.abs(c!.exposure)).toBeGreaterThan(1e-3);
    await expect(featureContributions(model, user, request, prepared, [5])).rejects.toMatchObject({
      code: 'bad-input',
    });
    model.dispose();
  });
});

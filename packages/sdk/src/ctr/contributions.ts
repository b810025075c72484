import { CTR_EXPOSURE_FEATURES } from '@locus/protocol';
import {
  allocateBatch,
  allocateHistory,
  type RequestInput,
  type UserInput,
  writeHistory,
  writeRequest,
} from './batch.js';
import type { DcnCtrModel, Exposures } from './dcn-model.js';
import { CtrModelError } from './errors.js';
import { encodeExposure, LOCUS_CONTEXT_DIM } from './features.js';
import type { PreparedAds } from './prepared-ads.js';

/** The parts of the input an explanation can point at. */
export type ContributionGroup = 'interests' | 'collaborative' | 'context' | 'exposure';
export const CONTRIBUTION_GROUPS: readonly ContributionGroup[] = [
  'interests',
  'collaborative',
  'context',
  'exposure',
];

/** How much each group moved one ad's logit: logit(all) − logit(group removed). */
export type FeatureContributions = Record<ContributionGroup, number>;

/**
 * Occlusion attribution: each group is replaced by "unknown" (zero interests, zero user factor,
 * empty context, never shown) and the change of the logit is that group's contribution. Exact
 * for the model as it is, nonlinearities included, at the cost of one forward pass over
 * (groups + 1) rows per ad, so it is meant for the few ads a page shows, not the whole catalog.
 */
export async function featureContributions(
  model: DcnCtrModel,
  user: UserInput,
  request: RequestInput,
  prepared: PreparedAds,
  indices: readonly number[],
  exposures?: Exposures,
): Promise<FeatureContributions[]> {
  const shape = model.shape;
  const { textDim: d, adIdFields } = shape;
  const variants = CONTRIBUTION_GROUPS.length + 1;
  const batch = allocateBatch(shape, indices.length * variants);
  const noInterests: UserInput = { ...user, interests: [] };
  const withoutFactor: UserInput = { interests: user.interests };
  const historyLength = user.history?.ids.length ?? 0;
  if (historyLength > 0) batch.history = allocateHistory(batch.size, historyLength);
  const emptyContext: RequestInput =
    request.contextFeatures || shape.contextDim !== LOCUS_CONTEXT_DIM
      ? { contextFeatures: new Float32Array(shape.contextDim), contextIds: [] }
      : { contextIds: [] };
  indices.forEach((ad, a) => {
    if (!(Number.isInteger(ad) && ad >= 0 && ad < prepared.count)) {
      throw new CtrModelError('bad-input', `no prepared ad at index ${ad}`);
    }
    for (let v = 0; v < variants; v++) {
      const row = a * variants + v;
      const group = CONTRIBUTION_GROUPS[v - 1];
      writeRequest(
        shape,
        batch,
        row,
        group === 'interests' ? noInterests : group === 'collaborative' ? withoutFactor : user,
        group === 'context' ? emptyContext : request,
      );
      if (batch.history)
        writeHistory(shape, batch.history, row, group === 'collaborative' ? undefined : user.history);
      batch.adText.set(prepared.text.subarray(ad * d, (ad + 1) * d), row * d);
      batch.adIds.set(prepared.idBuckets.subarray(ad * adIdFields, (ad + 1) * adIdFields), row * adIdFields);
      encodeExposure(
        group === 'exposure' ? undefined : exposures?.[ad],
        batch.exposure,
        row * CTR_EXPOSURE_FEATURES,
      );
    }
  });
  const logits = await model.logits(batch);
  return indices.map((_, a) => {
    const full = logits[a * variants]!;
    const entry = {} as FeatureContributions;
    CONTRIBUTION_GROUPS.forEach((group, g) => {
      entry[group] = full - logits[a * variants + g + 1]!;
    });
    return entry;
  });
}

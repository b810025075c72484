import { DcnCtrModel, locusCtrShape, type PreparedAds } from '@locus/sdk/ctr';

/**
 * The model rank() serves before any training — DcnCtrModel at its prior, for an encoder of
 * width `dim` — scored directly with tfjs: the baseline rank() is timed against. The ad side
 * is prepared once (as rank() does per model version); each call scores one request.
 */
export interface BareCtr {
  /** pCTR of `ads` (n rows of dim values, ids aligned) for a user vector (slot 0 and 1). */
  predict(user: Float32Array, ads: Float32Array, ids: readonly string[]): Promise<Float32Array>;
  dispose(): void;
}

export function bareCtr(dim: number): BareCtr {
  const model = DcnCtrModel.create(locusCtrShape(dim));
  const prepared = new WeakMap<Float32Array, PreparedAds>();
  const prepare = (ads: Float32Array, ids: readonly string[]) => {
    let ready = prepared.get(ads);
    if (!ready) {
      ready = model.prepareAds(
        ids.map((id, i) => ({ text: ads.subarray(i * dim, (i + 1) * dim), ids: [id] })),
      );
      prepared.set(ads, ready);
    }
    return ready;
  };
  return {
    predict: (user, ads, ids) => model.score({ interests: [user, user] }, {}, prepare(ads, ids)),
    dispose: () => model.dispose(),
  };
}

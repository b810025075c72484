import type { CtrShape } from '@locus/protocol';
import type { AdInput } from './batch.js';
import { CtrModelError } from './errors.js';
import { idBuckets, writeUnit } from './features.js';
import { type AdState, disposeAdState } from './scoring.js';

/**
 * A set of ads made ready for scoring: their unit text embeddings and hashed ids (host copies,
 * kept so the tensor state can be rebuilt), and the ad-side tensors of one model revision. Ads do
 * not change between page views, so a catalog is prepared once per model version and reused by
 * every rank(); the model rebuilds the tensors by itself after its weights change.
 */
export class PreparedAds {
  /** Row-major [count, textDim], unit or zero rows. */
  readonly text: Float32Array;
  /** Row-major [count, adIdFields] buckets. */
  readonly idBuckets: Int32Array;
  /** The ad ids (ids[0] of each AdInput), in order. */
  readonly ids: readonly string[];
  /** @internal which model (and weight revision) `state` belongs to. */
  owner: object | undefined;
  revision = -1;
  state: AdState | undefined;

  constructor(
    readonly shape: CtrShape,
    /** ctrLayout(shape).key: ads prepared for one model shape cannot be scored by another. */
    readonly layoutKey: string,
    ads: readonly AdInput[],
  ) {
    const { textDim: d, adIdFields } = shape;
    this.text = new Float32Array(ads.length * d);
    this.idBuckets = new Int32Array(ads.length * adIdFields);
    ads.forEach((ad, i) => {
      if (d > 0 && ad.text !== undefined && ad.text.length !== d) {
        throw new CtrModelError(
          'bad-input',
          `ad ${ad.ids[0]} has a ${ad.text.length}-d embedding, the model reads ${d}`,
        );
      }
      writeUnit(ad.text, this.text, i * d, d);
      idBuckets(ad.ids, adIdFields, shape.idBuckets, this.idBuckets, i * adIdFields);
    });
    this.ids = ads.map((ad) => ad.ids[0] ?? '');
  }

  get count(): number {
    return this.ids.length;
  }

  /** Frees the tensors (the host copies stay; scoring again rebuilds them). */
  dispose(): void {
    if (this.state) disposeAdState(this.state);
    this.state = undefined;
    this.owner = undefined;
    this.revision = -1;
  }
}

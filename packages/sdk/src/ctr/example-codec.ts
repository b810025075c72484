import { CTR_EXPOSURE_FEATURES, type CtrShape, ctrLayout } from '@locus/protocol';
import {
  allocateBatch,
  allocateHistory,
  type EncodedBatch,
  encodeExamples,
  type TrainingExample,
} from './batch.js';

/**
 * Training examples as flat Float32Arrays, for the profile store's `TrainingExample.features`:
 * what the model saw at impression time (interests, context, ad, exposure, the user's history),
 * encoded once, so that idle-time training replays exactly that. The row is
 *   [interests U·d | ad text d | context c | context-id buckets Fc | ad-id buckets Fa |
 *    user factor k | exposure 2 | history buckets H | history weights H]
 * (buckets are integers < 2^24, exact in float32). Rows of another length (written for another
 * shape or history length) are skipped on decoding, never misread.
 */
export class CtrExampleCodec {
  readonly width: number;
  private readonly key: string;

  constructor(
    readonly shape: CtrShape,
    /** History entries kept per example (longer histories keep their first, most recent ones). */
    readonly historyLength = 20,
  ) {
    this.key = ctrLayout(shape).key;
    const { interestSlots: u, textDim: d, contextDim: c, contextIdFields, adIdFields, factorDim: k } = shape;
    this.width = u * d + d + c + contextIdFields + adIdFields + k + CTR_EXPOSURE_FEATURES + 2 * historyLength;
  }

  /** The layout key plus the history length: the identity of rows this codec writes. */
  get id(): string {
    return `${this.key}|h${this.historyLength}`;
  }

  /** One example's features (its label is stored beside them, not in them). */
  encode(example: Omit<TrainingExample, 'label'>): Float32Array {
    const user = example.user.history
      ? {
          ...example.user,
          history: { ...example.user.history, ids: example.user.history.ids.slice(0, this.historyLength) },
        }
      : example.user;
    const batch = encodeExamples(this.shape, [{ ...example, user, label: 0 }]);
    const out = new Float32Array(this.width);
    let offset = 0;
    for (const part of [
      batch.interests,
      batch.adText,
      batch.context,
      batch.contextIds,
      batch.adIds,
      batch.userFactor,
      batch.exposure,
    ]) {
      out.set(part, offset);
      offset += part.length;
    }
    if (batch.history) {
      out.set(batch.history.buckets, offset);
      out.set(batch.history.weights, offset + this.historyLength);
    }
    return out;
  }

  /**
   * A training batch from stored rows. Rows whose features are missing or of another width, or
   * whose label is not 0/1, are left out and counted in `skipped`.
   */
  decode(rows: readonly { features?: Float32Array; label: number; weight?: number }[]): {
    batch: EncodedBatch;
    skipped: number;
  } {
    const usable = rows.filter(
      (r) =>
        r.features instanceof Float32Array &&
        r.features.length === this.width &&
        (r.label === 0 || r.label === 1),
    );
    const {
      interestSlots: u,
      textDim: d,
      contextDim: c,
      contextIdFields,
      adIdFields,
      factorDim: k,
    } = this.shape;
    const batch = allocateBatch(this.shape, usable.length);
    const history = allocateHistory(usable.length, this.historyLength);
    if (this.historyLength > 0) batch.history = history;
    const h = this.historyLength;
    usable.forEach((row, i) => {
      const f = row.features!;
      let offset = 0;
      const take = (target: Float32Array | Int32Array, size: number) => {
        for (let j = 0; j < size; j++) target[i * size + j] = f[offset + j]!;
        offset += size;
      };
      take(batch.interests, u * d);
      take(batch.adText, d);
      take(batch.context, c);
      take(batch.contextIds, contextIdFields);
      take(batch.adIds, adIdFields);
      take(batch.userFactor, k);
      take(batch.exposure, CTR_EXPOSURE_FEATURES);
      take(history.buckets, h);
      take(history.weights, h);
      batch.labels[i] = row.label;
      batch.weights[i] =
        row.weight !== undefined && Number.isFinite(row.weight) && row.weight >= 0 ? row.weight : 1;
    });
    return { batch, skipped: rows.length - usable.length };
  }
}

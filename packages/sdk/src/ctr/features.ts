import { CTR_CONTEXT_FIELD_SEED, ctrIdBucket, LOCUS_CONTEXT_DIM } from '@locus/protocol';

/**
 * Feature encoding for the CTR model: the request context, the per-candidate exposure history
 * and hashed ids. Pure functions over plain arrays; no tfjs, so they can be unit tested and reused
 * by the ranking code and the evaluation harness.
 */

export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/** What is known about the request an ad is ranked for. Unknown fields encode as zeros. */
export interface RequestContext {
  /** Slot name (e.g. "sidebar"); hashed into the first context-id field. */
  slot?: string;
  /** 0-based position of the slot on the page (0 = the most prominent one). */
  position?: number;
  /** Local hour of day, 0-23 (see `contextTime`). */
  hour?: number;
  /** Local day of week, 0 = Sunday. */
  weekday?: number;
  device?: DeviceClass;
}

/**
 * Width of `encodeContext`'s output: log1p(position), hour on the unit circle (2), weekday on the
 * unit circle (2), device class one-hot (3). Circles, so 23:00 and 00:00 are neighbours.
 */
export { LOCUS_CONTEXT_DIM, LOCUS_CONTEXT_ID_FIELDS } from '@locus/protocol';

export function encodeContext(
  context: RequestContext = {},
  out: Float32Array = new Float32Array(LOCUS_CONTEXT_DIM),
): Float32Array {
  out.fill(0);
  const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  if (finite(context.position) && context.position >= 0) out[0] = Math.log1p(context.position);
  if (finite(context.hour)) {
    const angle = (2 * Math.PI * (((context.hour % 24) + 24) % 24)) / 24;
    out[1] = Math.sin(angle);
    out[2] = Math.cos(angle);
  }
  if (finite(context.weekday)) {
    const angle = (2 * Math.PI * (((Math.floor(context.weekday) % 7) + 7) % 7)) / 7;
    out[3] = Math.sin(angle);
    out[4] = Math.cos(angle);
  }
  const device = ['mobile', 'tablet', 'desktop'].indexOf(context.device ?? '');
  if (device >= 0) out[5 + device] = 1;
  return out;
}

/** The hour and weekday of `time` in the device's local time zone. */
export function contextTime(time: number): Pick<RequestContext, 'hour' | 'weekday'> {
  const date = new Date(time);
  return { hour: date.getHours(), weekday: date.getDay() };
}

/** How often and how recently this user was shown one ad. */
export interface CandidateExposure {
  count: number;
  /** Hours since the last showing; ignored when count is 0. */
  hoursSinceLast?: number;
}

/** Freshness halves every this many hours: an ad seen an hour ago is "stale", a week ago not. */
const FRESHNESS_HOURS = 24;

/** [log1p(count), exp(-hours/24) of the last showing]; zeros for an ad never shown. */
export function encodeExposure(exposure: CandidateExposure | undefined, out: Float32Array, offset = 0): void {
  const count = exposure && Number.isFinite(exposure.count) && exposure.count > 0 ? exposure.count : 0;
  out[offset] = Math.log1p(count);
  const hours = exposure?.hoursSinceLast;
  out[offset + 1] =
    count > 0 && typeof hours === 'number' && Number.isFinite(hours)
      ? Math.exp(-Math.max(0, hours) / FRESHNESS_HOURS)
      : 0;
}

/**
 * Buckets of one row of categorical values: field i hashed with seed `firstSeed + i` (0 for ad
 * ids, CTR_CONTEXT_FIELD_SEED for context ids).
 */
export function idBuckets(
  values: readonly string[],
  fields: number,
  buckets: number,
  out: Int32Array,
  offset = 0,
  firstSeed = 0,
) {
  for (let f = 0; f < fields; f++) {
    const value = values[f];
    // A missing value gets its own bucket per field ("" hashes deterministically).
    out[offset + f] = ctrIdBucket(firstSeed + f, value ?? '', buckets);
  }
}

/** Buckets of a request's context ids (their own hash seeds, see CTR_CONTEXT_FIELD_SEED). */
export function contextIdBuckets(
  values: readonly string[],
  fields: number,
  buckets: number,
  out: Int32Array,
  offset = 0,
) {
  idBuckets(values, fields, buckets, out, offset, CTR_CONTEXT_FIELD_SEED);
}

/**
 * Copies `vector` into `out` at `offset` scaled to unit length (zero stays zero). The model's
 * cosine features are plain dot products, so every text vector it sees must be unit or zero.
 */
export function writeUnit(
  vector: ArrayLike<number> | undefined,
  out: Float32Array,
  offset: number,
  dim: number,
) {
  let norm = 0;
  if (vector) for (let i = 0; i < dim; i++) norm += (vector[i] ?? 0) ** 2;
  norm = Math.sqrt(norm);
  const scale = norm > 0 && Number.isFinite(norm) ? 1 / norm : 0;
  for (let i = 0; i < dim; i++) {
    const v = vector ? (vector[i] ?? 0) * scale : 0;
    out[offset + i] = Number.isFinite(v) ? v : 0;
  }
}

export { locusCtrShape } from '@locus/protocol';

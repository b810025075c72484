/**
 * The CTR model's parameter layout: which parameter lives where in the one flat Float32Array that
 * devices train, clip, mask and upload, and that the aggregator sums and publishes. Both sides
 * derive it from the same `CtrShape`, so a layout is identified by (version, shape).
 *
 * Model (DCN-V2, parallel structure; Wang et al. 2021): the input row x0 is three blocks,
 *   request   [interest projection | context features | context-id embeddings | user factor]
 *   ad        [ad-text projection | ad-id embeddings]
 *   candidate [interaction projection | cosines | user factor ⊙ ad-id embedding | exposure]
 * The split is what makes serving fast: the ad block (and its product with the first cross and
 * deep weights) depends only on the ad, so it is computed once per model version; the request
 * block once per request; only the small candidate block is per (user, ad).
 * Cross: x_{l+1} = x0 ⊙ (x_l W_l + b_l) + x_l. Deep: relu MLP on x0. logit = x_L·w_c + h·w_d + b.
 *
 * The user's own factor vector is an input, not a parameter: it stays on the device.
 * Changing anything here (order, shapes, the id hash) needs a new CTR_LAYOUT_VERSION.
 */

export const CTR_LAYOUT_VERSION = 2;
/** Exposure features per candidate: log1p(times shown), freshness of the last showing. */
export const CTR_EXPOSURE_FEATURES = 2;

export interface CtrShape {
  /** Dimension of the text embeddings (user interests, ad text); 0 = no text inputs. */
  textDim: number;
  /** How many user interest vectors (e.g. blended profile+page, page alone); slot 0 drives the prior. */
  interestSlots: number;
  /** Dense request features (slot position, hour, weekday, device class, ...). */
  contextDim: number;
  /** Hashed categorical request features (e.g. the slot id), embedded in the shared id table. */
  contextIdFields: number;
  /** Hashed categorical ad features; field 0 is the ad id (the collaborative item factor). */
  adIdFields: number;
  /** Rows of the shared id-embedding table. */
  idBuckets: number;
  /** Width of id embeddings and of the user factor. */
  factorDim: number;
  /** Width each text block is projected to. */
  fieldDim: number;
  crossLayers: number;
  /** Widths of the deep branch's hidden layers. */
  hidden: number[];
}

export type CtrLayoutErrorCode = 'invalid-shape' | 'wrong-length' | 'non-finite' | 'wrong-version';

export class CtrLayoutError extends Error {
  override readonly name = 'CtrLayoutError';
  constructor(
    readonly code: CtrLayoutErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ColumnRange {
  offset: number;
  size: number;
}

/** Column ranges of x0, by block and by feature. */
export interface CtrColumns {
  request: ColumnRange;
  ad: ColumnRange;
  candidate: ColumnRange;
  /** x0 width. */
  width: number;
  features: {
    interestProjection: ColumnRange;
    context: ColumnRange;
    contextIds: ColumnRange;
    userFactor: ColumnRange;
    textProjection: ColumnRange;
    adIds: ColumnRange;
    interaction: ColumnRange;
    cosines: ColumnRange;
    factorProduct: ColumnRange;
    exposure: ColumnRange;
  };
}

export interface CtrParameter {
  name: string;
  /** [rows, cols] for matrices ([in, out]: y = x·W), [n] for vectors. */
  dims: number[];
  offset: number;
  size: number;
}

export interface CtrLayout {
  version: number;
  shape: CtrShape;
  columns: CtrColumns;
  parameters: CtrParameter[];
  /** Length of the flat weight vector. */
  total: number;
  /** Identifies (version, shape): equal keys mean interchangeable weight vectors. */
  key: string;
}

const isCount = (n: unknown, min: number) => Number.isInteger(n) && (n as number) >= min;

export function checkCtrShape(shape: CtrShape): void {
  const problems: string[] = [];
  const need = (name: keyof CtrShape, min: number) => {
    if (!isCount(shape[name], min)) problems.push(`${name} must be an integer ≥ ${min}`);
  };
  need('textDim', 0);
  need('interestSlots', shape.textDim > 0 ? 1 : 0);
  need('contextDim', 0);
  need('contextIdFields', 0);
  need('adIdFields', 1);
  need('idBuckets', 1);
  need('factorDim', 1);
  need('fieldDim', 1);
  need('crossLayers', 1);
  if (
    !Array.isArray(shape.hidden) ||
    shape.hidden.length === 0 ||
    !shape.hidden.every((h) => isCount(h, 1))
  ) {
    problems.push('hidden must be a non-empty list of integers ≥ 1');
  }
  if (problems.length > 0) throw new CtrLayoutError('invalid-shape', `bad CTR shape: ${problems.join('; ')}`);
}

export function ctrColumns(shape: CtrShape): CtrColumns {
  const text = shape.textDim > 0;
  const k = shape.factorDim;
  let offset = 0;
  const take = (size: number): ColumnRange => {
    const range = { offset, size };
    offset += size;
    return range;
  };
  const interestProjection = take(text ? shape.fieldDim : 0);
  const context = take(shape.contextDim);
  const contextIds = take(shape.contextIdFields * k);
  const userFactor = take(k);
  const adStart = offset;
  const textProjection = take(text ? shape.fieldDim : 0);
  const adIds = take(shape.adIdFields * k);
  const candidateStart = offset;
  const interaction = take(text ? shape.fieldDim : 0);
  const cosines = take(text ? shape.interestSlots : 0);
  const factorProduct = take(k);
  const exposure = take(CTR_EXPOSURE_FEATURES);
  return {
    request: { offset: 0, size: adStart },
    ad: { offset: adStart, size: candidateStart - adStart },
    candidate: { offset: candidateStart, size: offset - candidateStart },
    width: offset,
    features: {
      interestProjection,
      context,
      contextIds,
      userFactor,
      textProjection,
      adIds,
      interaction,
      cosines,
      factorProduct,
      exposure,
    },
  };
}

export function ctrLayout(shape: CtrShape): CtrLayout {
  checkCtrShape(shape);
  const columns = ctrColumns(shape);
  const { textDim: d, interestSlots: u, fieldDim: m } = shape;
  const width = columns.width;
  const dims: [string, number[]][] = [];
  if (d > 0) {
    dims.push(['interest.projection', [u * d, m]], ['text.projection', [d, m]]);
    dims.push(['interaction.projection', [u * d, m]]);
  }
  dims.push(['id.embedding', [shape.idBuckets, shape.factorDim]]);
  for (let l = 0; l < shape.crossLayers; l++) {
    dims.push([`cross.${l}.weight`, [width, width]], [`cross.${l}.bias`, [width]]);
  }
  let input = width;
  shape.hidden.forEach((out, i) => {
    dims.push([`deep.${i}.weight`, [input, out]], [`deep.${i}.bias`, [out]]);
    input = out;
  });
  dims.push(['output.cross', [width]], ['output.deep', [input]], ['output.bias', [1]]);

  let offset = 0;
  const parameters = dims.map(([name, ds]) => {
    const size = ds.reduce((a, b) => a * b, 1);
    const parameter = { name, dims: ds, offset, size };
    offset += size;
    return parameter;
  });
  const key = [
    `v${CTR_LAYOUT_VERSION}`,
    `t${d}x${u}`,
    `c${shape.contextDim}+${shape.contextIdFields}`,
    `a${shape.adIdFields}`,
    `e${shape.idBuckets}x${shape.factorDim}`,
    `f${m}`,
    `x${shape.crossLayers}`,
    `h${shape.hidden.join('-')}`,
  ].join('.');
  return {
    version: CTR_LAYOUT_VERSION,
    shape: { ...shape, hidden: [...shape.hidden] },
    columns,
    parameters,
    total: offset,
    key,
  };
}

/** The parameter called `name`; throws for a name the layout does not have. */
export function ctrParameter(layout: CtrLayout, name: string): CtrParameter {
  const parameter = layout.parameters.find((p) => p.name === name);
  if (!parameter) throw new CtrLayoutError('invalid-shape', `layout ${layout.key} has no parameter ${name}`);
  return parameter;
}

/** A view (no copy) of one parameter inside a flat weight vector. */
export function ctrParameterView(layout: CtrLayout, flat: Float32Array, name: string): Float32Array {
  const { offset, size } = ctrParameter(layout, name);
  return flat.subarray(offset, offset + size);
}

/** Throws a CtrLayoutError unless `flat` is a finite weight vector for `layout`. */
export function checkCtrWeights(layout: CtrLayout, flat: Float32Array, layoutVersion = layout.version): void {
  if (layoutVersion !== layout.version) {
    throw new CtrLayoutError(
      'wrong-version',
      `weights follow layout v${layoutVersion}, this build reads v${layout.version}`,
    );
  }
  if (!(flat instanceof Float32Array) || flat.length !== layout.total) {
    throw new CtrLayoutError(
      'wrong-length',
      `CTR weights have ${flat?.length ?? 0} values, layout ${layout.key} needs ${layout.total}`,
    );
  }
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i]!)) {
      const parameter = layout.parameters.find((p) => i >= p.offset && i < p.offset + p.size);
      throw new CtrLayoutError('non-finite', `CTR weight ${i} (${parameter?.name}) is ${flat[i]}`);
    }
  }
}

/**
 * Hash seeds of the id fields: ad-id field f hashes with seed f, context-id field f with
 * CTR_CONTEXT_FIELD_SEED + f, so that a context value never shares a row with an equal ad value
 * by accident. A user's history uses ad field 0 on purpose: its items are ads, and sharing their
 * item factors is what lets the history describe the user.
 */
export const CTR_CONTEXT_FIELD_SEED = 1000;

/**
 * Bucket of a categorical value in the shared id table: FNV-1a over the field number and the
 * value's UTF-16 code units. Part of the layout contract: devices and any server-side training
 * must hash ids identically, since the id embeddings are global.
 */
export function ctrIdBucket(field: number, value: string, buckets: number): number {
  let h = 0x811c9dc5 ^ Math.imul(field + 1, 0x9e3779b1);
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche so that nearby values spread over the buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) % buckets;
}

export interface CtrPrior {
  /** Logit weight on cos(interest slot 0, ad): how strongly the untrained model follows similarity. */
  affinity: number;
  /** Click rate of an ad at cos = 0. */
  baseRate: number;
  /** Seed of the random initialization (deterministic, so a server and a device agree on v0). */
  seed: number;
}

export const DEFAULT_CTR_PRIOR: CtrPrior = { affinity: 8, baseRate: 0.02, seed: 1 };

/** mulberry32: a tiny deterministic PRNG for reproducible initial weights (never for secrets). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Version-0 weights. Before any training the model must already rank by similarity, so it starts
 * from an explicit prior instead of noise: logit = logit(baseRate) + affinity·cos(slot 0, ad).
 * Every other path into the logit is closed at the output (output weights 0, as in zero-init of
 * residual branches), while the layers behind it are randomly initialized so that gradients flow
 * as soon as training opens those outputs. The cross layers' columns for the cosines are zero, so
 * the cosines pass through the cross stack unchanged.
 */
export function initialCtrWeights(shape: CtrShape, prior: Partial<CtrPrior> = {}): Float32Array {
  const { affinity, baseRate, seed } = { ...DEFAULT_CTR_PRIOR, ...prior };
  const layout = ctrLayout(shape);
  const flat = new Float32Array(layout.total);
  const uniform = seededUniform(seed);
  const glorot = (name: string, scale = 1) => {
    const { dims, offset, size } = ctrParameter(layout, name);
    const limit = scale * Math.sqrt(6 / (dims[0]! + dims[1]!));
    for (let i = 0; i < size; i++) flat[offset + i] = (uniform() * 2 - 1) * limit;
  };
  if (shape.textDim > 0) {
    glorot('interest.projection');
    glorot('text.projection');
    glorot('interaction.projection');
  }
  const embedding = ctrParameter(layout, 'id.embedding');
  for (let i = 0; i < embedding.size; i++) flat[embedding.offset + i] = (uniform() * 2 - 1) * 0.05;
  const { cosines } = layout.columns.features;
  const width = layout.columns.width;
  for (let l = 0; l < shape.crossLayers; l++) {
    // Small, so that the untrained cross stack stays close to the identity on x0.
    glorot(`cross.${l}.weight`, 0.1);
    const { offset } = ctrParameter(layout, `cross.${l}.weight`);
    for (let row = 0; row < width; row++) {
      for (let c = cosines.offset; c < cosines.offset + cosines.size; c++) flat[offset + row * width + c] = 0;
    }
  }
  for (let i = 0; i < shape.hidden.length; i++) glorot(`deep.${i}.weight`);
  if (shape.textDim > 0) {
    flat[ctrParameter(layout, 'output.cross').offset + cosines.offset] = affinity;
  }
  flat[ctrParameter(layout, 'output.bias').offset] = Math.log(baseRate / (1 - baseRate));
  return flat;
}

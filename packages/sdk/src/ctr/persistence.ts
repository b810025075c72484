import { CTR_LAYOUT_VERSION, CTR_MODEL_ID, type CtrShape, checkCtrShape, ctrLayout } from '@locus/protocol';
import { type Calibration, checkCalibration, IDENTITY_CALIBRATION } from './calibration.js';
import { asModelError, DcnCtrModel } from './dcn-model.js';
import { CtrModelError } from './errors.js';

export const SAVED_CTR_FORMAT = 'locus-ctr-weights';

/**
 * The fields every stored CTR weight record has; the profile store's `ModelWeights` is exactly
 * this, so a record it wrote (without shape or calibration) loads when the caller names the shape.
 */
export interface StoredCtrWeights {
  modelId: string;
  weights: Float32Array;
  layoutVersion: number;
  modelVersion: number;
  updatedAt: number;
}

/**
 * A CTR model at rest (IndexedDB stores it as is: typed arrays survive structured cloning).
 * Everything needed to refuse weights that do not fit: the layout version and key say which
 * parameter order and shapes the flat vector follows, the model version which global round.
 */
export interface SavedCtrModel extends StoredCtrWeights {
  format: typeof SAVED_CTR_FORMAT;
  layoutKey: string;
  shape: CtrShape;
  calibration: Calibration;
}

export function saveCtrModel(model: DcnCtrModel, now = Date.now()): SavedCtrModel {
  return {
    format: SAVED_CTR_FORMAT,
    modelId: CTR_MODEL_ID,
    layoutVersion: model.layout.version,
    layoutKey: model.layout.key,
    modelVersion: model.version,
    shape: structuredClone(model.shape),
    weights: model.toFlat(),
    calibration: structuredClone(model.calibration),
    updatedAt: now,
  };
}

export interface SavedModelExpectations {
  /** The shape this build runs (e.g. from the encoder's width); another shape is refused. */
  shape?: CtrShape;
  /** Refuse versions older than this (e.g. the version already in memory). */
  minVersion?: number;
}

/**
 * Validates a stored value without building tensors; throws a CtrModelError naming the problem.
 * A bare `StoredCtrWeights` record (no format, shape or calibration) is read with
 * `expected.shape` and the identity calibration.
 */
export function checkSavedCtrModel(value: unknown, expected: SavedModelExpectations = {}): SavedCtrModel {
  const stored = value as Partial<SavedCtrModel> | null;
  if (typeof stored !== 'object' || stored === null || stored.modelId !== CTR_MODEL_ID) {
    throw new CtrModelError('wrong-format', `not a saved ${CTR_MODEL_ID} model`);
  }
  const bare = stored.format === undefined && stored.shape === undefined;
  const saved: Partial<SavedCtrModel> =
    bare && expected.shape
      ? {
          ...stored,
          format: SAVED_CTR_FORMAT,
          shape: expected.shape,
          layoutKey: ctrLayout(expected.shape).key,
          calibration: IDENTITY_CALIBRATION,
        }
      : stored;
  if (saved.format !== SAVED_CTR_FORMAT) {
    throw new CtrModelError(
      'wrong-format',
      `not a saved ${CTR_MODEL_ID} model (a bare weight record needs a shape)`,
    );
  }
  if (saved.layoutVersion !== CTR_LAYOUT_VERSION) {
    throw new CtrModelError(
      'wrong-layout-version',
      `saved weights follow layout v${saved.layoutVersion}, this build reads v${CTR_LAYOUT_VERSION}`,
    );
  }
  if (!Number.isInteger(saved.modelVersion) || saved.modelVersion! < 0) {
    throw new CtrModelError(
      'wrong-format',
      `model version ${saved.modelVersion} is not a non-negative integer`,
    );
  }
  if (expected.minVersion !== undefined && saved.modelVersion! < expected.minVersion) {
    throw new CtrModelError(
      'stale-version',
      `saved model v${saved.modelVersion} is older than v${expected.minVersion}`,
    );
  }
  let layout: ReturnType<typeof ctrLayout>;
  try {
    checkCtrShape(saved.shape as CtrShape);
    layout = ctrLayout(saved.shape as CtrShape);
  } catch (err) {
    throw asModelError(err);
  }
  if (layout.key !== saved.layoutKey) {
    throw new CtrModelError(
      'wrong-shape',
      `layout key ${saved.layoutKey} does not match its shape (${layout.key})`,
    );
  }
  if (expected.shape && ctrLayout(expected.shape).key !== layout.key) {
    throw new CtrModelError(
      'wrong-shape',
      `saved model has layout ${layout.key}, expected ${ctrLayout(expected.shape).key}`,
    );
  }
  if (!(saved.weights instanceof Float32Array) || saved.weights.length !== layout.total) {
    throw new CtrModelError(
      'wrong-shape',
      `saved weights have ${(saved.weights as { length?: number } | undefined)?.length ?? 0} values, layout ${layout.key} needs ${layout.total}`,
    );
  }
  if (!saved.weights.every(Number.isFinite))
    throw new CtrModelError('non-finite', 'saved weights contain NaN or Infinity');
  checkCalibration(saved.calibration);
  return saved as SavedCtrModel;
}

export function loadCtrModel(value: unknown, expected: SavedModelExpectations = {}): DcnCtrModel {
  const saved = checkSavedCtrModel(value, expected);
  return DcnCtrModel.fromFlat(saved.shape, saved.weights, {
    version: saved.modelVersion,
    calibration: saved.calibration,
  });
}

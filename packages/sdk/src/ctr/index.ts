/** The tfjs side of Locus, loaded as one lazy chunk (tfjs-core + the chosen backend). */

export type { CtrLayout, CtrPrior, CtrShape } from '@locus/protocol';
export { CTR_LAYOUT_VERSION, CTR_MODEL_ID, ctrLayout, initialCtrWeights } from '@locus/protocol';
export {
  type BackendChoice,
  type BackendChoiceCache,
  type BackendMeasurement,
  type ChooseBackendOptions,
  chooseBackend,
  InMemoryBackendChoiceCache,
} from './backend-choice.js';
export { activateBackend, gpuAdapterInfo } from './backends.js';
export {
  type AdInput,
  allocateBatch,
  allocateHistory,
  batchInputs,
  type CtrInputs,
  disposeInputs,
  type EncodedBatch,
  type EncodedHistory,
  encodeExamples,
  type RequestInput,
  sliceBatch,
  type TrainingExample,
  type UserHistory,
  type UserInput,
  writeHistory,
  writeRequest,
} from './batch.js';
export {
  applyCalibration,
  type Calibration,
  type CalibrationMethod,
  calibrate,
  fitIsotonic,
  fitPlatt,
  IDENTITY_CALIBRATION,
} from './calibration.js';
export {
  CONTRIBUTION_GROUPS,
  type ContributionGroup,
  type FeatureContributions,
  featureContributions,
} from './contributions.js';
export { type CtrModelOptions, DcnCtrModel, type Exposures } from './dcn-model.js';
export { CtrModelError, type CtrModelErrorCode } from './errors.js';
export { CtrExampleCodec } from './example-codec.js';
export {
  type CandidateExposure,
  contextIdBuckets,
  contextTime,
  type DeviceClass,
  encodeContext,
  encodeExposure,
  idBuckets,
  LOCUS_CONTEXT_DIM,
  locusCtrShape,
  type RequestContext,
} from './features.js';
export { LocalFactors } from './local-factors.js';
export {
  checkSavedCtrModel,
  loadCtrModel,
  SAVED_CTR_FORMAT,
  type SavedCtrModel,
  type SavedModelExpectations,
  type StoredCtrWeights,
  saveCtrModel,
} from './persistence.js';
export { PreparedAds } from './prepared-ads.js';
export { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './train.js';

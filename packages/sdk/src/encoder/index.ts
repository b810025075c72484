/**
 * The encoders Locus uses, for tools that need the same embeddings (benchmarks, servers that
 * pre-embed a catalog). Browser pages normally use `createLocus`, which manages all of this.
 */

export { CachedEncoder } from './cache.js';
export { type EncoderDevice, type EncoderSpec, type LoadedEncoder, loadEncoder } from './create.js';
export {
  CALIBRATION_TEXTS,
  chooseDevice,
  type DeviceChoice,
  type MeasurementCache,
} from './device-choice.js';
export { KeywordEncoder } from './keyword-encoder.js';
export { isLookupModel, type ModelConfig } from './model-config.js';
export { ONNX_FILE } from './model-files.js';
export { DEFAULT_ENCODER_MODEL, type DownloadProgress, type Encoder } from './types.js';

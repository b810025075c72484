export type { ErrorCode, ErrorResponse } from './errors.js';
export type { HealthResponse } from './health.js';
export * from './model/ctr-layout.js';
export { CTR_MODEL_ID, type ModelInfo } from './model.js';
export { PROTOCOL_VERSION } from './version.js';

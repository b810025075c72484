// Wire basics (unchanged since the walking skeleton).

// Differential privacy.
export { type ClippedUpdate, clipToL2Norm, l2Norm } from './dp/clip.js';
export { addCentralNoise, type CentralNoiseParams, gaussianSamples } from './dp/gaussian-noise.js';
export {
  createPrivacyLedger,
  ledgerEpsilon,
  type PrivacyLedgerState,
  previewRound,
  recordRound,
} from './dp/privacy-ledger.js';
export {
  DEFAULT_RDP_ORDERS,
  epsilonFromRdp,
  type NoiseSearch,
  noiseMultiplierForEpsilon,
  type PrivacyQuery,
  type PrivacySpent,
  privacySpent,
  type RdpConversion,
  rdpOfOneRound,
  rdpOfRounds,
  type SampledGaussianParams,
} from './dp/rdp-accountant.js';
export type { ErrorCode, ErrorResponse } from './errors.js';
export type { HealthResponse } from './health.js';
export { LIMITS } from './limits.js';
export * from './model/ctr-layout.js';
export * from './model/locus-shape.js';
export { CTR_MODEL_ID, type ModelInfo } from './model.js';
// Errors, limits, randomness.
export { isProtocolError, ProtocolError, type ProtocolErrorCode } from './protocol-error.js';
// Quantization.
export {
  addInto,
  dequantizeSum,
  maxQuantizedMagnitude,
  type QuantizationParams,
  quantizationScale,
  quantize,
  signedView,
  subtractInto,
} from './quantize/quantize.js';
export {
  createChaCha20RandomSource,
  cryptoRandomSource,
  type RandomSource,
  randomBelow,
  randomBytes,
  randomUint32s,
} from './random/random-source.js';
export {
  type ClientAdvertisedState,
  type ClientMaskedState,
  type ClientSecretKeys,
  type ClientSharedState,
  type ClientUnmaskedState,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
  DEFAULT_MINIMUM_THRESHOLD,
  type HeldShares,
  type ShareKeysOptions,
} from './secagg/client.js';
// Secure aggregation.
export {
  type CohortMember,
  type CohortSetup,
  checkCohortSetup,
  type PublicKeys,
  X25519_KEY_BYTES,
} from './secagg/cohort.js';
export { type Hkdf, hkdfSha256 } from './secagg/key-derivation.js';
export { chacha20MaskKeystream, type MaskKeystream } from './secagg/mask-expansion.js';
export type {
  MaskedInputSubmission,
  RevealedShare,
  RoutedShare,
  ShareSubmission,
  UnmaskRequest,
  UnmaskResponse,
} from './secagg/messages.js';
export {
  completeGraphNeighbourCount,
  defaultThreshold,
  neighbourSets,
  shareholderCount,
} from './secagg/neighbour-graph.js';
export {
  type CollectKeysOptions,
  checkMaskedInput,
  checkShareSubmission,
  type ServerMaskedInputStage,
  type ServerSharesStage,
  type ServerUnmaskStage,
  serverCollectKeys,
  serverRouteShares,
  serverSumMaskedInputs,
} from './secagg/server.js';
export {
  checkUnmaskResponse,
  type KeyAgreement,
  serverUnmask,
  type UnmaskedSum,
  type UnmaskOptions,
} from './secagg/server-unmask.js';
export { combineShares, SHAMIR_PRIME, SHARE_BYTES, type Share, splitSecret } from './secagg/shamir.js';
export { SHARE_CIPHERTEXT_BYTES } from './secagg/share-encryption.js';
// Strategies.
export { createStrategy, type StrategyChoice } from './strategy/create-strategy.js';
export { FedAdam, type FedAdamOptions, type FedAdamState } from './strategy/fed-adam.js';
export { FedAvg, type FedAvgOptions, type FedAvgState } from './strategy/fed-avg.js';
export type {
  AggregationInput,
  AggregationResult,
  FixedRoundOptions,
  RoundConfiguration,
  RoundContext,
  Strategy,
} from './strategy/strategy.js';
export { PROTOCOL_VERSION } from './version.js';
// Wire messages.
export { decodeBase64, decodeBase64Words, encodeBase64, encodeBase64Url } from './wire/base64.js';
export {
  encodeMessage,
  maxCharsForVector,
  type ParseOptions,
  parseMessage,
  WIRE_MAX_CHARS,
  WIRE_SCHEMAS,
  WireError,
  type WireJson,
  type WireKind,
  type WireMessage,
} from './wire/codec.js';
export {
  cohortFieldOf,
  cohortSetupOf,
  createRoundToken,
  maskedInputSubmissionOf,
  quantizationOf,
  shareSubmissionOf,
  unmaskResponseOf,
} from './wire/convert.js';
export type { Base64WordsDecoder } from './wire/fields.js';
export * from './wire/messages.js';
// Workflow.
export { type FinishedRound, type FinishRoundInput, finishRound } from './workflow/finish-round.js';
export { deserializeState, serializeState } from './workflow/persisted-state.js';
export { type SimulatedRound, type SimulateRoundOptions, simulateRound } from './workflow/simulate-round.js';

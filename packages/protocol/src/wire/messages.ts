import * as v from 'valibot';
import { LIMITS } from '../limits.js';
import { X25519_KEY_BYTES } from '../secagg/cohort.js';
import { SHARE_BYTES } from '../secagg/shamir.js';
import { SHARE_CIPHERTEXT_BYTES } from '../secagg/share-encryption.js';
import { PROTOCOL_VERSION } from '../version.js';
import {
  type Base64WordsDecoder,
  boundedArray,
  bytesField,
  clientIndexField,
  float32VectorField,
  isoTimestampField,
  modelIdField,
  nonNegativeIntegerField,
  positiveNumberField,
  retryAfterField,
  roundIdField,
  tokenField,
  uint32VectorField,
} from './fields.js';

/**
 * Every message between a client and the aggregator, in the order of a round. Each schema parses
 * the JSON shape (binary fields as base64) into the decoded value (Uint8Array, Uint32Array,
 * Float32Array); `XxxJson` types are the JSON shapes, `Xxx` types the decoded values.
 * Every top-level message carries `protocolVersion`.
 */
const version = v.literal(PROTOCOL_VERSION);
const maxCohort = LIMITS.maxCohortSize;

export const ModelInfoSchema = v.object({
  modelId: modelIdField,
  version: nonNegativeIntegerField,
  layoutVersion: nonNegativeIntegerField,
  updatedAt: isoTimestampField,
});

/** `GET /healthz`. */
export const HealthResponseSchema = v.object({
  status: v.literal('ok'),
  protocolVersion: version,
  model: ModelInfoSchema,
});

export const PublicKeysSchema = v.object({
  encryptionPublicKey: bytesField(X25519_KEY_BYTES),
  maskingPublicKey: bytesField(X25519_KEY_BYTES),
});

/** Client → server: "I am eligible; here are my round keys." Repeat with `token` to poll. */
export const CheckInRequestSchema = v.object({
  protocolVersion: version,
  modelId: modelIdField,
  /** The global model version the client holds, if any. */
  modelVersion: v.optional(nonNegativeIntegerField),
  publicKeys: PublicKeysSchema,
  /** The token of an earlier `pending` answer, when polling. */
  token: v.optional(tokenField),
});

export const CohortMemberSchema = v.object({
  index: clientIndexField,
  encryptionPublicKey: bytesField(X25519_KEY_BYTES),
  maskingPublicKey: bytesField(X25519_KEY_BYTES),
});

const CheckInAcceptedSchema = v.object({
  protocolVersion: version,
  status: v.literal('accepted'),
  roundId: roundIdField,
  /** Bearer token for every later message of this client in this round. */
  token: tokenField,
  clientIndex: clientIndexField,
  /** The global model the update must be computed against. */
  model: ModelInfoSchema,
  /** L2 clipping bound C. */
  clippingBound: positiveNumberField,
  /** The quantization's summand bound (≥ the cohort size): see quantize/. */
  maxSummands: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(maxCohort)),
  /** σ of the round's central noise, for the client's information. */
  noiseMultiplier: v.pipe(v.number(), v.finite(), v.minValue(0)),
  cohort: v.object({
    vectorLength: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.maxVectorLength)),
    threshold: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(maxCohort)),
    neighbourCount: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(maxCohort)),
    graphSeed: bytesField(32),
    members: boundedArray(CohortMemberSchema, maxCohort),
  }),
  /** When each later stage closes (ISO 8601); clients give up on the round after these. */
  deadlines: v.optional(
    v.object({
      shareKeys: isoTimestampField,
      maskedInput: isoTimestampField,
      unmask: isoTimestampField,
    }),
  ),
});

const CheckInPendingSchema = v.object({
  protocolVersion: version,
  status: v.literal('pending'),
  token: tokenField,
  retryAfterMs: retryAfterField,
});

const CheckInRejectedSchema = v.object({
  protocolVersion: version,
  status: v.literal('rejected'),
  /** Machine-readable, e.g. `not-sampled`, `no-round`, `round-full`. */
  reason: v.pipe(v.string(), v.maxLength(64), v.regex(/^[a-z0-9-]+$/)),
  retryAfterMs: retryAfterField,
});

/** Server → client: in the cohort (with everything stage 1 needs), not yet, or not this time. */
export const CheckInResponseSchema = v.variant('status', [
  CheckInAcceptedSchema,
  CheckInPendingSchema,
  CheckInRejectedSchema,
]);

const roundMessage = {
  protocolVersion: version,
  roundId: roundIdField,
  token: tokenField,
  clientIndex: clientIndexField,
};

/** Client → server, stage 1: one sealed pair of shares per neighbour. */
export const ShareKeysRequestSchema = v.object({
  ...roundMessage,
  shares: boundedArray(
    v.object({ recipient: clientIndexField, ciphertext: bytesField(SHARE_CIPHERTEXT_BYTES) }),
    maxCohort,
  ),
});

/** Server → client, after stage 1: the sealed pairs addressed to this client. */
export const RoutedSharesSchema = v.object({
  protocolVersion: version,
  roundId: roundIdField,
  shares: boundedArray(
    v.object({ sender: clientIndexField, ciphertext: bytesField(SHARE_CIPHERTEXT_BYTES) }),
    maxCohort,
  ),
});

/**
 * Client → server, stage 2: the masked update (little-endian uint32 words, base64), with the
 * vector decoded by `decodeWords` (parseMessage's `decodeWords` option builds one of these).
 */
export function maskedInputRequestSchema(decodeWords?: Base64WordsDecoder) {
  return v.object({
    ...roundMessage,
    maskedInput: uint32VectorField(LIMITS.maxVectorLength, decodeWords),
  });
}

export const MaskedInputRequestSchema = maskedInputRequestSchema();

/** Server → clients, stage 3. */
export const UnmaskRequestMessageSchema = v.object({
  protocolVersion: version,
  roundId: roundIdField,
  survivors: boundedArray(clientIndexField, maxCohort),
  dropouts: boundedArray(clientIndexField, maxCohort),
});

const revealedShare = v.object({ owner: clientIndexField, share: bytesField(SHARE_BYTES) });

/** Client → server, stage 3. */
export const UnmaskResponseMessageSchema = v.object({
  ...roundMessage,
  seedShares: boundedArray(revealedShare, maxCohort),
  keyShares: boundedArray(revealedShare, maxCohort),
});

/** Server → anyone: the current global model (little-endian float32 weights, base64). */
export const ModelDownloadSchema = v.object({
  protocolVersion: version,
  model: ModelInfoSchema,
  weights: float32VectorField(LIMITS.maxVectorLength),
});

/** JSON has no ∞: `null` ε means the round gave no DP guarantee (σ = 0). */
const epsilonField = v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0)));

/** One published round of the privacy ledger. */
export const PrivacyLedgerEntrySchema = v.object({
  round: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  /** The model version this round published. */
  modelVersion: nonNegativeIntegerField,
  cohortSize: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(maxCohort)),
  /** Clients whose updates are in the sum. */
  contributors: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(maxCohort)),
  /** q used by the accountant (expected cohort / eligible population). */
  samplingRate: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  noiseMultiplier: v.pipe(v.number(), v.finite(), v.minValue(0)),
  clippingBound: positiveNumberField,
  delta: v.pipe(v.number(), v.gtValue(0), v.ltValue(1)),
  roundEpsilon: epsilonField,
  cumulativeEpsilon: epsilonField,
  accountant: v.literal('rdp-poisson-subsampled-gaussian'),
  conversion: v.picklist(['improved', 'classic']),
  publishedAt: isoTimestampField,
});

/** Server → anyone: the whole ledger, oldest first. */
export const PrivacyLedgerSchema = v.object({
  protocolVersion: version,
  entries: boundedArray(PrivacyLedgerEntrySchema, 100_000),
});

export type ModelInfoJson = v.InferInput<typeof ModelInfoSchema>;
export type HealthResponseJson = v.InferInput<typeof HealthResponseSchema>;
export type CheckInRequest = v.InferOutput<typeof CheckInRequestSchema>;
export type CheckInRequestJson = v.InferInput<typeof CheckInRequestSchema>;
export type CheckInResponse = v.InferOutput<typeof CheckInResponseSchema>;
export type CheckInResponseJson = v.InferInput<typeof CheckInResponseSchema>;
export type CheckInAccepted = v.InferOutput<typeof CheckInAcceptedSchema>;
export type ShareKeysRequest = v.InferOutput<typeof ShareKeysRequestSchema>;
export type ShareKeysRequestJson = v.InferInput<typeof ShareKeysRequestSchema>;
export type RoutedShares = v.InferOutput<typeof RoutedSharesSchema>;
export type RoutedSharesJson = v.InferInput<typeof RoutedSharesSchema>;
export type MaskedInputRequest = v.InferOutput<typeof MaskedInputRequestSchema>;
export type MaskedInputRequestJson = v.InferInput<typeof MaskedInputRequestSchema>;
export type UnmaskRequestMessage = v.InferOutput<typeof UnmaskRequestMessageSchema>;
export type UnmaskRequestMessageJson = v.InferInput<typeof UnmaskRequestMessageSchema>;
export type UnmaskResponseMessage = v.InferOutput<typeof UnmaskResponseMessageSchema>;
export type UnmaskResponseMessageJson = v.InferInput<typeof UnmaskResponseMessageSchema>;
export type ModelDownload = v.InferOutput<typeof ModelDownloadSchema>;
export type ModelDownloadJson = v.InferInput<typeof ModelDownloadSchema>;
export type PrivacyLedgerEntry = v.InferOutput<typeof PrivacyLedgerEntrySchema>;
export type PrivacyLedger = v.InferOutput<typeof PrivacyLedgerSchema>;
export type PrivacyLedgerJson = v.InferInput<typeof PrivacyLedgerSchema>;

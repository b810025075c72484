import * as v from 'valibot';
import { LIMITS } from '../limits.js';
import { ProtocolError, type ProtocolErrorCode } from '../protocol-error.js';
import { PROTOCOL_VERSION } from '../version.js';
import { base64Length, encodeBase64, float32ToBytes, uint32ToBytes } from './base64.js';
import { type Base64WordsDecoder, TOO_LARGE, WRONG_LENGTH } from './fields.js';
import {
  CheckInRequestSchema,
  CheckInResponseSchema,
  HealthResponseSchema,
  MaskedInputRequestSchema,
  ModelDownloadSchema,
  maskedInputRequestSchema,
  PrivacyLedgerSchema,
  RoutedSharesSchema,
  ShareKeysRequestSchema,
  UnmaskRequestMessageSchema,
  UnmaskResponseMessageSchema,
} from './messages.js';

/** Every message kind, by the name used in errors and logs. */
export const WIRE_SCHEMAS = {
  health: HealthResponseSchema,
  'check-in-request': CheckInRequestSchema,
  'check-in-response': CheckInResponseSchema,
  'share-keys-request': ShareKeysRequestSchema,
  'routed-shares': RoutedSharesSchema,
  'masked-input-request': MaskedInputRequestSchema,
  'unmask-request': UnmaskRequestMessageSchema,
  'unmask-response': UnmaskResponseMessageSchema,
  'model-download': ModelDownloadSchema,
  'privacy-ledger': PrivacyLedgerSchema,
} as const;

export type WireKind = keyof typeof WIRE_SCHEMAS;
/** The decoded value of a message kind. */
export type WireMessage<K extends WireKind> = v.InferOutput<(typeof WIRE_SCHEMAS)[K]>;
/** The JSON shape of a message kind. */
export type WireJson<K extends WireKind> = v.InferInput<(typeof WIRE_SCHEMAS)[K]>;

const KIB = 1024;
const envelope = 2 * KIB;
const vectorChars = (length: number) => base64Length(4 * length) + envelope;

/**
 * Upper bounds on the serialized size (characters of JSON, equal to bytes: every valid message is
 * ASCII) of each kind at the LIMITS (1000 clients, 2^20 parameters). Servers should set HTTP body
 * limits from these; for vectors pass the round's length to get the tight bound.
 */
export const WIRE_MAX_CHARS: Readonly<Record<WireKind, number>> = Object.freeze({
  health: 2 * KIB,
  'check-in-request': 2 * KIB,
  // Per member: two 44-character keys and the JSON around them, about 140 characters.
  'check-in-response': 192 * KIB,
  // Per share: a 184-character ciphertext and the JSON around it, about 220 characters.
  'share-keys-request': 256 * KIB,
  'routed-shares': 256 * KIB,
  'masked-input-request': vectorChars(LIMITS.maxVectorLength),
  'unmask-request': 16 * KIB,
  // At most one share per cohort member, about 90 characters each.
  'unmask-response': 128 * KIB,
  'model-download': vectorChars(LIMITS.maxVectorLength),
  'privacy-ledger': 64 * 1024 * KIB,
});

/** The size bound of a vector-carrying message for a known vector length. */
export function maxCharsForVector(vectorLength: number): number {
  return vectorChars(vectorLength);
}

/** A message that failed validation: the code says how, `issues` says where (for logs). */
export class WireError extends ProtocolError {
  readonly kind: WireKind;
  readonly issues: readonly string[];

  constructor(kind: WireKind, code: ProtocolErrorCode, message: string, issues: readonly string[] = []) {
    super(code, `${kind}: ${message}`, { kind, issues });
    this.kind = kind;
    this.issues = issues;
  }
}

export interface ParseOptions {
  /** Override the kind's size bound (characters of JSON). */
  maxChars?: number;
  /**
   * The round's vector length: `masked-input-request` and `model-download` must carry exactly this
   * many words (`wrong-length` otherwise), and their size bound tightens to match.
   */
  vectorLength?: number;
  /**
   * Decodes the base64 of `masked-input-request`'s vector. Default: the pure-JS
   * `decodeBase64Words`. A server may pass a native one (e.g. over Node's Buffer); it must accept
   * exactly canonical base64 and return the same words, with the same error codes.
   */
  decodeWords?: Base64WordsDecoder;
}

/** Masked-input schemas per injected words decoder, built once each. */
const maskedInputSchemas = new WeakMap<Base64WordsDecoder, v.GenericSchema>();

function schemaFor(kind: WireKind, decodeWords: Base64WordsDecoder | undefined): v.GenericSchema {
  if (kind !== 'masked-input-request' || decodeWords === undefined) return WIRE_SCHEMAS[kind];
  let schema = maskedInputSchemas.get(decodeWords);
  if (!schema) {
    schema = maskedInputRequestSchema(decodeWords);
    maskedInputSchemas.set(decodeWords, schema);
  }
  return schema;
}

/** The kinds that carry a model-sized vector, and where. */
const VECTOR_FIELD: Partial<Record<WireKind, string>> = {
  'masked-input-request': 'maskedInput',
  'model-download': 'weights',
};

/**
 * Validates and decodes one message. `input` is the request body as text (preferred: the size is
 * checked before parsing) or as already-parsed JSON. Throws {@link WireError} with code
 * `too-large`, `malformed`, `wrong-version` or `wrong-length`.
 */
export function parseMessage<K extends WireKind>(
  kind: K,
  input: unknown,
  options: ParseOptions = {},
): WireMessage<K> {
  let value = input;
  if (typeof input === 'string') {
    const limit =
      options.maxChars ??
      (options.vectorLength !== undefined && VECTOR_FIELD[kind] !== undefined
        ? maxCharsForVector(options.vectorLength)
        : WIRE_MAX_CHARS[kind]);
    if (input.length > limit) {
      throw new WireError(kind, 'too-large', `${input.length} characters, at most ${limit} allowed`);
    }
    try {
      value = JSON.parse(input);
    } catch {
      throw new WireError(kind, 'malformed', 'not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WireError(kind, 'malformed', 'not a JSON object');
  }
  const declared = (value as { protocolVersion?: unknown }).protocolVersion;
  if (declared !== PROTOCOL_VERSION) {
    throw new WireError(
      kind,
      typeof declared === 'number' ? 'wrong-version' : 'malformed',
      `protocolVersion ${String(declared)}, this side speaks ${PROTOCOL_VERSION}`,
    );
  }
  const result = v.safeParse(schemaFor(kind, options.decodeWords), value);
  if (!result.success) {
    const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    const code: ProtocolErrorCode = result.issues.some((issue) => issue.message === TOO_LARGE)
      ? 'too-large'
      : result.issues.some((issue) => issue.message === WRONG_LENGTH)
        ? 'wrong-length'
        : 'malformed';
    throw new WireError(kind, code, issues[0] ?? 'invalid', issues);
  }
  const message = result.output as WireMessage<K>;
  const field = VECTOR_FIELD[kind];
  const vector =
    field === undefined ? undefined : (message as unknown as Record<string, ArrayLike<number>>)[field]!;
  if (vector !== undefined && options.vectorLength !== undefined && vector.length !== options.vectorLength) {
    throw new WireError(
      kind,
      'wrong-length',
      `${vector.length} values, the round has ${options.vectorLength}`,
    );
  }
  return message;
}

/** JSON.stringify replacer: the binary fields become base64 (vectors as little-endian words). */
function binaryToBase64(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (value instanceof Uint32Array) return encodeBase64(uint32ToBytes(value));
  if (value instanceof Float32Array) return encodeBase64(float32ToBytes(value));
  if (ArrayBuffer.isView(value)) {
    throw new ProtocolError(
      'invalid-argument',
      'only Uint8Array, Uint32Array and Float32Array travel on the wire',
    );
  }
  return value;
}

/**
 * Serializes a decoded message to its JSON text. Refuses (`too-large`) a message the other side
 * would refuse for its size, so a client fails fast instead of uploading it.
 */
export function encodeMessage<K extends WireKind>(kind: K, message: WireMessage<K>): string {
  const text = JSON.stringify(message, binaryToBase64);
  if (text.length > WIRE_MAX_CHARS[kind]) {
    throw new WireError(
      kind,
      'too-large',
      `${text.length} characters, at most ${WIRE_MAX_CHARS[kind]} allowed`,
    );
  }
  return text;
}

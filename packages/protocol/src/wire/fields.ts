import * as v from 'valibot';
import { LIMITS } from '../limits.js';
import { isProtocolError } from '../protocol-error.js';
import { MAX_SHARE_INDEX } from '../secagg/shamir.js';
import { base64Length, bytesToFloat32, decodeBase64, decodeBase64Words } from './base64.js';

/**
 * Field schemas shared by the messages. Issues carry one of two marker messages when they mean
 * something more specific than "malformed", so parseMessage can report the stable code.
 */
export const WRONG_LENGTH = 'wrong-length';
export const TOO_LARGE = 'too-large';

export const clientIndexField = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SHARE_INDEX));

export const roundIdField = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxRoundIdLength, TOO_LARGE),
  v.regex(/^[A-Za-z0-9_-]+$/),
);

/** Per-round bearer token: base64url, at least 16 characters (96 bits). */
export const tokenField = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxTokenLength, TOO_LARGE),
  v.regex(/^[A-Za-z0-9_-]{16,}$/),
);

export const modelIdField = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxModelIdLength, TOO_LARGE),
  v.regex(/^[A-Za-z0-9._-]+$/),
);

export const nonNegativeIntegerField = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
export const positiveNumberField = v.pipe(v.number(), v.finite(), v.gtValue(0));
export const isoTimestampField = v.pipe(v.string(), v.maxLength(40, TOO_LARGE), v.isoTimestamp());
export const retryAfterField = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400_000));

function base64Decoded(maxBytes: number) {
  return v.pipe(
    v.string(),
    v.maxLength(base64Length(maxBytes), TOO_LARGE),
    v.rawTransform<string, Uint8Array>(({ dataset, addIssue, NEVER }) => {
      try {
        return decodeBase64(dataset.value);
      } catch {
        addIssue({ message: 'not canonical base64' });
        return NEVER;
      }
    }),
  );
}

/** Base64 of exactly `length` bytes, decoded to a Uint8Array. */
export function bytesField(length: number) {
  return v.pipe(
    base64Decoded(length + 3),
    v.check((bytes: Uint8Array) => bytes.length === length, WRONG_LENGTH),
  );
}

/**
 * Decodes strict base64 of little-endian uint32 words: throws `ProtocolError` `malformed` unless
 * the text is canonical base64, then `wrong-length` unless the bytes are whole words.
 */
export type Base64WordsDecoder = (text: string) => Uint32Array;

/**
 * Base64 of little-endian uint32 words, decoded to a Uint32Array (by default without a byte array
 * between: {@link decodeBase64Words}).
 */
export function uint32VectorField(maxLength: number, decodeWords: Base64WordsDecoder = decodeBase64Words) {
  return v.pipe(
    v.string(),
    v.maxLength(base64Length(4 * maxLength), TOO_LARGE),
    v.rawTransform<string, Uint32Array>(({ dataset, addIssue, NEVER }) => {
      try {
        return decodeWords(dataset.value);
      } catch (error) {
        addIssue({
          message: isProtocolError(error, 'wrong-length') ? WRONG_LENGTH : 'not canonical base64',
        });
        return NEVER;
      }
    }),
  );
}

/** Base64 of little-endian float32 values, decoded to a Float32Array of finite numbers. */
export function float32VectorField(maxLength: number) {
  return v.pipe(
    base64Decoded(4 * maxLength),
    v.check((bytes: Uint8Array) => bytes.length % 4 === 0, WRONG_LENGTH),
    v.transform((bytes: Uint8Array) => bytesToFloat32(bytes)),
    v.check((values: Float32Array) => values.every(Number.isFinite), 'weights must be finite'),
  );
}

/** An array of at most `max` items (the bound is checked before the items are). */
export function boundedArray<TItem extends v.GenericSchema>(item: TItem, max: number) {
  return v.pipe(v.array(item), v.maxLength(max, TOO_LARGE));
}

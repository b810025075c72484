import {
  deserializeState,
  type MaskedInputSubmission,
  type RoutedShare,
  type ShareSubmission,
  serializeState,
  type UnmaskResponse,
} from '@locus/protocol';
import { bytesToUint32, wordsToBytes } from '../binary.js';
import type { StoredMessage } from '../store/index.js';

/**
 * How accepted messages are kept in the store. Masked inputs, the bulk of a round, are stored as
 * their raw little-endian words (4 bytes per parameter, no base64); the small messages as the
 * protocol's JSON persistence format.
 */
const utf8 = new TextEncoder();
const text = new TextDecoder();

const toJsonBytes = (value: unknown) => utf8.encode(serializeState(value));
const fromJsonBytes = <T>(bytes: Uint8Array) => deserializeState<T>(text.decode(bytes));

export const encodeShareSubmission = (submission: ShareSubmission) => toJsonBytes(submission);
export const decodeShareSubmission = (message: StoredMessage): ShareSubmission => ({
  ...fromJsonBytes<ShareSubmission>(message.payload),
  sender: message.clientIndex,
});

export const encodeMaskedInput = (submission: MaskedInputSubmission) => wordsToBytes(submission.maskedInput);
export const decodeMaskedInput = (message: StoredMessage): MaskedInputSubmission => ({
  sender: message.clientIndex,
  maskedInput: bytesToUint32(message.payload),
});

export const encodeUnmaskResponse = (response: UnmaskResponse) => toJsonBytes(response);
export const decodeUnmaskResponse = (message: StoredMessage): UnmaskResponse => ({
  ...fromJsonBytes<UnmaskResponse>(message.payload),
  sender: message.clientIndex,
});

export const encodeRoutedShares = (shares: RoutedShare[]) => toJsonBytes(shares);
export const decodeRoutedShares = (bytes: Uint8Array) => fromJsonBytes<RoutedShare[]>(bytes);

/** Lazily maps stored messages through a decoder, so a stage streams from the store. */
export function* decodeAll<T>(
  messages: Iterable<StoredMessage>,
  decode: (m: StoredMessage) => T,
): Iterable<T> {
  for (const message of messages) yield decode(message);
}

import {
  type MaskedInputSubmission,
  type RevealedShare,
  type RoutedShare,
  SHARE_BYTES,
  SHARE_CIPHERTEXT_BYTES,
  type ShareSubmission,
  type UnmaskResponse,
} from '@locus/protocol';
import { uint32View, wordsToBytes } from '../binary.js';
import type { StoredMessage } from '../store/index.js';

/**
 * How accepted messages are kept in the store: compact binary, because encoding them is on the
 * per-request path (the protocol's JSON persistence format took 0.7 ms for one unmask answer of a
 * 100-client cohort; this takes microseconds). Masked inputs are their raw little-endian words.
 * Other messages are lists of (client index, fixed-size bytes) records:
 *   u8 format (1) ‖ u32 count ‖ count × (u32 index ‖ bytes)   (little-endian)
 * The sizes were checked by the wire schemas before anything is stored.
 */
const FORMAT = 1;

interface IndexedBytes {
  index: number;
  bytes: Uint8Array;
}

/**
 * Writes lists of records of `recordBytes` bytes each, reading each item's index and bytes through
 * the accessors: one output buffer per message and no intermediate records (an unmask answer of a
 * 100-client cohort has 100 shares, and one arrives per survivor).
 */
function encodeRecords<T>(
  lists: readonly (readonly T[])[],
  recordBytes: number,
  indexOf: (item: T) => number,
  bytesOf: (item: T) => Uint8Array,
): Uint8Array {
  let size = 0;
  for (const list of lists) size += 5 + list.length * (4 + recordBytes);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const list of lists) {
    out[offset] = FORMAT;
    view.setUint32(offset + 1, list.length, true);
    offset += 5;
    for (const item of list) {
      const bytes = bytesOf(item);
      if (bytes.length !== recordBytes)
        throw new Error(`a record is ${recordBytes} bytes, not ${bytes.length}`);
      view.setUint32(offset, indexOf(item), true);
      out.set(bytes, offset + 4);
      offset += 4 + recordBytes;
    }
  }
  return out;
}

/** Reads `count` lists whose records carry `recordBytes` bytes each. */
function decodeRecords(payload: Uint8Array, recordBytes: number, count: number): IndexedBytes[][] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const lists: IndexedBytes[][] = [];
  let offset = 0;
  for (let l = 0; l < count; l++) {
    if (payload[offset] !== FORMAT)
      throw new Error(`stored message has format ${payload[offset]}, not ${FORMAT}`);
    const length = view.getUint32(offset + 1, true);
    offset += 5;
    const list: IndexedBytes[] = [];
    for (let k = 0; k < length; k++) {
      list.push({
        index: view.getUint32(offset, true),
        // A plain Uint8Array view, not a copy (unmasking decodes t shares per secret, 10k at
        // n = 100) and not a Buffer (the store hands those out; their toJSON defeats the wire
        // encoder). Payloads are never written after they are read.
        bytes: new Uint8Array(payload.buffer, payload.byteOffset + offset + 4, recordBytes),
      });
      offset += 4 + recordBytes;
    }
    lists.push(list);
  }
  if (offset !== payload.length) throw new Error('stored message has trailing bytes');
  return lists;
}

type SealedShare = ShareSubmission['shares'][number];
const recipientOf = (share: SealedShare) => share.recipient;
const ciphertextOf = (share: SealedShare | RoutedShare) => share.ciphertext;
const senderOf = (share: RoutedShare) => share.sender;
const ownerOf = (share: RevealedShare) => share.owner;
const shareOf = (share: RevealedShare) => share.share;

export function encodeShareSubmission(submission: ShareSubmission): Uint8Array {
  return encodeRecords([submission.shares], SHARE_CIPHERTEXT_BYTES, recipientOf, ciphertextOf);
}

export function decodeShareSubmission(message: StoredMessage): ShareSubmission {
  const [shares] = decodeRecords(message.payload, SHARE_CIPHERTEXT_BYTES, 1);
  return {
    sender: message.clientIndex,
    shares: shares!.map((r) => ({ recipient: r.index, ciphertext: r.bytes })),
  };
}

export function encodeRoutedShares(shares: RoutedShare[]): Uint8Array {
  return encodeRecords([shares], SHARE_CIPHERTEXT_BYTES, senderOf, ciphertextOf);
}

export function decodeRoutedShares(payload: Uint8Array): RoutedShare[] {
  const [shares] = decodeRecords(payload, SHARE_CIPHERTEXT_BYTES, 1);
  return shares!.map((r) => ({ sender: r.index, ciphertext: r.bytes }));
}

export const encodeMaskedInput = (submission: MaskedInputSubmission) => wordsToBytes(submission.maskedInput);
export const decodeMaskedInput = (message: StoredMessage): MaskedInputSubmission => ({
  sender: message.clientIndex,
  // Read-only from here on (summed into the stage's total), so a view of the stored bytes will do.
  maskedInput: uint32View(message.payload),
});

const fromRecords = (records: IndexedBytes[]) => records.map((r) => ({ owner: r.index, share: r.bytes }));

export function encodeUnmaskResponse(response: UnmaskResponse): Uint8Array {
  return encodeRecords([response.seedShares, response.keyShares], SHARE_BYTES, ownerOf, shareOf);
}

export function decodeUnmaskResponse(message: StoredMessage): UnmaskResponse {
  const [seedShares, keyShares] = decodeRecords(message.payload, SHARE_BYTES, 2);
  return {
    sender: message.clientIndex,
    seedShares: fromRecords(seedShares!),
    keyShares: fromRecords(keyShares!),
  };
}

/** Lazily maps stored messages through a decoder, so a stage streams from the store. */
export function* decodeAll<T>(
  messages: Iterable<StoredMessage>,
  decode: (m: StoredMessage) => T,
): Iterable<T> {
  for (const message of messages) yield decode(message);
}

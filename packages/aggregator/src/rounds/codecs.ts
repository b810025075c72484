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

function encodeRecords(lists: IndexedBytes[][]): Uint8Array {
  let size = 0;
  for (const list of lists) size += 5 + list.reduce((total, record) => total + 4 + record.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const list of lists) {
    out[offset] = FORMAT;
    view.setUint32(offset + 1, list.length, true);
    offset += 5;
    for (const { index, bytes } of list) {
      view.setUint32(offset, index, true);
      out.set(bytes, offset + 4);
      offset += 4 + bytes.length;
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

export function encodeShareSubmission(submission: ShareSubmission): Uint8Array {
  return encodeRecords([submission.shares.map((s) => ({ index: s.recipient, bytes: s.ciphertext }))]);
}

export function decodeShareSubmission(message: StoredMessage): ShareSubmission {
  const [shares] = decodeRecords(message.payload, SHARE_CIPHERTEXT_BYTES, 1);
  return {
    sender: message.clientIndex,
    shares: shares!.map((r) => ({ recipient: r.index, ciphertext: r.bytes })),
  };
}

export function encodeRoutedShares(shares: RoutedShare[]): Uint8Array {
  return encodeRecords([shares.map((s) => ({ index: s.sender, bytes: s.ciphertext }))]);
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

const toRecords = (shares: RevealedShare[]) => shares.map((s) => ({ index: s.owner, bytes: s.share }));
const fromRecords = (records: IndexedBytes[]) => records.map((r) => ({ owner: r.index, share: r.bytes }));

export function encodeUnmaskResponse(response: UnmaskResponse): Uint8Array {
  return encodeRecords([toRecords(response.seedShares), toRecords(response.keyShares)]);
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

import { SHARE_BYTES, SHARE_CIPHERTEXT_BYTES } from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import {
  decodeMaskedInput,
  decodeRoutedShares,
  decodeShareSubmission,
  decodeUnmaskResponse,
  encodeMaskedInput,
  encodeRoutedShares,
  encodeShareSubmission,
  encodeUnmaskResponse,
} from './codecs.js';

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe('stored message codecs', () => {
  it('round-trip every message kind; the sender comes from the store row', () => {
    const shares = [2, 5, 9].map((recipient) => ({
      recipient,
      ciphertext: bytes(SHARE_CIPHERTEXT_BYTES, recipient),
    }));
    expect(
      decodeShareSubmission({ clientIndex: 1, payload: encodeShareSubmission({ sender: 1, shares }) }),
    ).toEqual({
      sender: 1,
      shares,
    });
    const routed = [{ sender: 4, ciphertext: bytes(SHARE_CIPHERTEXT_BYTES, 7) }];
    expect(decodeRoutedShares(encodeRoutedShares(routed))).toEqual(routed);
    const maskedInput = Uint32Array.of(0, 1, 2 ** 32 - 1);
    expect(
      decodeMaskedInput({ clientIndex: 3, payload: encodeMaskedInput({ sender: 3, maskedInput }) }),
    ).toEqual({
      sender: 3,
      maskedInput,
    });
    const response = {
      sender: 6,
      seedShares: [{ owner: 6, share: bytes(SHARE_BYTES, 1) }],
      keyShares: [
        { owner: 2, share: bytes(SHARE_BYTES, 2) },
        { owner: 8, share: bytes(SHARE_BYTES, 3) },
      ],
    };
    expect(decodeUnmaskResponse({ clientIndex: 6, payload: encodeUnmaskResponse(response) })).toEqual(
      response,
    );
    expect(
      decodeUnmaskResponse({
        clientIndex: 6,
        payload: encodeUnmaskResponse({ sender: 6, seedShares: [], keyShares: [] }),
      }),
    ).toEqual({ sender: 6, seedShares: [], keyShares: [] });
  });

  it('reads masked inputs in place when aligned, and copies them when not', () => {
    const stored = new Uint8Array(new Uint32Array([7, 2 ** 32 - 1, 9]).buffer);
    const aligned = decodeMaskedInput({ clientIndex: 1, payload: stored });
    expect([...aligned.maskedInput]).toEqual([7, 2 ** 32 - 1, 9]);
    expect(aligned.maskedInput.buffer).toBe(stored.buffer);
    const shifted = new Uint8Array(13);
    shifted.set(stored, 1);
    const copied = decodeMaskedInput({ clientIndex: 1, payload: shifted.subarray(1) });
    expect([...copied.maskedInput]).toEqual([7, 2 ** 32 - 1, 9]);
    expect(() => decodeMaskedInput({ clientIndex: 1, payload: new Uint8Array(5) })).toThrow(/whole number/);
  });

  it('decodes shares as views of the stored payload', () => {
    const payload = encodeUnmaskResponse({
      sender: 2,
      seedShares: [{ owner: 2, share: bytes(SHARE_BYTES, 4) }],
      keyShares: [],
    });
    const share = decodeUnmaskResponse({ clientIndex: 2, payload }).seedShares[0]!.share;
    expect(share.buffer).toBe(payload.buffer);
    expect(Buffer.isBuffer(share)).toBe(false);
  });

  it('refuses to encode a record of another size (the layout has no lengths)', () => {
    expect(() =>
      encodeUnmaskResponse({
        sender: 1,
        seedShares: [{ owner: 1, share: bytes(SHARE_BYTES - 1, 0) }],
        keyShares: [],
      }),
    ).toThrow(/a record is 48 bytes/);
  });

  it('refuses a payload of another format or with trailing bytes', () => {
    const payload = encodeRoutedShares([]);
    expect(() => decodeRoutedShares(Uint8Array.of(2, ...payload.subarray(1)))).toThrow(/format 2/);
    expect(() => decodeRoutedShares(Uint8Array.of(...payload, 0))).toThrow(/trailing/);
  });
});

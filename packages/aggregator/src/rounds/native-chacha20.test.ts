import { createCipheriv } from 'node:crypto';
import {
  addInto,
  chacha20MaskKeystream,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
  createChaCha20RandomSource,
  randomBytes,
  randomUint32s,
  serverCollectKeys,
  serverRouteShares,
  serverSumMaskedInputs,
  serverUnmask,
} from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { createNativeMaskKeystream } from './native-chacha20.js';
import { nativeHkdf } from './native-hkdf.js';
import { createNativeKeyAgreement } from './native-x25519.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const seeded = (byte: number) => createChaCha20RandomSource(new Uint8Array(32).fill(byte));

describe('node:crypto ChaCha20 as the mask keystream', () => {
  it('takes its IV as the 32-bit block counter (little-endian) then the 96-bit nonce (RFC 8439 §2.3.2)', () => {
    // The RFC's block-function example: key 00..1f, nonce 000000090000004a00000000, counter 1.
    // Its serialized block is the keystream of that block, so OpenSSL's layout is proven here.
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Buffer.from('000000090000004a00000000', 'hex');
    const iv = Buffer.concat([Buffer.from([1, 0, 0, 0]), nonce]);
    expect(hex(createCipheriv('chacha20', key, iv).update(Buffer.alloc(64)))).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });

  it('writes the protocol’s stream: counter 0, nonce 0 (RFC 8439 A.1 #1 and #2)', () => {
    const output = new Uint8Array(128);
    createNativeMaskKeystream()(new Uint8Array(32), output);
    expect(hex(output)).toBe(
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
        'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586' +
        '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed' +
        '29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f',
    );
  });

  it('is byte-identical to the protocol’s default for any key and length, in any call order', () => {
    const native = createNativeMaskKeystream();
    const random = seeded(3);
    // Whole and partial blocks, a 10k-parameter mask, and lengths that shrink after growing.
    for (const length of [4, 64, 68, 4_000, 40_000, 256, 40_004, 12]) {
      for (let k = 0; k < 4; k++) {
        const key = randomBytes(random, 32);
        const expected = new Uint8Array(length);
        chacha20MaskKeystream(key, expected);
        const actual = new Uint8Array(length).fill(0xa5);
        native(key, actual);
        expect(hex(actual)).toBe(hex(expected));
      }
    }
  });

  it('matches over the longest mask a round can have (2^20 words, 2^16 blocks)', () => {
    const key = randomBytes(seeded(4), 32);
    const expected = new Uint8Array(4 * 2 ** 20);
    chacha20MaskKeystream(key, expected);
    const actual = new Uint8Array(expected.length);
    createNativeMaskKeystream()(key, actual);
    expect(Buffer.compare(actual, expected)).toBe(0);
  });

  it('unmasks a round with dropouts to the exact sum, as the default does', () => {
    const random = seeded(5);
    const vectorLength = 1_000;
    const clients = 9;
    const dropouts = new Set([2, 7, 9]);
    const inputs = Array.from({ length: clients }, () => randomUint32s(random, vectorLength));
    const advertised = inputs.map(() => clientAdvertiseKeys(random));
    const collected = serverCollectKeys(
      { roundId: 'round-native', vectorLength, random },
      advertised.map((client) => client.publicKeys),
    );
    const shared = advertised.map((client) =>
      clientShareKeys(client.state, collected.setup, { random, minimumThreshold: 2 }),
    );
    const routed = serverRouteShares(
      collected.state,
      shared.map((client) => client.submission),
    );
    const masked = shared
      .filter((client) => !dropouts.has(client.state.index))
      .map((client) =>
        clientMaskInput(
          client.state,
          routed.inboxes.get(client.state.index)!,
          inputs[client.state.index - 1]!,
        ),
      );
    const summed = serverSumMaskedInputs(
      routed.state,
      masked.map((client) => client.submission),
    );
    const responses = masked.map((client) => clientAnswerUnmask(client.state, summed.unmaskRequest).response);
    const expected = new Uint32Array(vectorLength);
    for (const client of masked) addInto(expected, inputs[client.state.index - 1]!);

    const native = serverUnmask(summed.state, responses, {
      keyAgreement: createNativeKeyAgreement(),
      maskKeystream: createNativeMaskKeystream(),
      hkdf: nativeHkdf,
    });
    expect(native.sum).toEqual(expected);
    expect(native.sum).toEqual(serverUnmask(summed.state, responses).sum);
  });
});

import { ProtocolError } from '../protocol-error.js';
import { decodeBase64, encodeBase64 } from '../wire/base64.js';

/**
 * JSON for the stage states, so a server can keep a round in SQLite (or any text store) and
 * resume it after a crash: typed arrays become tagged base64 objects, everything else is plain
 * JSON already. Browsers keep client states in IndexedDB by structured clone and need none of
 * this. Never persist a client state anywhere but the client: the early ones hold secret keys.
 */
const TAGS = {
  $u8: Uint8Array,
  $u32: Uint32Array,
  $f32: Float32Array,
  $f64: Float64Array,
} as const;
type Tag = keyof typeof TAGS;

function tagOf(value: ArrayBufferView): Tag {
  if (value instanceof Uint8Array) return '$u8';
  if (value instanceof Uint32Array) return '$u32';
  if (value instanceof Float32Array) return '$f32';
  if (value instanceof Float64Array) return '$f64';
  throw new ProtocolError('invalid-argument', `cannot persist a ${value.constructor.name}`);
}

/** Serializes a state object (typed arrays included) to JSON text. Byte order: the host's. */
export function serializeState(state: unknown): string {
  return JSON.stringify(state, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return { [tagOf(value)]: encodeBase64(bytes) };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new ProtocolError('invalid-argument', 'cannot persist a non-finite number');
    }
    return value;
  });
}

/** The inverse of {@link serializeState}; the caller names the state type it stored. */
export function deserializeState<State>(text: string): State {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0]! in TAGS) {
        const tag = keys[0] as Tag;
        const bytes = decodeBase64((value as Record<Tag, string>)[tag]);
        const Type = TAGS[tag];
        if (bytes.length % Type.BYTES_PER_ELEMENT !== 0) {
          throw new ProtocolError('malformed', `persisted ${tag} has a partial element`);
        }
        return new Type(bytes.buffer, bytes.byteOffset, bytes.length / Type.BYTES_PER_ELEMENT);
      }
    }
    return value;
  }) as State;
}

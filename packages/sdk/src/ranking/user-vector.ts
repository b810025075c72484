import type { Explanation } from '../types.js';
import { combine, isZero, normalized } from '../util/vector.js';

export interface UserSignal {
  /** Unit vector the CTR model scores ads against (zero when nothing is known). */
  vector: Float32Array;
  signal: Explanation['features']['signal'];
}

/**
 * Blends what the profile knows (long-term interests) with what the current page is about.
 * The page counts `contextWeight` as much as the profile: enough to keep ads relevant to the
 * page, not enough to drown the interests a user built up.
 */
export function userSignal(
  profile: Float32Array | undefined,
  context: Float32Array | undefined,
  dim: number,
  contextWeight = 0.5,
): UserSignal {
  const p = profile && !isZero(profile) ? normalized(profile) : undefined;
  const c = context && !isZero(context) ? normalized(context) : undefined;
  if (p && c) return { vector: normalized(combine(p, 1, c, contextWeight)), signal: 'profile+context' };
  if (p) return { vector: p, signal: 'profile' };
  if (c) return { vector: c, signal: 'context' };
  return { vector: new Float32Array(dim), signal: 'none' };
}

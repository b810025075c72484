import { requireArgument } from '../protocol-error.js';

/** Euclidean norm, accumulated in float64 whatever the input precision. */
export function l2Norm(vector: ArrayLike<number>): number {
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) sumOfSquares += vector[i]! * vector[i]!;
  return Math.sqrt(sumOfSquares);
}

export interface ClippedUpdate {
  /** The update scaled to L2 norm ≤ bound (a copy; the input is never modified). */
  values: Float64Array;
  /** L2 norm of the input before clipping. */
  norm: number;
  /** Whether the update had to be scaled down. */
  wasClipped: boolean;
}

/**
 * Per-client L2 clipping: v · min(1, C / ‖v‖). This bounds each client's contribution to the
 * sum, which is what makes both the no-wrap quantization bound and the DP sensitivity (C) hold.
 */
export function clipToL2Norm(update: ArrayLike<number>, bound: number): ClippedUpdate {
  requireArgument(Number.isFinite(bound) && bound > 0, 'the clipping bound must be a positive number');
  const norm = l2Norm(update);
  requireArgument(Number.isFinite(norm), 'the update contains a non-finite value');
  const factor = norm > bound ? bound / norm : 1;
  const values = new Float64Array(update.length);
  for (let i = 0; i < update.length; i++) values[i] = update[i]! * factor;
  return { values, norm, wasClipped: factor < 1 };
}

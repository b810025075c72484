import { beta, type Random } from './random.js';

/**
 * How much the ranker explores instead of exploiting pCTR: without it, a new or unlucky ad that
 * the model underrates is never shown, so the model never learns it was wrong.
 *
 * - epsilon-greedy: each page position is, with probability ε, given to a random eligible ad;
 *   ε decays with the impressions this user has seen: ε = max(minimum, initial / (1 + n / halfLife)).
 * - thompson: each ad's click rate is drawn from Beta(1 + p·s, 1 + (1 − p)·s), p its pCTR and
 *   s = strength + times this user saw it (more evidence, less spread); ads rank by the draw.
 */
export type ExplorationConfig =
  | { kind: 'none' }
  | { kind: 'epsilon-greedy'; initial?: number; minimum?: number; halfLife?: number; impressions: number }
  | { kind: 'thompson'; strength?: number };

export const DEFAULT_EPSILON = { initial: 0.1, minimum: 0.01, halfLife: 200 };
export const DEFAULT_THOMPSON_STRENGTH = 50;

export function epsilonFor(config: Extract<ExplorationConfig, { kind: 'epsilon-greedy' }>): number {
  const initial = config.initial ?? DEFAULT_EPSILON.initial;
  const minimum = config.minimum ?? DEFAULT_EPSILON.minimum;
  const halfLife = config.halfLife ?? DEFAULT_EPSILON.halfLife;
  const impressions = Math.max(0, Number.isFinite(config.impressions) ? config.impressions : 0);
  const epsilon = Math.max(minimum, initial / (1 + impressions / halfLife));
  return Math.min(1, Math.max(0, epsilon));
}

/** A Thompson draw of one ad's click rate; always finite, in (0, 1). */
export function thompsonDraw(pctr: number, strength: number, impressions: number, random: Random): number {
  const s = Math.max(0, strength) + Math.max(0, impressions);
  const p = Math.min(1, Math.max(0, pctr));
  const draw = beta(1 + p * s, 1 + (1 - p) * s, random);
  return Number.isFinite(draw) ? draw : p;
}

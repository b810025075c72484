import { seededUniform } from '@locus/protocol';

/** The protocol's mulberry32, for sampling in evaluations (never for secrets). */
export const seededRandom: (seed: number) => () => number = seededUniform;

/** Fisher–Yates shuffle in place with a seeded generator. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

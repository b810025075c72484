import { seededUniform } from '@locus/protocol';

/**
 * Seeded randomness for exploration: ranking stays a pure function of its inputs, so a test (or
 * an audit) that passes the same seed gets the same page. Not for anything secret.
 */
export type Random = () => number;

/** The protocol's mulberry32; any number is a seed (a time, a page's value), a non-finite one is 0. */
export function seededRandom(seed: number): Random {
  return seededUniform(Math.floor(Number.isFinite(seed) ? seed : 0));
}

/** Standard normal (Box–Muller). */
export function normal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) must not happen
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 via the boost Gamma(a+1)·U^(1/a). */
export function gamma(shape: number, random: Random): number {
  if (shape < 1) return gamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) from two gammas. */
export function beta(a: number, b: number, random: Random): number {
  const x = gamma(a, random);
  const y = gamma(b, random);
  return x / (x + y);
}

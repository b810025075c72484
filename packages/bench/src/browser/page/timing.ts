/** Page-side timing: the Node harness (../../harness.ts) needs node:fs, so it cannot load here. */

export interface Variant {
  name: string;
  run: () => Promise<unknown>;
  /**
   * Calls per timed sample (the sample is their mean). Chromium coarsens performance.now() to
   * 0.1 ms on pages that are not cross-origin isolated, so sub-millisecond work needs repeats.
   */
  repeat?: number;
}

/**
 * Runs every variant once per round, in turn, after `warmup` untimed rounds, so that machine
 * noise (two shared cores) hits all variants alike. Returns milliseconds per run, by name.
 */
export async function interleave(
  variants: Variant[],
  { warmup, iterations }: { warmup: number; iterations: number },
): Promise<Record<string, number[]>> {
  for (let i = 0; i < warmup; i++) for (const variant of variants) await variant.run();
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < iterations; i++) {
    for (const variant of variants) {
      const repeat = variant.repeat ?? 1;
      const start = performance.now();
      for (let r = 0; r < repeat; r++) await variant.run();
      times[variant.name]!.push((performance.now() - start) / repeat);
    }
  }
  return times;
}

/** Largest absolute difference between two equally long vectors (or lists of vectors). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function flatten(rows: Float32Array[]): Float32Array {
  const dim = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => {
    out.set(row, i * dim);
  });
  return out;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

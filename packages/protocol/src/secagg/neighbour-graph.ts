import { ProtocolError, requireArgument } from '../protocol-error.js';
import { createChaCha20RandomSource, randomBelow } from '../random/random-source.js';
import { neighbourGraphKey } from './key-derivation.js';

/**
 * Who masks with whom and who holds whose shares (SecAgg+, Bell et al. 2020): a k-regular
 * Harary graph on a pseudo-random ordering of the cohort. The ordering comes from a public seed
 * the server picks per round, so every client computes the same graph. With k ≥ n − 1 this is
 * the complete graph of the original SecAgg (Bonawitz et al. 2017).
 *
 * The guarantee of the complete graph with the default threshold is deterministic: the sum is
 * recovered whenever at most a third of the cohort drops out. With a sparse graph it holds per
 * neighbourhood: every client needs `threshold` live shareholders among its k neighbours and
 * itself, which random dropouts violate with a probability that shrinks as k grows.
 */

/** Complete graph: the neighbour count of a cohort of `cohortSize`. Right for cohorts ≤ 100. */
export function completeGraphNeighbourCount(cohortSize: number): number {
  return cohortSize - 1;
}

/** Number of clients holding shares of one client's secrets: its neighbours and itself. */
export function shareholderCount(cohortSize: number, neighbourCount: number): number {
  return Math.min(neighbourCount, cohortSize - 1) + 1;
}

/**
 * Default Shamir threshold: all but a third of the shareholders, h − ⌊h/3⌋. It tolerates a third
 * dropping out and is above h/2, so a server that follows the protocol never obtains both shares
 * it would need to unmask one client (its self-mask seed and its masking key).
 */
export function defaultThreshold(shareholders: number): number {
  return shareholders - Math.floor(shareholders / 3);
}

/** Throws unless the threshold is a strict majority of the shareholders and at most all of them. */
export function checkThreshold(threshold: number, shareholders: number): void {
  if (!Number.isInteger(threshold) || threshold <= shareholders / 2 || threshold > shareholders) {
    throw new ProtocolError(
      'invalid-cohort',
      `threshold ${threshold} must be an integer in (${shareholders}/2, ${shareholders}]`,
    );
  }
}

/**
 * Each client's neighbours, sorted ascending. `clientIndexes` lists the cohort in any order;
 * the result depends only on the set, the neighbour count, the seed and the round id.
 */
export function neighbourSets(
  clientIndexes: readonly number[],
  neighbourCount: number,
  graphSeed: Uint8Array,
  roundId: string,
): Map<number, number[]> {
  const sorted = [...clientIndexes].sort((a, b) => a - b);
  const n = sorted.length;
  requireArgument(new Set(sorted).size === n, 'client indexes must be distinct');
  requireArgument(Number.isInteger(neighbourCount) && neighbourCount >= 1, 'neighbourCount must be ≥ 1');
  const result = new Map<number, number[]>();
  if (neighbourCount >= n - 1) {
    for (const client of sorted)
      result.set(
        client,
        sorted.filter((other) => other !== client),
      );
    return result;
  }
  if (neighbourCount % 2 !== 0) {
    throw new ProtocolError('invalid-cohort', 'a sparse neighbour graph needs an even neighbour count');
  }
  requireArgument(graphSeed.length === 32, 'the graph seed is 32 bytes');
  // Fisher–Yates with unbiased draws from the public ChaCha20 stream.
  const random = createChaCha20RandomSource(neighbourGraphKey(graphSeed, roundId));
  const ring = [...sorted];
  for (let i = n - 1; i > 0; i--) {
    const j = randomBelow(random, i + 1);
    [ring[i], ring[j]] = [ring[j]!, ring[i]!];
  }
  const half = neighbourCount / 2;
  ring.forEach((client, position) => {
    const neighbours: number[] = [];
    for (let step = 1; step <= half; step++) {
      neighbours.push(ring[(position + step) % n]!, ring[(position - step + n) % n]!);
    }
    result.set(
      client,
      neighbours.sort((a, b) => a - b),
    );
  });
  return result;
}

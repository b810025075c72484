import {
  createChaCha20RandomSource,
  createPrivacyLedger,
  ledgerEpsilon,
  noiseMultiplierForEpsilon,
  type PrivacyLedgerState,
  recordRound,
} from '@locus/protocol';
import { seededRandom } from '../eval/random.js';
import { mean, median } from '../harness.js';
import { type AggregateCheck, aggregatorRound } from './aggregator-round.js';
import { SimulationError } from './errors.js';
import type { Federation } from './federation.js';
import { type FederatedRunOptions, runStrategy } from './options.js';
import { protocolRound } from './protocol-round.js';

/** One round of a run, as the server saw it. */
export interface RoundLog {
  round: number;
  via: 'protocol' | 'aggregator';
  outcome: 'completed' | 'abandoned' | 'failed';
  /** Members admitted (Poisson-sampled, capped). */
  cohort: number;
  /** Survivors whose updates are in the sum. */
  contributors: number;
  dropouts: number;
  /** The global model's version after this round: one more for every completed round. */
  modelVersion: number;
  /** Cumulative ε after this round (null without noise). */
  epsilon: number | null;
  meanLoss: number;
  /** Median L2 norm of the updates before clipping, and how many were clipped. */
  medianNorm: number;
  clipped: number;
  seconds: number;
}

export interface AggregatorRoundSummary {
  round: number;
  cohort: number;
  contributors: number;
  dropouts: number;
  check: AggregateCheck | null;
  /** The version the aggregator published (its store starts at version 0 every time). */
  publishedVersion: number | null;
  /** ε the aggregator's ledger reported for this round alone, and the simulation's own figure. */
  aggregatorRoundEpsilon: number | null;
  simulationRoundEpsilon: number | null;
  meanBytesPerContributor: number;
  bytesPerUnsampled: number;
  peakMemoryMb: number;
  seconds: number;
}

export interface CurvePoint {
  round: number;
  hr10: number;
  ndcg10: number;
  epsilon?: number;
}

export interface FederatedRunResult {
  options: FederatedRunOptions;
  samplingRate: number;
  noiseMultiplier: number;
  rounds: RoundLog[];
  curve: CurvePoint[];
  final: { hr10: number; ndcg10: number };
  epsilon: number | null;
  aggregatorRounds: AggregatorRoundSummary[];
  seconds: { total: number; training: number; aggregation: number; evaluation: number };
}

const epsilonOf = (ledger: PrivacyLedgerState, delta: number) =>
  ledger.rounds === 0 ? null : ledgerEpsilon(ledger, delta).epsilon;

/** σ for the run: the smallest that keeps ε after all rounds at q under the target (0 without DP). */
export function noiseFor(options: FederatedRunOptions, samplingRate: number): number {
  if (options.targetEpsilon === null) return 0;
  return noiseMultiplierForEpsilon({
    targetEpsilon: options.targetEpsilon,
    samplingRate,
    rounds: options.rounds,
    delta: options.delta,
  });
}

/**
 * One federated training run: every round samples a cohort by Poisson sampling (each client with
 * probability q), the sampled clients train locally from the global weights, a fraction drops out
 * after sharing keys, and the survivors' updates are aggregated — through the real aggregator on
 * the rounds listed in `aggregatorRounds`, through `protocolRound` otherwise — with central noise
 * σ·C and the server optimizer. The privacy ledger counts every completed round.
 */
export async function runFederated(
  federation: Federation,
  options: FederatedRunOptions,
  log: (message: string) => void = () => {},
): Promise<FederatedRunResult> {
  const started = performance.now();
  const clients = federation.clientCount;
  if (options.expectedCohort > clients || options.expectedCohort > options.maxCohort) {
    throw new SimulationError(
      'invalid-options',
      `expected cohort ${options.expectedCohort} must not exceed the ${clients} clients or the cap ${options.maxCohort}`,
    );
  }
  const samplingRate = options.expectedCohort / clients;
  const noiseMultiplier = noiseFor(options, samplingRate);
  const strategy = runStrategy(options.strategy, {
    cohortSize: options.expectedCohort,
    clippingBound: options.clippingBound,
    noiseMultiplier,
  });
  let strategyState = strategy.initialState(federation.parameterCount);
  let weights = federation.initialWeights();
  let ledger = createPrivacyLedger();
  let modelVersion = 0;
  const random = seededRandom(options.seed);
  const seedBytes = new Uint8Array(32);
  new DataView(seedBytes.buffer).setUint32(0, options.seed);
  const protocolRandom = createChaCha20RandomSource(seedBytes);
  const seconds = { total: 0, training: 0, aggregation: 0, evaluation: 0 };
  const rounds: RoundLog[] = [];
  const aggregatorRounds: AggregatorRoundSummary[] = [];
  const curve: CurvePoint[] = [];

  const evaluate = async (round: number) => {
    const t = performance.now();
    const metrics = await federation.evaluate(weights);
    seconds.evaluation += (performance.now() - t) / 1000;
    const epsilon = epsilonOf(ledger, options.delta);
    curve.push({ round, hr10: metrics.hr, ndcg10: metrics.ndcg, ...(epsilon === null ? {} : { epsilon }) });
    log(
      `  ${options.label} round ${round}: HR@10 ${metrics.hr.toFixed(3)} NDCG@10 ${metrics.ndcg.toFixed(3)}` +
        (epsilon === null ? '' : ` ε ${epsilon.toFixed(2)}`),
    );
  };
  await evaluate(0);

  for (let round = 1; round <= options.rounds; round++) {
    const roundStarted = performance.now();
    const mechanism = { samplingRate, noiseMultiplier };
    let entry: RoundLog;
    if (options.aggregatorRounds.includes(round)) {
      const result = await aggregatorRound({
        federation,
        globalWeights: weights,
        samplingRate,
        minCohort: options.minCohort,
        maxCohort: options.maxCohort,
        clippingBound: options.clippingBound,
        noiseMultiplier,
        delta: options.delta,
        dropoutRate: options.dropoutRate,
        random,
        seed: options.seed * 1000 + round,
      });
      seconds.aggregation += result.seconds;
      if (result.check && !result.check.ok) {
        throw new SimulationError(
          'aggregate-mismatch',
          `round ${round}: the aggregator's ${result.check.kind} check failed (measured ${result.check.measured}, expected ${result.check.expected})`,
        );
      }
      let simulationRoundEpsilon: number | null = null;
      if (result.published) {
        // The aggregator published w + noisy mean; the run's own optimizer takes that mean.
        const noisyUpdateSum = new Float64Array(weights.length);
        for (let i = 0; i < weights.length; i++) {
          noisyUpdateSum[i] = (result.published[i]! - weights[i]!) * result.contributors;
        }
        const next = strategy.aggregate(
          { globalWeights: weights, noisyUpdateSum, contributors: result.contributors },
          strategyState,
        );
        weights = next.weights;
        strategyState = next.state;
        modelVersion++;
        if (noiseMultiplier > 0) {
          simulationRoundEpsilon = epsilonOf(recordRound(createPrivacyLedger(), mechanism), options.delta);
          ledger = recordRound(ledger, mechanism);
        }
      }
      aggregatorRounds.push({
        round,
        cohort: result.cohort,
        contributors: result.contributors,
        dropouts: result.dropouts,
        check: result.check,
        publishedVersion: result.publishedVersion,
        aggregatorRoundEpsilon: result.roundEpsilon,
        simulationRoundEpsilon,
        meanBytesPerContributor: mean(result.bytesPerContributor),
        bytesPerUnsampled: result.bytesPerUnsampled,
        peakMemoryMb: result.peakMemoryMb,
        seconds: result.seconds,
      });
      entry = {
        round,
        via: 'aggregator',
        outcome: result.outcome,
        cohort: result.cohort,
        contributors: result.contributors,
        dropouts: result.dropouts,
        modelVersion,
        epsilon: epsilonOf(ledger, options.delta),
        meanLoss: mean(result.losses),
        medianNorm: median(result.norms),
        clipped: result.norms.filter((n) => n > options.clippingBound).length,
        seconds: result.seconds,
      };
    } else {
      entry = await simulatedRound();
    }
    rounds.push(entry);
    if (round % options.evaluateEvery === 0 || round === options.rounds) await evaluate(round);

    async function simulatedRound(): Promise<RoundLog> {
      // Poisson sampling, then the cap in check-in order (the aggregator refuses later check-ins).
      const sampled: number[] = [];
      for (let client = 0; client < clients; client++) if (random() < samplingRate) sampled.push(client);
      const cohort = sampled.slice(0, options.maxCohort);
      const base = { round, via: 'protocol' as const, cohort: cohort.length };
      if (cohort.length < options.minCohort) {
        // Abandoned, as the aggregator would: nothing is aggregated or published, no ε is spent.
        return {
          ...base,
          outcome: 'abandoned',
          contributors: 0,
          dropouts: 0,
          modelVersion,
          epsilon: epsilonOf(ledger, options.delta),
          meanLoss: 0,
          medianNorm: 0,
          clipped: 0,
          seconds: (performance.now() - roundStarted) / 1000,
        };
      }
      const dropoutCount = Math.min(
        Math.floor(options.dropoutRate * cohort.length),
        Math.floor(cohort.length / 3),
      );
      const dropped = new Set<number>();
      while (dropped.size < dropoutCount) dropped.add(cohort[Math.floor(random() * cohort.length)]!);
      const t = performance.now();
      const updates: Float32Array[] = [];
      const losses: number[] = [];
      for (const client of cohort) {
        if (dropped.has(client)) continue; // it leaves before training is worth simulating
        const local = await federation.localUpdate(client, weights, random);
        updates.push(local.update);
        losses.push(local.loss);
      }
      seconds.training += (performance.now() - t) / 1000;
      const a = performance.now();
      const result = protocolRound({
        globalWeights: weights,
        survivorUpdates: updates,
        cohortSize: cohort.length,
        clippingBound: options.clippingBound,
        noiseMultiplier,
        strategy,
        strategyState,
        random: protocolRandom,
      });
      seconds.aggregation += (performance.now() - a) / 1000;
      weights = result.weights;
      strategyState = result.strategyState;
      modelVersion++;
      if (noiseMultiplier > 0) ledger = recordRound(ledger, mechanism);
      return {
        ...base,
        outcome: 'completed',
        contributors: updates.length,
        dropouts: dropped.size,
        modelVersion,
        epsilon: epsilonOf(ledger, options.delta),
        meanLoss: mean(losses),
        medianNorm: median(result.norms),
        clipped: result.clipped,
        seconds: (performance.now() - roundStarted) / 1000,
      };
    }
  }
  seconds.total = (performance.now() - started) / 1000;
  const last = curve.at(-1)!;
  return {
    options,
    samplingRate,
    noiseMultiplier,
    rounds,
    curve,
    final: { hr10: last.hr10, ndcg10: last.ndcg10 },
    epsilon: epsilonOf(ledger, options.delta),
    aggregatorRounds,
    seconds,
  };
}

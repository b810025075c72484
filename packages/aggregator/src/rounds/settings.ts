import { resolve } from 'node:path';
import {
  CTR_MODEL_ID,
  DEFAULT_MINIMUM_THRESHOLD,
  defaultThreshold,
  initialLocusCtrModel,
  LIMITS,
  noiseMultiplierForEpsilon,
  type StrategyChoice,
  shareholderCount,
} from '@locus/protocol';
import {
  ConfigError,
  formatDuration,
  parseChoice,
  parseDuration,
  parseInteger,
  parseNumber,
  parseOrigins,
} from '../config-values.js';

/**
 * What an operator decides about rounds: the model's shape, who is sampled, how much noise, which
 * server optimizer, the stage deadlines and the HTTP limits. Parsed from flags/env by
 * {@link parseRoundFlags}; tests build it from {@link DEFAULT_ROUND_SETTINGS}.
 */
export interface RoundSettings {
  model: {
    id: string;
    /** Parameters in the flat weight vector; the aggregator never interprets them. */
    length: number;
    /** Layout version of that vector, owned by whoever defines the model. */
    layoutVersion: number;
    /**
     * `zeros`; `locus-prior` (the Locus CTR model's version 0, for `textDim`); or the absolute
     * path of a raw little-endian float32 file of `length` values.
     */
    initialWeights: 'zeros' | 'locus-prior' | string;
    /** Set when the model is Locus's CTR model for an encoder of this width (it fixes the layout). */
    textDim?: number;
  };
  cohort: {
    /** q: each check-in is admitted independently with this probability (Poisson sampling). */
    samplingRate: number;
    /** Hard cap on the cohort: later check-ins are refused with `round-full`. */
    maxCohort: number;
    /** K: a round with fewer check-ins is abandoned, never aggregated. */
    minCohort: number;
    /** Neighbours per client in the masking graph; cohorts up to k + 1 use the complete graph. */
    neighbourCount: number;
  };
  privacy: {
    /** L2 bound C every client clips its update to. */
    clippingBound: number;
    /** σ: the server adds N(0, (σC)²) per coordinate to the sum. 0 disables central DP. */
    noiseMultiplier: number;
    delta: number;
    /** Set when σ was derived from a target ε over a planned number of rounds. */
    target: { epsilon: number; plannedRounds: number } | null;
  };
  strategy: StrategyChoice;
  deadlines: {
    /** From the first admitted check-in until the cohort is fixed (earlier when it is full). */
    checkInMs: number;
    shareKeysMs: number;
    /** Includes local training on the device. */
    maskedInputMs: number;
    unmaskMs: number;
  };
  http: {
    /** Token bucket per remote address over every /fl/ route; null disables it. */
    addressLimit: RateLimitSettings | null;
    /** Token bucket per round token over the round routes; null disables it. */
    tokenLimit: RateLimitSettings | null;
    /** Take the client address from the last X-Forwarded-For hop (behind a reverse proxy). */
    trustProxy: boolean;
    /** Origins allowed to call the round routes cross-origin; the public GET routes allow any. */
    corsOrigins: string[];
  };
}

export interface RateLimitSettings {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the longest burst allowed. */
  burst: number;
}

export const DEFAULT_ROUND_SETTINGS: Readonly<RoundSettings> = Object.freeze({
  model: { id: CTR_MODEL_ID, length: 10_000, layoutVersion: 1, initialWeights: 'zeros' },
  // Cohorts of up to 101 use the complete graph: a third of them may drop out after sharing keys
  // and the sum is still exact, deterministically; a sparse graph only promises that per
  // neighbourhood. Unmasking 30 dropouts of 100 costs 30 × 70 mask expansions, about a second.
  cohort: { samplingRate: 1, maxCohort: 100, minCohort: 20, neighbourCount: 100 },
  privacy: { clippingBound: 1, noiseMultiplier: 1, delta: 1e-6, target: null },
  strategy: { name: 'fedavg', serverLearningRate: 1 },
  deadlines: { checkInMs: 30_000, shareKeysMs: 30_000, maskedInputMs: 120_000, unmaskMs: 30_000 },
  http: {
    addressLimit: { ratePerSecond: 20, burst: 100 },
    tokenLimit: { ratePerSecond: 5, burst: 20 },
    trustProxy: false,
    corsOrigins: [],
  },
} satisfies RoundSettings);

const d = DEFAULT_ROUND_SETTINGS;

/** parseArgs options of the round flags (all strings except --trust-proxy). */
export const ROUND_FLAGS = {
  'model-length': { type: 'string' },
  'layout-version': { type: 'string' },
  'initial-weights': { type: 'string' },
  'text-dim': { type: 'string' },
  'sampling-rate': { type: 'string' },
  'expected-cohort': { type: 'string' },
  population: { type: 'string' },
  'max-cohort': { type: 'string' },
  'min-cohort': { type: 'string' },
  'neighbour-count': { type: 'string' },
  'clipping-bound': { type: 'string' },
  'noise-multiplier': { type: 'string' },
  'target-epsilon': { type: 'string' },
  'planned-rounds': { type: 'string' },
  delta: { type: 'string' },
  strategy: { type: 'string' },
  'server-learning-rate': { type: 'string' },
  'adam-beta1': { type: 'string' },
  'adam-beta2': { type: 'string' },
  'adam-tau': { type: 'string' },
  'check-in-window': { type: 'string' },
  'share-keys-timeout': { type: 'string' },
  'masked-input-timeout': { type: 'string' },
  'unmask-timeout': { type: 'string' },
  'address-rate': { type: 'string' },
  'address-burst': { type: 'string' },
  'token-rate': { type: 'string' },
  'token-burst': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'cors-origins': { type: 'string' },
} as const;

export const ROUND_USAGE = `
Model (the aggregator never interprets the weights: a flat float32 vector):
  --text-dim <n>               Locus's CTR model for an encoder of this width, starting from its
                               prior (default: 100, the default encoder); or instead:
  --model-length <n>           parameters in the weight vector     (default ${d.model.length})
  --layout-version <n>         its layout version                  (default ${d.model.layoutVersion})
  --initial-weights <file>     raw little-endian float32 file, or 'zeros' (default)

Cohort (Poisson sampling: the privacy accountant assumes it):
  --sampling-rate <q>          admit each check-in with probability q (default ${d.cohort.samplingRate})
  --expected-cohort <n>        ... or q = n / --population <N> (eligible clients per round)
  --max-cohort <n>             cap, at most ${LIMITS.maxCohortSize}                  (default ${d.cohort.maxCohort})
  --min-cohort <K>             never aggregate fewer clients       (default ${d.cohort.minCohort})
  --neighbour-count <k>        even k for SecAgg+'s sparse graph, or 'complete'
                               (default ${d.cohort.neighbourCount}: the complete graph up to ${d.cohort.neighbourCount + 1} clients)

Privacy (central DP: noise N(0, (sigma*C)^2) on the sum):
  --clipping-bound <C>         L2 bound of each client update      (default ${d.privacy.clippingBound})
  --noise-multiplier <sigma>   noise multiplier, 0 disables DP     (default ${d.privacy.noiseMultiplier})
  --target-epsilon <eps>       ... or the sigma that keeps epsilon over
  --planned-rounds <R>         R rounds at --delta (RDP accountant)
  --delta <delta>              delta of the reported epsilon       (default ${d.privacy.delta})

Server optimizer:
  --strategy <name>            fedavg or fedadam                   (default fedavg)
  --server-learning-rate <x>   default 1 (fedavg), 0.01 (fedadam)
  --adam-beta1 <x> --adam-beta2 <x> --adam-tau <x>   fedadam only (defaults 0.9, 0.99, 0.001)

Deadlines (a duration with its unit: 500ms, 30s, 2m):
  --check-in-window <t>        from the first admitted check-in    (default ${formatDuration(d.deadlines.checkInMs)})
  --share-keys-timeout <t>     (default ${formatDuration(d.deadlines.shareKeysMs)})
  --masked-input-timeout <t>   includes local training             (default ${formatDuration(d.deadlines.maskedInputMs)})
  --unmask-timeout <t>         (default ${formatDuration(d.deadlines.unmaskMs)})

HTTP limits:
  --address-rate <r> --address-burst <n>   token bucket per client address, r/s (0 disables)
                                           (default ${d.http.addressLimit!.ratePerSecond}/s, burst ${d.http.addressLimit!.burst})
  --token-rate <r> --token-burst <n>       token bucket per round token (default ${d.http.tokenLimit!.ratePerSecond}/s, burst ${d.http.tokenLimit!.burst})
  --trust-proxy                address from the last X-Forwarded-For hop (behind a proxy)
  --cors-origins <list>        comma-separated origins allowed to POST cross-origin (default none)`;

type Pick = (flag: string) => string | undefined;

/** Reads and cross-checks the round flags; throws a one-line {@link ConfigError}. */
export function parseRoundFlags(pick: Pick, cwd: string): RoundSettings {
  const integer = (flag: string, fallback: number, min: number, max: number) => {
    const text = pick(flag);
    return text === undefined ? fallback : parseInteger(flag, text, min, max);
  };
  const model = modelOf(pick, cwd, integer);
  const maxCohort = integer('max-cohort', d.cohort.maxCohort, 2, LIMITS.maxCohortSize);
  const minCohort = integer('min-cohort', d.cohort.minCohort, 2, LIMITS.maxCohortSize);
  if (minCohort > maxCohort) {
    throw new ConfigError(`--min-cohort ${minCohort} is above --max-cohort ${maxCohort}`);
  }
  const neighbourCount = neighbourCountOf(pick('neighbour-count'));
  const smallestThreshold = defaultThreshold(shareholderCount(minCohort, neighbourCount));
  if (smallestThreshold < DEFAULT_MINIMUM_THRESHOLD) {
    throw new ConfigError(
      `--min-cohort ${minCohort} gives a Shamir threshold of ${smallestThreshold}; clients refuse ` +
        `thresholds below ${DEFAULT_MINIMUM_THRESHOLD} (raise --min-cohort or --neighbour-count)`,
    );
  }
  const samplingRate = samplingRateOf(pick, maxCohort);
  const privacy = privacyOf(pick, samplingRate);
  return {
    model,
    cohort: { samplingRate, maxCohort, minCohort, neighbourCount },
    privacy,
    strategy: strategyOf(pick),
    deadlines: {
      checkInMs: durationOf(pick, 'check-in-window', d.deadlines.checkInMs),
      shareKeysMs: durationOf(pick, 'share-keys-timeout', d.deadlines.shareKeysMs),
      maskedInputMs: durationOf(pick, 'masked-input-timeout', d.deadlines.maskedInputMs, 86_400_000),
      unmaskMs: durationOf(pick, 'unmask-timeout', d.deadlines.unmaskMs),
    },
    http: {
      addressLimit: rateLimitOf(pick, 'address', d.http.addressLimit!),
      tokenLimit: rateLimitOf(pick, 'token', d.http.tokenLimit!),
      trustProxy: booleanOf('trust-proxy', pick('trust-proxy')),
      corsOrigins: (() => {
        const text = pick('cors-origins');
        return text === undefined ? [] : parseOrigins('cors-origins', text);
      })(),
    },
  };
}

/**
 * The model: Locus's CTR model for an encoder width (`--text-dim`, the default: 100, the default
 * encoder's), or any flat vector given by `--model-length`, `--layout-version`, `--initial-weights`.
 */
function modelOf(
  pick: Pick,
  cwd: string,
  integer: (flag: string, fallback: number, min: number, max: number) => number,
): RoundSettings['model'] {
  const generic = ['model-length', 'layout-version', 'initial-weights'].filter(
    (flag) => pick(flag) !== undefined,
  );
  if (generic.length === 0 || pick('text-dim') !== undefined) {
    if (generic.length > 0) {
      throw new ConfigError(`--text-dim fixes the model; do not also give --${generic.join(', --')}`);
    }
    const textDim = integer('text-dim', LOCUS_DEFAULT_TEXT_DIM, 1, 4096);
    const { layoutVersion, weights } = initialLocusCtrModel(textDim);
    return { id: d.model.id, length: weights.length, layoutVersion, initialWeights: 'locus-prior', textDim };
  }
  return {
    id: d.model.id,
    length: integer('model-length', d.model.length, 1, LIMITS.maxVectorLength),
    layoutVersion: integer('layout-version', d.model.layoutVersion, 0, 2 ** 31 - 1),
    initialWeights: initialWeightsOf(pick('initial-weights'), cwd),
  };
}

/** The default encoder (locus-glove-sif) embeds into 100 dimensions. */
const LOCUS_DEFAULT_TEXT_DIM = 100;

function initialWeightsOf(text: string | undefined, cwd: string): 'zeros' | string {
  if (text === undefined || text === 'zeros') return 'zeros';
  if (text.trim() === '') throw new ConfigError('--initial-weights must not be empty');
  return resolve(cwd, text);
}

function neighbourCountOf(text: string | undefined): number {
  if (text === undefined) return d.cohort.neighbourCount;
  // The protocol caps k at n − 1, so any k ≥ the largest cohort means the complete graph.
  if (text === 'complete') return LIMITS.maxCohortSize;
  const k = parseInteger('neighbour-count', text, 2, LIMITS.maxCohortSize);
  if (k % 2 !== 0) {
    throw new ConfigError(`--neighbour-count ${k} must be even (SecAgg+'s Harary graph), or 'complete'`);
  }
  return k;
}

function samplingRateOf(pick: Pick, maxCohort: number): number {
  const rate = pick('sampling-rate');
  const expected = pick('expected-cohort');
  const population = pick('population');
  if (rate !== undefined && (expected !== undefined || population !== undefined)) {
    throw new ConfigError('give --sampling-rate or --expected-cohort with --population, not both');
  }
  if (expected === undefined && population === undefined) {
    return rate === undefined
      ? d.cohort.samplingRate
      : parseNumber('sampling-rate', rate, { exclusiveMin: 0, max: 1 }, 'a probability, 0 < q <= 1');
  }
  if (expected === undefined || population === undefined) {
    throw new ConfigError(
      '--expected-cohort and --population go together (q = expected cohort / eligible population)',
    );
  }
  const n = parseInteger('expected-cohort', expected, 1, LIMITS.maxCohortSize);
  const total = parseInteger('population', population, 1, Number.MAX_SAFE_INTEGER);
  if (n > total) throw new ConfigError(`--expected-cohort ${n} is above --population ${total}`);
  if (n > maxCohort) {
    throw new ConfigError(
      `--expected-cohort ${n} is above --max-cohort ${maxCohort}: the cap would cut most cohorts ` +
        `and the accountant's Poisson-sampling assumption would not hold`,
    );
  }
  return n / total;
}

function privacyOf(pick: Pick, samplingRate: number): RoundSettings['privacy'] {
  const clippingBound = (() => {
    const text = pick('clipping-bound');
    return text === undefined
      ? d.privacy.clippingBound
      : parseNumber('clipping-bound', text, { exclusiveMin: 0 }, 'a positive number');
  })();
  const deltaText = pick('delta');
  const delta =
    deltaText === undefined
      ? d.privacy.delta
      : parseNumber('delta', deltaText, { exclusiveMin: 0, exclusiveMax: 1 }, '0 < delta < 1');
  const sigmaText = pick('noise-multiplier');
  const epsilonText = pick('target-epsilon');
  const roundsText = pick('planned-rounds');
  if (sigmaText !== undefined && (epsilonText !== undefined || roundsText !== undefined)) {
    throw new ConfigError('give --noise-multiplier or --target-epsilon with --planned-rounds, not both');
  }
  if (epsilonText === undefined && roundsText === undefined) {
    const noiseMultiplier =
      sigmaText === undefined
        ? d.privacy.noiseMultiplier
        : parseNumber('noise-multiplier', sigmaText, { min: 0, max: 1e6 }, 'a number >= 0');
    return { clippingBound, noiseMultiplier, delta, target: null };
  }
  if (epsilonText === undefined || roundsText === undefined) {
    throw new ConfigError('--target-epsilon and --planned-rounds go together');
  }
  const epsilon = parseNumber(
    'target-epsilon',
    epsilonText,
    { exclusiveMin: 0, max: 1000 },
    'a positive number',
  );
  const plannedRounds = parseInteger('planned-rounds', roundsText, 1, 1_000_000);
  let noiseMultiplier: number;
  try {
    noiseMultiplier = noiseMultiplierForEpsilon({
      targetEpsilon: epsilon,
      samplingRate,
      rounds: plannedRounds,
      delta,
    });
  } catch (error) {
    throw new ConfigError(
      `no noise multiplier reaches epsilon ${epsilon} over ${plannedRounds} rounds at q=${samplingRate}: ` +
        (error instanceof Error ? error.message : String(error)),
    );
  }
  return { clippingBound, noiseMultiplier, delta, target: { epsilon, plannedRounds } };
}

function strategyOf(pick: Pick): RoundSettings['strategy'] {
  const name = parseChoice('strategy', pick('strategy') ?? 'fedavg', ['fedavg', 'fedadam'] as const);
  const positive = (flag: string, fallback: number) => {
    const text = pick(flag);
    return text === undefined ? fallback : parseNumber(flag, text, { exclusiveMin: 0 }, 'a positive number');
  };
  const unitInterval = (flag: string, fallback: number) => {
    const text = pick(flag);
    return text === undefined ? fallback : parseNumber(flag, text, { min: 0, exclusiveMax: 1 }, '0 <= x < 1');
  };
  if (name === 'fedavg') {
    for (const flag of ['adam-beta1', 'adam-beta2', 'adam-tau']) {
      if (pick(flag) !== undefined) throw new ConfigError(`--${flag} applies to --strategy fedadam only`);
    }
    return { name, serverLearningRate: positive('server-learning-rate', 1) };
  }
  return {
    name,
    serverLearningRate: positive('server-learning-rate', 0.01),
    beta1: unitInterval('adam-beta1', 0.9),
    beta2: unitInterval('adam-beta2', 0.99),
    tau: positive('adam-tau', 1e-3),
  };
}

function durationOf(pick: Pick, flag: string, fallback: number, maxMs = 3_600_000): number {
  const text = pick(flag);
  return text === undefined ? fallback : parseDuration(flag, text, 100, maxMs);
}

function rateLimitOf(pick: Pick, prefix: 'address' | 'token', fallback: RateLimitSettings) {
  const rateText = pick(`${prefix}-rate`);
  const burstText = pick(`${prefix}-burst`);
  const ratePerSecond =
    rateText === undefined
      ? fallback.ratePerSecond
      : parseNumber(`${prefix}-rate`, rateText, { min: 0, max: 1e6 }, 'requests per second, 0 disables');
  if (ratePerSecond === 0) {
    if (burstText !== undefined)
      throw new ConfigError(`--${prefix}-burst has no effect with --${prefix}-rate 0`);
    return null;
  }
  const burst =
    burstText === undefined ? fallback.burst : parseInteger(`${prefix}-burst`, burstText, 1, 1_000_000);
  return { ratePerSecond, burst };
}

function booleanOf(flag: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new ConfigError(`invalid ${flag} value ${JSON.stringify(text)} (true or false)`);
}

import {
  addInto,
  clipToL2Norm,
  finishRound,
  quantizationScale,
  quantize,
  type RandomSource,
  type Strategy,
} from '@locus/protocol';

/** One round's inputs, as the server would see them after the cohort is fixed. */
export interface RoundInput<State> {
  globalWeights: Float32Array;
  /** Float updates of the clients whose masked input arrived (the survivors). */
  survivorUpdates: readonly Float32Array[];
  /** Members admitted to the cohort (survivors + dropouts): the quantization's maxSummands. */
  cohortSize: number;
  clippingBound: number;
  noiseMultiplier: number;
  strategy: Strategy<State>;
  strategyState: State;
  /** Clients' stochastic rounding and the server's noise. */
  random: RandomSource;
}

export interface RoundOutput<State> {
  weights: Float32Array;
  strategyState: State;
  /** How many survivors' updates were scaled down by clipping. */
  clipped: number;
  /** L2 norms of the survivors' updates before clipping. */
  norms: number[];
}

/**
 * A round computed with the protocol's own arithmetic but without the masks: each survivor clips
 * (`clipToL2Norm`) and quantizes (`quantize`, stochastic rounding at the cohort's scale), the
 * quantized vectors are summed mod 2^32 (`addInto`), and `finishRound` dequantizes, adds the
 * central noise σ·C once to the sum and applies the strategy — what the aggregator runs after
 * `serverUnmask`. Skipping the masks changes nothing in the result: the unmasked sum IS the sum of
 * the survivors' quantized updates, exactly (the protocol's guarantee, and what the aggregator
 * rounds of a simulation check). It skips only the O(cohort² × parameters) mask expansion, which
 * on two cores would cost minutes per round.
 */
export function protocolRound<State>(input: RoundInput<State>): RoundOutput<State> {
  const { globalWeights, clippingBound, random } = input;
  const quantization = { clippingBound, maxSummands: input.cohortSize };
  const sum = new Uint32Array(globalWeights.length);
  const norms: number[] = [];
  let clipped = 0;
  for (const update of input.survivorUpdates) {
    const result = clipToL2Norm(update, clippingBound);
    norms.push(result.norm);
    if (result.wasClipped) clipped++;
    addInto(sum, quantize(result.values, quantization, random));
  }
  const finished = finishRound({
    strategy: input.strategy,
    strategyState: input.strategyState,
    globalWeights,
    unmaskedSum: sum,
    contributors: input.survivorUpdates.length,
    quantization,
    noiseMultiplier: input.noiseMultiplier,
    random,
  });
  return { weights: finished.weights, strategyState: finished.strategyState, clipped, norms };
}

/** One quantization step of the mean: the largest rounding error the exact aggregate allows. */
export function quantizationStep(clippingBound: number, cohortSize: number): number {
  return 1 / quantizationScale({ clippingBound, maxSummands: cohortSize });
}

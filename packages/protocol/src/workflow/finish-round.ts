import { addCentralNoise } from '../dp/gaussian-noise.js';
import { dequantizeSum, type QuantizationParams } from '../quantize/quantize.js';
import { cryptoRandomSource, type RandomSource } from '../random/random-source.js';
import type { Strategy } from '../strategy/strategy.js';

export interface FinishRoundInput<State> {
  strategy: Strategy<State>;
  strategyState: State;
  globalWeights: Float32Array;
  /** `serverUnmask(...).sum`: the survivors' quantized updates summed mod 2^32. */
  unmaskedSum: Uint32Array;
  /** Number of survivors in the sum. */
  contributors: number;
  /** The parameters the clients quantized with (clipping bound C, cohort size). */
  quantization: QuantizationParams;
  /** σ of the round; the noise added is N(0, (σC)²) per coordinate. */
  noiseMultiplier: number;
  random?: RandomSource;
}

export interface FinishedRound<State> {
  weights: Float32Array;
  strategyState: State;
  /** What the strategy saw: the dequantized sum plus noise. Safe to publish (it is DP). */
  noisyUpdateSum: Float64Array;
}

/**
 * The server's last step after unmasking: dequantize, add the central Gaussian noise once to the
 * sum (the only place noise is added), and let the strategy produce the next global weights.
 * Record the round in the privacy ledger (dp/privacy-ledger) with the same σ.
 */
export function finishRound<State>(input: FinishRoundInput<State>): FinishedRound<State> {
  const sum = dequantizeSum(input.unmaskedSum, input.quantization);
  const noisyUpdateSum = addCentralNoise(
    sum,
    { clippingBound: input.quantization.clippingBound, noiseMultiplier: input.noiseMultiplier },
    input.random ?? cryptoRandomSource,
  );
  const { weights, state } = input.strategy.aggregate(
    { globalWeights: input.globalWeights, noisyUpdateSum, contributors: input.contributors },
    input.strategyState,
  );
  return { weights, strategyState: state, noisyUpdateSum };
}

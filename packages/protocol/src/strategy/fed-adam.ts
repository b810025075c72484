import { requireArgument } from '../protocol-error.js';
import {
  type AggregationInput,
  type AggregationResult,
  checkFixedRoundOptions,
  type FixedRoundOptions,
  fixedRoundConfiguration,
  meanUpdate,
  type RoundConfiguration,
  type RoundContext,
  type Strategy,
} from './strategy.js';

export interface FedAdamOptions extends FixedRoundOptions {
  /** η, the server learning rate. Default 0.01. */
  serverLearningRate?: number;
  /** β1, decay of the first moment. Default 0.9. */
  beta1?: number;
  /** β2, decay of the second moment. Default 0.99. */
  beta2?: number;
  /** τ, the adaptivity floor. Default 1e-3. */
  tau?: number;
}

/** Optimizer state as plain arrays, JSON-safe for the server's store. */
export interface FedAdamState {
  firstMoment: number[];
  secondMoment: number[];
  /** Rounds aggregated so far. */
  step: number;
}

/**
 * FedAdam, the adaptive server optimizer of Reddi et al. 2021 ("Adaptive Federated
 * Optimization", Algorithm 2): with Δ the mean client update,
 *   m ← β1·m + (1 − β1)·Δ,   v ← β2·v + (1 − β2)·Δ²,   w ← w + η · m / (√v + τ),
 * with m starting at 0 and v at τ², and no bias correction, as in the paper. Defaults follow the
 * paper's (β1 = 0.9, β2 = 0.99, τ = 1e-3); tune η for the model.
 */
export class FedAdam implements Strategy<FedAdamState> {
  readonly name = 'fedadam';
  readonly serverLearningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly tau: number;

  constructor(readonly options: FedAdamOptions) {
    checkFixedRoundOptions(options);
    this.serverLearningRate = options.serverLearningRate ?? 0.01;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.99;
    this.tau = options.tau ?? 1e-3;
    requireArgument(this.serverLearningRate > 0, 'serverLearningRate must be positive');
    requireArgument(this.beta1 >= 0 && this.beta1 < 1, 'beta1 must be in [0, 1)');
    requireArgument(this.beta2 >= 0 && this.beta2 < 1, 'beta2 must be in [0, 1)');
    requireArgument(this.tau > 0, 'tau must be positive');
  }

  initialState(parameterCount: number): FedAdamState {
    requireArgument(Number.isInteger(parameterCount) && parameterCount >= 1, 'parameterCount must be ≥ 1');
    return {
      firstMoment: new Array<number>(parameterCount).fill(0),
      secondMoment: new Array<number>(parameterCount).fill(this.tau * this.tau),
      step: 0,
    };
  }

  configureRound(context: RoundContext): RoundConfiguration {
    return fixedRoundConfiguration(this.options, context);
  }

  aggregate(input: AggregationInput, state: FedAdamState): AggregationResult<FedAdamState> {
    const mean = meanUpdate(input);
    requireArgument(
      state.firstMoment.length === mean.length && state.secondMoment.length === mean.length,
      'the optimizer state does not match the model size',
    );
    const firstMoment = new Array<number>(mean.length);
    const secondMoment = new Array<number>(mean.length);
    const weights = new Float32Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      const delta = mean[i]!;
      const m = this.beta1 * state.firstMoment[i]! + (1 - this.beta1) * delta;
      const v = this.beta2 * state.secondMoment[i]! + (1 - this.beta2) * delta * delta;
      firstMoment[i] = m;
      secondMoment[i] = v;
      weights[i] = input.globalWeights[i]! + (this.serverLearningRate * m) / (Math.sqrt(v) + this.tau);
    }
    return { weights, state: { firstMoment, secondMoment, step: state.step + 1 } };
  }
}

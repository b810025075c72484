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

export interface FedAvgOptions extends FixedRoundOptions {
  /** η: w ← w + η · mean update. Default 1 (plain federated averaging). */
  serverLearningRate?: number;
}

/** FedAvg has no state between rounds. */
export type FedAvgState = Record<string, never>;

/**
 * Federated averaging (McMahan et al. 2017) with uniform client weights, as in DP-FedAvg
 * (McMahan et al. 2018): weighting by example counts would reveal them and raise the
 * sensitivity, so every clipped update counts once.
 */
export class FedAvg implements Strategy<FedAvgState> {
  readonly name = 'fedavg';
  readonly serverLearningRate: number;

  constructor(readonly options: FedAvgOptions) {
    checkFixedRoundOptions(options);
    this.serverLearningRate = options.serverLearningRate ?? 1;
    requireArgument(this.serverLearningRate > 0, 'serverLearningRate must be positive');
  }

  initialState(): FedAvgState {
    return {};
  }

  configureRound(context: RoundContext): RoundConfiguration {
    return fixedRoundConfiguration(this.options, context);
  }

  aggregate(input: AggregationInput, state: FedAvgState): AggregationResult<FedAvgState> {
    const mean = meanUpdate(input);
    const weights = new Float32Array(input.globalWeights.length);
    for (let i = 0; i < weights.length; i++) {
      weights[i] = input.globalWeights[i]! + this.serverLearningRate * mean[i]!;
    }
    return { weights, state };
  }
}

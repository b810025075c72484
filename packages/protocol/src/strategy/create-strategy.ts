import { FedAdam } from './fed-adam.js';
import { FedAvg } from './fed-avg.js';
import type { FixedRoundOptions, Strategy } from './strategy.js';

/** A server optimizer and its hyper-parameters, as configuration carries it (CLI flags, JSON). */
export type StrategyChoice =
  | { name: 'fedavg'; serverLearningRate: number }
  | { name: 'fedadam'; serverLearningRate: number; beta1: number; beta2: number; tau: number };

/** The strategy `choice` names, over the rounds' fixed cohort size, clipping bound and noise. */
export function createStrategy(choice: StrategyChoice, fixed: FixedRoundOptions): Strategy<unknown> {
  if (choice.name === 'fedavg') {
    return new FedAvg({ ...fixed, serverLearningRate: choice.serverLearningRate }) as Strategy<unknown>;
  }
  return new FedAdam({
    ...fixed,
    serverLearningRate: choice.serverLearningRate,
    beta1: choice.beta1,
    beta2: choice.beta2,
    tau: choice.tau,
  }) as Strategy<unknown>;
}

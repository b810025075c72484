import { FedAdam, FedAvg, type Strategy } from '@locus/protocol';
import type { RoundSettings } from './settings.js';

/** The configured server optimizer. Its state is JSON (plain arrays) kept in the store. */
export function createStrategy(settings: RoundSettings): Strategy<unknown> {
  const fixed = {
    cohortSize: settings.cohort.maxCohort,
    clippingBound: settings.privacy.clippingBound,
    noiseMultiplier: settings.privacy.noiseMultiplier,
  };
  const { strategy } = settings;
  if (strategy.name === 'fedavg') {
    return new FedAvg({ ...fixed, serverLearningRate: strategy.serverLearningRate }) as Strategy<unknown>;
  }
  return new FedAdam({
    ...fixed,
    serverLearningRate: strategy.serverLearningRate,
    beta1: strategy.beta1,
    beta2: strategy.beta2,
    tau: strategy.tau,
  }) as Strategy<unknown>;
}

import { createStrategy, type Strategy } from '@locus/protocol';
import type { RoundSettings } from './settings.js';

/** The configured server optimizer. Its state is JSON (plain arrays) kept in the store. */
export function strategyOf(settings: RoundSettings): Strategy<unknown> {
  return createStrategy(settings.strategy, {
    cohortSize: settings.cohort.maxCohort,
    clippingBound: settings.privacy.clippingBound,
    noiseMultiplier: settings.privacy.noiseMultiplier,
  });
}

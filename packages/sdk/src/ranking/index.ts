/** Ranking: the ad-serving rules as pure functions (no tfjs; safe to import anywhere). */
export { type DiversityOptions, type PageItem, type PageSelection, selectPage } from './diversity.js';
export { type ExplainInput, explainAd } from './explain.js';
export {
  DEFAULT_EPSILON,
  DEFAULT_THOMPSON_STRENGTH,
  type ExplorationConfig,
  epsilonFor,
  thompsonDraw,
} from './exploration.js';
export {
  candidateExposures,
  DAY_MS,
  type ExposureRecord,
  exposuresFromCounts,
  HOUR_MS,
  recentExposures,
} from './exposures.js';
export { type ExposureFairnessReport, type ExposureShare, exposureFairness, UNKNOWN } from './fairness.js';
export {
  type CapLimits,
  type ExposureCount,
  type ExposureCounts,
  type FrequencyCaps,
  frequencyCapped,
} from './frequency-caps.js';
export {
  type RankedCandidate,
  type RankInput,
  type RankResult,
  rankCandidates,
  type SkippedCandidate,
  type SkipReason,
} from './pipeline.js';
export { beta, gamma, normal, type Random, seededRandom } from './random.js';
export { adScore, orderAds, type ScoredAd } from './rank.js';
export { type UserSignal, userSignal } from './user-vector.js';

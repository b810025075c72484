export { type Aggregator, type AggregatorOptions, createAggregator } from './aggregator.js';
export { API_PREFIX, type App, type AppDeps, createApp } from './app.js';
export {
  type AggregatorConfig,
  type CliRequest,
  ConfigError,
  DEFAULTS,
  envName,
  LOG_LEVELS,
  type LogLevel,
  loadConfig,
  parseConfig,
} from './config.js';
export { HttpError } from './http/http-error.js';
export { ROUND_ERROR_STATUS } from './http/round-errors.js';
export { createLogger } from './logger.js';
export { AggregatorMetrics } from './metrics.js';
export { type Clock, FakeClock, systemClock } from './rounds/clock.js';
export {
  type CoordinatorOptions,
  type Member,
  POLL_INTERVAL_MS,
  RoundCoordinator,
} from './rounds/coordinator.js';
export { RoundError, type RoundErrorCode } from './rounds/errors.js';
export { createNativeMaskKeystream } from './rounds/native-chacha20.js';
export { createNativeKeyAgreement } from './rounds/native-x25519.js';
export { DEFAULT_ROUND_SETTINGS, type RateLimitSettings, type RoundSettings } from './rounds/settings.js';
export { roundSummary } from './routes/public.js';
export { type RunningServer, startServer } from './server.js';
export {
  type MessageStage,
  type ModelRecord,
  type ParticipantRecord,
  type RoundRecord,
  type RoundStatus,
  SqliteStore,
  type SqliteStoreOptions,
  type Store,
  StoreError,
} from './store/index.js';

export { type App, type AppDeps, createApp } from './app.js';
export {
  type AggregatorConfig,
  type CliRequest,
  ConfigError,
  DEFAULTS,
  LOG_LEVELS,
  type LogLevel,
  loadConfig,
  parseConfig,
} from './config.js';
export { HttpError } from './http/http-error.js';
export { createLogger } from './logger.js';
export { type RunningServer, startServer } from './server.js';
export {
  type ModelRecord,
  SqliteStore,
  type SqliteStoreOptions,
  type Store,
  StoreError,
} from './store/index.js';

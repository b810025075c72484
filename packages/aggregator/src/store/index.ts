export { INITIAL_LAYOUT_VERSION, MIGRATIONS, type Migration, migrate } from './migrations.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export {
  type MessageStage,
  type ModelRecord,
  type ParticipantRecord,
  type RoundParameters,
  type RoundPublication,
  type RoundRecord,
  type RoundStatus,
  type ServerState,
  type StageDeadlines,
  type StageTimes,
  type Store,
  type StoredMessage,
  StoreError,
  TERMINAL_STATUSES,
} from './store.js';

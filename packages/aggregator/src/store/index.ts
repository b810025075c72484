export { INITIAL_LAYOUT_VERSION, MIGRATIONS, type Migration, migrate } from './migrations.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { type ModelRecord, type Store, StoreError } from './store.js';

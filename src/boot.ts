/** Shared start-up for the server, the worker and the scripts: config → database → migrations. */
import { loadConfig, type Config } from './config.js';
import { migrate } from './db/migrate.js';
import { openDatabase, type DB } from './db/open.js';

export function openMigrated(config: Config = loadConfig()): { config: Config; db: DB; applied: number[] } {
  const db = openDatabase(config.databasePath);
  const applied = migrate(db);
  return { config, db, applied };
}

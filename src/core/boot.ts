/** Shared start-up for the server, the worker and the scripts: config → database → migrations. */
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrate } from './db/migrate.js';
import { databasePathError, openDatabase, type DB } from './db/open.js';
import { optimizeAtOpen } from './db/optimize.js';

/** Opens the database, applies the migrations and refreshes the planner's statistics. A file that cannot be used throws DatabasePathError (a ConfigError). */
export function openMigrated(config: Config = loadConfig()): { config: Config; db: DB; applied: number[] } {
  const db = openDatabase(config.databasePath);
  try {
    const applied = migrate(db);
    optimizeAtOpen(db);
    return { config, db, applied };
  } catch (err) {
    db.close();
    throw databasePathError(err, config.databasePath);
  }
}

/**
 * Ends a start that cannot go on: a configuration problem (a bad variable, an unusable
 * DATABASE_PATH) is one line naming the variable and the reason; anything else is shown in full.
 */
export function exitOnStartError(err: unknown, configExitCode = 1): never {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(configExitCode);
  }
  console.error(err);
  process.exit(1);
}

/** openMigrated for the command-line scripts: a configuration problem ends the script with one line (exit code 1). */
export function openMigratedOrExit(): { config: Config; db: DB; applied: number[] } {
  try {
    return openMigrated();
  } catch (err) {
    return exitOnStartError(err);
  }
}

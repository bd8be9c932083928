/** Readiness: the database answers and its schema is migrated. */
import type { DB } from '../../core/db/open.js';
import { settingsRepository } from '../../core/db/settings.js';

export class HealthService {
  constructor(private readonly db: DB) {}

  /** The schema version (PRAGMA user_version); throws if the database does not answer. */
  schemaVersion(): number {
    return settingsRepository(this.db).schemaVersion();
  }
}

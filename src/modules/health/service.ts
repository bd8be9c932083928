/** Readiness: the database answers and its schema is migrated. */
import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { settingsRepository } from '../../core/db/settings.js';

/**
 * How long a good answer of the database stands. Probes come every few seconds; load balancers
 * under load may ask thousands of times a second, and each ask would take a read lock on the file.
 * A failure or an unmigrated schema is never kept: the next probe asks again.
 */
export const READINESS_WINDOW_MS = 1000;

export class HealthService {
  private checkedAt = Number.NEGATIVE_INFINITY;
  private version = 0;

  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  /** The schema version (PRAGMA user_version), asked at most once a second; throws if the database does not answer. */
  schemaVersion(): number {
    const now = this.clock.now();
    if (now - this.checkedAt < READINESS_WINDOW_MS && now >= this.checkedAt) return this.version;
    const version = settingsRepository(this.db).schemaVersion();
    // Only a migrated schema is kept; anything else is asked again on the next probe.
    if (version >= 1) {
      this.version = version;
      this.checkedAt = now;
    } else this.checkedAt = Number.NEGATIVE_INFINITY;
    return version;
  }
}

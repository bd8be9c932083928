import { performance } from 'node:perf_hooks';
import type { DB } from './open.js';
import { perDatabase } from './per-db.js';

/** How often, at most, commits by other connections are looked for (ms of the process's monotonic time). */
export const OTHER_WRITERS_CHECK_MS = 25;

/**
 * A stamp of the database's contents as this connection sees them: it changes whenever a row is
 * written. Rows written through this connection count at once (`total_changes()`, which reads
 * nothing); commits by other connections (a separate mail worker, a command-line script) are seen by
 * `PRAGMA data_version`, which has to read the file's header: it is asked at most every
 * OTHER_WRITERS_CHECK_MS, so their changes count within that long. What is derived from the data
 * can be kept as long as the stamp stays the same.
 */
export const dataStamp = perDatabase((db: DB): (() => string) => {
  const changes = db.prepare<[], number>('SELECT total_changes()').pluck();
  const version = db.prepare<[], number>('PRAGMA data_version').pluck();
  let other = 0;
  let checkedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (now - checkedAt >= OTHER_WRITERS_CHECK_MS) {
      other = version.get() ?? 0;
      checkedAt = now;
    }
    return `${other}.${changes.get() ?? 0}`;
  };
});

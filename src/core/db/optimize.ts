/**
 * Keeps the query planner's statistics current, as SQLite recommends for long-lived connections:
 * `PRAGMA optimize=0x10002` once the migrations are applied (every table is checked; ANALYZE runs,
 * with SQLite's own limit on the rows it reads, where statistics are missing or stale), then a
 * plain `PRAGMA optimize` every few hours and once more when the connection is given up.
 */
import type { DB } from './open.js';

/** How often a running process asks SQLite to refresh its statistics. */
export const OPTIMIZE_EVERY_MS = 4 * 3_600_000;

/** After opening and migrating: statistics for every table that lacks them or has changed a lot. */
export function optimizeAtOpen(db: DB): void {
  if (db.open && !db.readonly && !db.inTransaction) db.pragma('optimize=0x10002');
}

/** A periodic refresh: cheap when nothing changed much, never inside a transaction. */
export function optimize(db: DB): void {
  if (db.open && !db.readonly && !db.inTransaction) db.pragma('optimize');
}

export interface Optimizer {
  /** Whether the periodic refresh is still scheduled. */
  readonly running: boolean;
  /** Stops the refresh (its timer included) and runs it one last time, if the connection is open. */
  stop(): void;
}

/**
 * Runs `optimize` every `everyMs` on a timer that never keeps the process alive; `onError` hears
 * of a refresh that failed (a busy database: the next one tries again).
 */
export function startOptimizing(db: DB, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): Optimizer {
  const run = () => {
    try {
      optimize(db);
    } catch (err) {
      opts.onError?.(err);
    }
  };
  let timer: NodeJS.Timeout | undefined = setInterval(run, opts.everyMs ?? OPTIMIZE_EVERY_MS);
  timer.unref();
  return {
    get running() {
      return timer !== undefined;
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      run();
    },
  };
}

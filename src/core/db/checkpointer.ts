/**
 * Copies the write-ahead log into the database file on a thread of its own while writes are heavy,
 * off the request path.
 *
 * In WAL mode SQLite checkpoints inside whichever commit takes the log past `wal_autocheckpoint`
 * pages (1,000 by default): that request, and every request queued behind it on the event loop,
 * waits while a thousand pages are copied and the file is synced. Under a burst of registrations
 * that is one stall every few dozen commits. So, once a second, the connection's count of changed
 * rows is read (`total_changes()`, a few microseconds); when it rose by `busyChanges` or more, a
 * worker thread with its own connection is started. It runs `PRAGMA wal_checkpoint(PASSIVE)` every
 * few milliseconds while the log grows: a passive checkpoint never takes the write lock, so commits
 * go on beside it. Meanwhile the connection's own threshold is raised to `WAL_LIMIT_PAGES`, a safety
 * cap: by the time it is reached the thread has copied nearly everything, and that commit only
 * finishes the job (a log that is fully copied starts again from its beginning, so it stays bounded).
 * After `idleMs` with nothing written the thread ends and the connection checkpoints itself again:
 * a quiet server keeps no thread (a thread costs some 8 MB of memory).
 *
 * If the thread cannot open the file or a checkpoint fails, `onError` hears of it once, no thread is
 * started again, and the connection checkpoints itself every 1,000 pages: nothing is lost but speed.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { DB } from './open.js';

/** SQLite's default `wal_autocheckpoint`, which the connection keeps when there is no thread. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** The connection's own threshold while the thread runs: a cap, reached only when the thread falls behind (4,000 pages of 4 KB: 16 MB of log). */
export const WAL_LIMIT_PAGES = 4_000;
/** How often the thread checkpoints while the log grows, and how far it backs off when nothing is written. */
export const CHECKPOINT_MIN_MS = 20;
export const CHECKPOINT_MAX_MS = 1_000;
/** How often the connection's changes are counted, how many in that time start the thread, and how long the thread stays with nothing written. */
export const WATCH_EVERY_MS = 1_000;
export const BUSY_CHANGES = 100;
export const IDLE_MS = 60_000;
/** How long stop() waits for the thread to close its connection before ending it. */
const STOP_LIMIT_MS = 2_000;

/**
 * The thread's code, run as a CommonJS script (`eval`): it needs nothing but the SQLite driver, whose
 * resolved path it is given, so it runs the same from the sources and from the bundle.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { file, minMs, maxMs, idleMs } = workerData;
const stop = (failed) => {
  if (failed !== undefined) parentPort.postMessage({ failed: String((failed && failed.message) || failed) });
  clearTimeout(timer);
  if (db && db.open) db.close();
  parentPort.close();
};
let db;
let timer;
let wait = minMs;
let lastLog = -1;
let quietSince = Date.now();
const tick = () => {
  let result;
  try {
    result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch (err) {
    // A lock held a moment too long elsewhere: the next tick tries again. Anything else ends the thread.
    if (err && err.code === 'SQLITE_BUSY') {
      timer = setTimeout(tick, maxMs);
      return;
    }
    stop(err);
    return;
  }
  // Quick again while the log grows; slower and slower while nothing is written; gone when quiet.
  const now = Date.now();
  if (result.log !== lastLog) {
    lastLog = result.log;
    quietSince = now;
    wait = minMs;
  } else if (now - quietSince >= idleMs) return stop();
  else wait = Math.min(maxMs, wait * 2);
  timer = setTimeout(tick, wait);
};
parentPort.on('message', (message) => {
  if (message === 'stop') stop();
});
try {
  db = new Database(file, { fileMustExist: true, timeout: 1000 });
  timer = setTimeout(tick, minMs);
} catch (err) {
  stop(err);
}
`;

export interface Checkpointer {
  /** Whether a thread is checkpointing now (false while writes are light, once stopped, after a failure, and for a database in memory). */
  readonly running: boolean;
  /** Stops watching, ends the thread if there is one (its connection closed first) and gives the connection its own checkpoints back. Safe to call twice. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Hears of a thread that could not start or whose checkpoint failed (the connection checkpoints itself from then on). */
  onError?: (err: Error) => void;
  watchEveryMs?: number;
  busyChanges?: number;
  idleMs?: number;
  minMs?: number;
  maxMs?: number;
}

const stopped: Checkpointer = { running: false, stop: async () => {} };

/** Watches `db`'s writes and checkpoints its file on a thread while they are heavy (nothing for a database in memory or opened read-only). */
export function startCheckpointer(db: DB, opts: CheckpointerOptions = {}): Checkpointer {
  if (db.memory || db.readonly || !db.open) return stopped;
  const changes = db.prepare('SELECT total_changes()').pluck();
  const busyChanges = opts.busyChanges ?? BUSY_CHANGES;
  let driver: string | undefined;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let failed = false;
  let stopping = false;
  let seen = changes.get() as number;

  const selfCheckpointing = () => {
    worker = undefined;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  const fail = (reason: string) => {
    selfCheckpointing();
    if (failed || stopping) return;
    failed = true; // one report, and no thread again
    opts.onError?.(new Error(`the checkpointing thread stopped: ${reason}`));
  };
  const startThread = () => {
    // Resolved at the first burst, not at start: a quiet server never needs it.
    driver ??= createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(THREAD, {
      eval: true,
      workerData: { driver, file: db.name, minMs: opts.minMs ?? CHECKPOINT_MIN_MS, maxMs: opts.maxMs ?? CHECKPOINT_MAX_MS, idleMs: opts.idleMs ?? IDLE_MS },
      // A small heap: the thread holds a connection and a timer.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    worker = w;
    db.pragma(`wal_autocheckpoint = ${WAL_LIMIT_PAGES}`);
    w.on('message', (message: { failed?: string }) => {
      if (message.failed !== undefined) fail(message.failed);
    });
    w.on('error', (err) => fail(err instanceof Error && err.message ? err.message : String(err)));
    exited = new Promise<void>((resolve) =>
      w.once('exit', (code) => {
        if (worker === w) {
          if (code === 0) selfCheckpointing();
          else fail(`exit code ${code}`);
        }
        resolve();
      }),
    );
  };
  const watch = () => {
    if (!db.open) return;
    const now = changes.get() as number;
    const busy = now - seen >= busyChanges;
    seen = now;
    if (busy && !worker && !failed && !stopping) startThread();
  };
  const watcher = setInterval(watch, opts.watchEveryMs ?? WATCH_EVERY_MS);
  watcher.unref();

  return {
    get running() {
      return worker !== undefined;
    },
    async stop() {
      stopping = true;
      clearInterval(watcher);
      const w = worker;
      if (!w) return exited;
      selfCheckpointing();
      w.postMessage('stop');
      const limit = setTimeout(() => void w.terminate(), STOP_LIMIT_MS);
      await exited;
      clearTimeout(limit);
    },
  };
}

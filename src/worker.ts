/**
 * `npm run worker`: the outbox dispatcher as its own process on the same database as the server
 * (set DISPATCHER_ENABLED=false on the server when running it). Several workers may run at once:
 * rows are leased in IMMEDIATE transactions. SIGTERM / SIGINT stop it gracefully: rows not yet
 * started go back to the queue, sends in flight get 5 s to finish and be recorded, then are
 * aborted and go back to the queue too (a relay that never answers cannot hold the stop). It reads
 * the server's key file (see core/secret.ts), so the personal links it sends are the server's.
 */
import { pino } from 'pino';
import { systemClock } from './core/clock.js';
import { exitOnStartError, openMigrated } from './core/boot.js';
import { loadConfig } from './core/config.js';
import { startCheckpointer } from './core/db/checkpointer.js';
import { startOptimizing } from './core/db/optimize.js';
import { Dispatcher } from './core/outbox/dispatcher.js';
import { createEmailKinds } from './email-kinds.js';
import { redactPaths } from './core/outbox/log.js';
import { secretOf } from './core/secret.js';

function main(): void {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } }).child({ process: 'worker' });
  const { db } = openMigrated(config);
  // The same secret as the server (SESSION_SECRET or the key file): a key file that cannot be read
  // stops the worker here rather than fail every personal email.
  secretOf(db, config);
  const dispatcher = new Dispatcher({ db, clock: systemClock, config, registry: createEmailKinds(), logger });
  dispatcher.start();
  const optimizer = startOptimizing(db, { onError: (err) => logger.warn({ err }, 'PRAGMA optimize failed') });
  const checkpointer = startCheckpointer(db, { onError: (err) => logger.warn({ err }, 'checkpointing in the background stopped; commits checkpoint the database themselves') });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    try {
      await dispatcher.stop();
      optimizer.stop();
      await checkpointer.stop();
      db.close();
      logger.info('worker stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'worker stop failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

// Configuration errors (an unusable DATABASE_PATH included) are one line naming the variable; nothing personal is in them.
try {
  main();
} catch (err) {
  exitOnStartError(err);
}

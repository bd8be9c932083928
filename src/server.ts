import { buildApp } from './app.js';
import { exitOnStartError, openMigrated } from './core/boot.js';
import { systemClock } from './core/clock.js';
import { ConfigError, loadConfig } from './core/config.js';
import { startCheckpointer } from './core/db/checkpointer.js';
import { seed } from './seed/seed.js';
import { seedDemo } from './seed/seed-demo.js';
import { createServices } from './services.js';
import { generatePassword } from './core/crypto.js';

const SHUTDOWN_LIMIT_MS = 20_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const { db, applied } = openMigrated(config);
  const clock = systemClock;
  const services = createServices({ db, clock, config });
  const app = await buildApp({ config, db, clock, services });
  if (applied.length) app.log.info({ applied }, 'database migrated');

  if (config.seedOnStart) {
    const result = seed(db, services, clock);
    if (config.seedDemo) result.created.push(...seedDemo(db, services, clock).created);
    if (result.created.length) app.log.info({ created: result.created.length }, 'seed data added');
  }
  // A first start has no organiser: create an administrator and show its password once.
  if (services.repos.organisers.list().length === 0) {
    const password = generatePassword();
    await services.auth.createOrganiser({ email: 'admin@kairos.localhost', name: 'Administrator', password, role: 'admin' });
    console.log(`\nFirst start: an administrator was created.\n  email:    admin@kairos.localhost\n  password: ${password}\nLog in at ${config.publicUrl}/login and keep the password safe; this is the only time it is shown.\n`);
  }

  // While writes are heavy, the write-ahead log is copied into the database file by a thread of its own.
  const checkpointer = startCheckpointer(db, { onError: (err) => app.log.warn({ err }, 'checkpointing in the background stopped; commits checkpoint the database themselves') });
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Every part stops within a bound (mail in flight: 5 s, then aborted and queued again); this is
    // the last resort if something still hangs.
    setTimeout(() => {
      console.error(`Shutdown did not finish within ${SHUTDOWN_LIMIT_MS / 1000} s; exiting.`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    try {
      await app.close();
    } finally {
      await checkpointer.stop();
      db.close();
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  console.log(`Kairos is running at ${config.publicUrl}`);
}

// An unusable DATABASE_PATH (or another configuration problem found while starting) is one line
// naming the variable, exit code 1; anything unexpected is shown in full.
main().catch((err) => exitOnStartError(err));

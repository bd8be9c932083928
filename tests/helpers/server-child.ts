/**
 * A second Kairos server process on the same database file, for tests that need two writers.
 * Usage: DATABASE_PATH=… node --import tsx tests/helpers/server-child.ts → prints "PORT <n>" when listening.
 */
import { buildApp } from '../../src/app.js';
import { openMigrated } from '../../src/core/boot.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', DISPATCHER_ENABLED: 'false', PORT: '0' }, '/nonexistent/.env');
const { db } = openMigrated(config);
const app = await buildApp({ config, db, clock: systemClock, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
});

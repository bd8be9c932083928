/**
 * A dispatcher in its own process, for crash and concurrency tests:
 *
 *   node --import tsx tests/helpers/outbox-worker-child.ts
 *
 * Environment: OUTBOX_DB (SQLite file, already migrated), OUTBOX_SMTP_URL, OUTBOX_BATCH (default 50),
 * OUTBOX_CONCURRENCY (default 5), OUTBOX_LEASE_MS (default 2000), OUTBOX_OWNER (default child:pid).
 * Uses the system clock. Runs until nothing is queued or being sent (waiting out leases left by a
 * dead process), then exits 0. Prints one JSON line per run that did something.
 */
import { systemClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db/open.js';
import { Dispatcher } from '../../src/core/outbox/dispatcher.js';
import { pendingCount } from '../../src/core/outbox/queue.js';
import { createEmailKinds } from '../../src/email-kinds.js';

const env = process.env;
const file = env.OUTBOX_DB;
const smtpUrl = env.OUTBOX_SMTP_URL;
if (!file || !smtpUrl) {
  console.error('OUTBOX_DB and OUTBOX_SMTP_URL are required');
  process.exit(2);
}

const db = openDatabase(file);
const dispatcher = new Dispatcher({ registry: createEmailKinds(),
  db,
  clock: systemClock,
  config: { smtpUrl, mailFrom: 'Kairos <no-reply@kairos.example>', publicUrl: 'https://kairos.example', dispatcherIntervalMs: 50 },
  owner: env.OUTBOX_OWNER ?? `child:${process.pid}`,
  batchSize: Number(env.OUTBOX_BATCH ?? 50),
  concurrency: Number(env.OUTBOX_CONCURRENCY ?? 5),
  leaseMs: Number(env.OUTBOX_LEASE_MS ?? 2000),
  retry: { baseMs: 100, maxDelayMs: 1000 },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  console.log(JSON.stringify({ event: 'start', pid: process.pid, owner: dispatcher.owner }));
  for (;;) {
    const r = await dispatcher.runOnce();
    if (r.claimed > 0 || r.expired > 0) console.log(JSON.stringify({ event: 'run', ...r }));
    if (r.claimed === 0) {
      if (pendingCount(db) === 0) break;
      await sleep(50);
    }
  }
  await dispatcher.stop();
  db.close();
  console.log(JSON.stringify({ event: 'done' }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

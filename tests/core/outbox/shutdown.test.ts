/**
 * The server as a real process, sending through a relay that accepts the connection and never
 * answers: SIGTERM still stops it (exit code 0), and the rows it was sending are back in the queue.
 * How long the stop took is printed, never asserted (bench/README.md has the figure).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from '../../../src/core/clock.js';
import { ROOT } from '../../../src/core/config.js';
import { immediate } from '../../../src/core/db/open.js';
import { enqueue, getOutboxRow } from '../../../src/core/outbox/queue.js';
import { createTestDb, noticeInput, type TestDb } from '../../helpers/email-fixtures.js';
import { SilentRelay } from '../../helpers/silent-relay.js';

let t: TestDb;
let relay: SilentRelay;
beforeEach(async () => {
  t = createTestDb();
  relay = await SilentRelay.start();
});
afterEach(async () => {
  await relay.close();
  t.cleanup();
});

describe('stopping with a silent relay', () => {
  it('the server exits on SIGTERM and the mail it was sending is queued again', async () => {
    const clock = new ManualClock(systemClock.now() - 1000);
    const ids = immediate(t.db, () => Array.from({ length: 3 }, (_, i) => enqueue(t.db, noticeInput(i), clock)!));

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'server.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_PATH: t.file,
        PORT: '0',
        PUBLIC_URL: 'http://kairos.test',
        SMTP_URL: relay.url,
        DISPATCHER_INTERVAL_MS: '100',
        SEED_ON_START: 'false',
        MAINTENANCE_INTERVAL_MS: '0',
        PASSWORD_HASH_COST: '10',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      // The dispatcher has claimed the rows and is waiting for the relay's greeting.
      await vi.waitFor(
        () => {
          expect(ids.map((id) => getOutboxRow(t.db, id)!.status)).toEqual(['sending', 'sending', 'sending']);
          expect(relay.connections).toBeGreaterThan(0);
        },
        { timeout: 45_000, interval: 50 },
      );
      const signalled = Date.now();
      child.kill('SIGTERM');
      const exit = await exited;
      console.log(`shutdown with a silent relay: exited ${Date.now() - signalled} ms after SIGTERM`);
      expect(exit, output).toEqual({ code: 0, signal: null });
      for (const id of ids) expect(getOutboxRow(t.db, id)).toMatchObject({ status: 'queued', lease_owner: null, attempts: 0 });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

/**
 * Dispatchers as real processes: killed with SIGKILL mid-batch, two at once, and `npm run worker`'s
 * entry point stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/core/clock.js';
import { ROOT } from '../../../src/core/config.js';
import { immediate } from '../../../src/core/db/open.js';
import { enqueue, getOutboxRow } from '../../../src/core/outbox/queue.js';
import { mailSummary } from '../../../src/modules/mail/repository.js';
import { createTestDb, noticeInput, type TestDb } from '../../helpers/email-fixtures.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';

const CHILD = path.join(ROOT, 'tests', 'helpers', 'outbox-worker-child.ts');

let t: TestDb;
let sink: SmtpSink;
const children: ChildProcess[] = [];

beforeEach(async () => {
  t = createTestDb();
  sink = await SmtpSink.start();
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sink.close();
  t.cleanup();
});

interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out };
}

function startChild(env: Record<string, string>): Proc {
  return run([CHILD], { OUTBOX_DB: t.file, OUTBOX_SMTP_URL: sink.url, ...env });
}

function enqueueMany(n: number): number[] {
  const clock = new ManualClock(systemClock.now() - 1000);
  return immediate(t.db, () => Array.from({ length: n }, (_, i) => enqueue(t.db, noticeInput(i), clock)!));
}

describe('dispatcher processes', () => {
  it('loses nothing when killed with SIGKILL in the middle of a batch; duplicates are counted and bounded', async () => {
    const TOTAL = 1000;
    const BATCH = 100;
    const ids = enqueueMany(TOTAL);

    const first = startChild({ OUTBOX_BATCH: String(BATCH), OUTBOX_CONCURRENCY: '5', OUTBOX_LEASE_MS: '1500', OUTBOX_OWNER: 'first' });
    // 437: in the middle of the fifth batch of 100, with sends in flight.
    await sink.waitFor(437, 45_000);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const receivedBeforeRestart = sink.messages.length;
    const atKill = mailSummary(t.db);
    expect(atKill.counts.sent).toBeLessThan(TOTAL);
    expect(atKill.counts.sending).toBeGreaterThan(0); // killed with a batch leased and in flight

    const second = startChild({ OUTBOX_BATCH: String(BATCH), OUTBOX_CONCURRENCY: '5', OUTBOX_LEASE_MS: '1500', OUTBOX_OWNER: 'second' });
    const done = await second.exited;
    expect(done.code, second.output()).toBe(0);

    const expected = new Set(ids.map((id) => getOutboxRow(t.db, id)!.message_id!));
    const received = new Set(sink.messageIds());
    const lost = [...expected].filter((m) => !received.has(m)).length;
    const duplicated = sink.duplicates();
    const delivered = received.size;
    console.log(
      `SIGKILL test: queued ${TOTAL}, received before the kill ${receivedBeforeRestart} ` +
        `(rows marked sent then: ${atKill.counts.sent}, leased: ${atKill.counts.sending}), ` +
        `delivered ${delivered}, lost ${lost}, duplicated ${duplicated} (bound: batch size ${BATCH})`,
    );
    expect(lost).toBe(0);
    expect(delivered).toBe(TOTAL);
    expect(duplicated).toBeLessThanOrEqual(BATCH);
    // Every extra message is a resend of one the relay had already accepted, with the same Message-ID.
    expect(sink.messages.length).toBe(TOTAL + duplicated);
    expect([...received].every((m) => expected.has(m))).toBe(true);
    expect(mailSummary(t.db).counts).toMatchObject({ sent: TOTAL, queued: 0, sending: 0, failed: 0 });
  });

  it('two dispatcher processes on one database send each of 200 rows exactly once', async () => {
    const ids = enqueueMany(200);
    const a = startChild({ OUTBOX_BATCH: '10', OUTBOX_CONCURRENCY: '3', OUTBOX_OWNER: 'A' });
    const b = startChild({ OUTBOX_BATCH: '10', OUTBOX_CONCURRENCY: '3', OUTBOX_OWNER: 'B' });
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    expect(ea.code, a.output()).toBe(0);
    expect(eb.code, b.output()).toBe(0);
    expect(sink.messages).toHaveLength(200);
    expect(sink.duplicates()).toBe(0);
    expect(new Set(sink.messageIds())).toEqual(new Set(ids.map((id) => getOutboxRow(t.db, id)!.message_id)));
    expect(a.output()).toContain('"event":"done"');
    expect(b.output()).toContain('"event":"done"');
  });

  it('npm run worker sends the queue and stops gracefully on SIGTERM, logging no addresses or names', async () => {
    const ids = enqueueMany(10);
    const worker = run([path.join(ROOT, 'src', 'worker.ts')], {
      DATABASE_PATH: t.file,
      SMTP_URL: sink.url,
      DISPATCHER_INTERVAL_MS: '100',
      LOG_LEVEL: 'debug',
      PUBLIC_URL: 'https://kairos.example',
      MAIL_FROM: 'Kairos <no-reply@kairos.example>',
    });
    await sink.waitFor(10, 30_000);
    // Wait until the outcomes are recorded, then stop.
    const deadline = Date.now() + 10_000;
    while (mailSummary(t.db).counts.sent < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code, worker.output()).toBe(0);
    expect(ids.every((id) => getOutboxRow(t.db, id)!.status === 'sent')).toBe(true);
    const log = worker.output();
    expect(log).toContain('email dispatcher started');
    expect(log).toContain('worker stopped');
    expect(log).toMatch(/"outboxId":\d+/);
    expect(log).not.toMatch(/@example\.org/);
    expect(log).not.toMatch(/User \d/);
  });
});

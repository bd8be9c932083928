/**
 * The sending side of the email rows, run as a child process (forked by bench/run.ts) so that its
 * CPU and resident memory are its own. Two modes, the same SMTP sink for both:
 *
 *   raw       baseline: nodemailer's pooled SMTP transport (the pool of createSmtpTransport), N
 *             sends of the given rendered emails in turn, a new Message-ID each, 5 sends in flight;
 *   dispatch  Kairos: the outbox Dispatcher as `npm run worker` builds it (configuration from the
 *             environment plus DATABASE_PATH and SMTP_URL, its own transport, default batch and
 *             concurrency, the checkpointing thread of src/core/db/checkpointer.ts), runOnce() back
 *             to back as its loop does while batches come back full, until N rows were claimed. The
 *             warm-up lasts until that thread runs, as it does in a busy worker (at most 3 s), so
 *             that its start is not counted as memory growth.
 *
 * Protocol (IPC): MailRequest → { type: 'result', ...MailResult }.
 */
import nodemailer from 'nodemailer';
import { systemClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { startCheckpointer } from '../src/core/db/checkpointer.js';
import { openDatabase } from '../src/core/db/open.js';
import { Dispatcher, type RunResult } from '../src/core/outbox/index.js';
import { createEmailKinds } from '../src/email-kinds.js';
import { nowMs } from './stats.js';

export type MailRequest =
  | { type: 'raw'; port: number; n: number; warmup: number; messages: Record<string, unknown>[] }
  | { type: 'dispatch'; port: number; n: number; warmup: number; databasePath: string };

export interface MailResult {
  type: 'result';
  /** Messages handed to the transport in the measured window. */
  sent: number;
  ms: number;
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  cpuMs: number;
  outcomes?: Omit<RunResult, 'paused'> & { runs: number };
  /** Whether the dispatcher's checkpointing thread ran through the measured window. */
  checkpointThread?: boolean;
}

const POOL = { maxConnections: 5, maxMessages: 100 };
const IN_FLIGHT = 5;
/** The dispatcher's warm-up waits at most this long for its checkpointing thread. */
const WARM_THREAD_MS = 3_000;

async function raw(req: Extract<MailRequest, { type: 'raw' }>): Promise<MailResult> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: req.port, secure: false, pool: true, ...POOL, logger: false, debug: false });
  try {
    let rssMax = 0;
    const sendMany = async (from: number, n: number) => {
      let next = from;
      const worker = async () => {
        while (next < from + n) {
          const i = next++;
          await transport.sendMail({ ...req.messages[i % req.messages.length], messageId: `<bench-${i}@kairos.localhost>`, date: new Date() });
          if (i % 500 === 0) rssMax = Math.max(rssMax, process.memoryUsage.rss());
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    };
    await sendMany(0, req.warmup);
    const rssStart = process.memoryUsage.rss();
    const cpu = process.cpuUsage();
    const t0 = nowMs();
    await sendMany(req.warmup, req.n);
    const ms = nowMs() - t0;
    const c = process.cpuUsage(cpu);
    const rssEnd = process.memoryUsage.rss();
    return { type: 'result', sent: req.n, ms, rssStart, rssEnd, rssMax: Math.max(rssMax, rssEnd), cpuMs: (c.user + c.system) / 1000 };
  } finally {
    transport.close();
  }
}

async function dispatch(req: Extract<MailRequest, { type: 'dispatch' }>): Promise<MailResult> {
  const config = loadConfig({ ...process.env, DATABASE_PATH: req.databasePath, SMTP_URL: `smtp://127.0.0.1:${req.port}`, DISPATCHER_ENABLED: 'false' });
  const db = openDatabase(config.databasePath);
  const dispatcher = new Dispatcher({ db, clock: systemClock, config, registry: createEmailKinds() });
  const checkpointer = startCheckpointer(db);
  try {
    let warm = 0;
    const warmStart = nowMs();
    while (warm < req.warmup || (!checkpointer.running && nowMs() - warmStart < WARM_THREAD_MS)) {
      const r = await dispatcher.runOnce();
      if (r.claimed === 0 || r.paused) break;
      warm += r.claimed;
    }
    const threadAtStart = checkpointer.running;
    const totals = { claimed: 0, sent: 0, failed: 0, retried: 0, expired: 0, withdrawn: 0, released: 0, runs: 0 };
    const rssStart = process.memoryUsage.rss();
    let rssMax = rssStart;
    const cpu = process.cpuUsage();
    const t0 = nowMs();
    while (totals.claimed < req.n) {
      const r = await dispatcher.runOnce();
      totals.runs++;
      if (r.claimed === 0 || r.paused) break;
      for (const key of ['claimed', 'sent', 'failed', 'retried', 'expired', 'withdrawn', 'released'] as const) totals[key] += r[key];
      rssMax = Math.max(rssMax, process.memoryUsage.rss());
    }
    const ms = nowMs() - t0;
    const c = process.cpuUsage(cpu);
    const rssEnd = process.memoryUsage.rss();
    return { type: 'result', sent: totals.sent, ms, rssStart, rssEnd, rssMax: Math.max(rssMax, rssEnd), cpuMs: (c.user + c.system) / 1000, outcomes: totals, checkpointThread: threadAtStart && checkpointer.running };
  } finally {
    await dispatcher.stop();
    await checkpointer.stop();
    db.close();
  }
}

process.on('message', (msg: MailRequest) => {
  const run = msg?.type === 'raw' ? raw(msg) : msg?.type === 'dispatch' ? dispatch(msg) : undefined;
  run?.then(
    (r) => process.send!(r),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));

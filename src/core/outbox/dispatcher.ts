/**
 * The outbox dispatcher: claims due rows with a lease (in an IMMEDIATE transaction, so two
 * dispatchers on one database never hold the same row), renders, sends and records the outcome.
 *
 * - A crash never loses a row: a claimed row whose lease runs out (30 s by default; renewed while
 *   this dispatcher still works on it) is claimed again. A message the
 *   relay accepted just before a crash can go out twice; it carries the same Message-ID, so the
 *   duplicates are visible, and they are bounded by the rows in flight (≤ batch size).
 * - Sends are recorded ten at a time in one transaction, at the latest when the batch is done;
 *   until then their rows stay leased (and renewed), so a crash sends them again, same Message-ID.
 * - 4xx replies and connection errors are retried with growing delays plus jitter, until the
 *   row's deadline (then 'expired') or the maximum age (then 'failed').
 * - A 5xx reply fails the row for good after one attempt; the reply is kept for the organiser.
 * - Authentication or TLS failure pauses all sending (stored in mail_state, shared by every
 *   dispatcher on the database); the attempt is not counted; sending resumes after the pause.
 * - Every "now" comes from the injected clock. Waiting between attempts is only `not_before`.
 * - stop() is bounded: rows not yet started go back to the queue at once; sends in flight get a
 *   grace period, then are aborted and their rows go back to the queue (due at once, the attempt
 *   uncounted). A relay that never answers cannot hold a shutdown.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import { headerLine } from '../text.js';
import { claimDue, markFinal, markRetry, markSentMany, releaseLease, releaseOwnedLeases, renewLeases, stillLeased, type SentRecord } from './leases.js';
import { pauseDispatch, pauseState, resumeDispatch } from './queue.js';
import { redactRendered } from './redact.js';
import type { EmailKindRegistry } from './registry.js';
import { classifySendError, createTransport, scrubAddresses, type MailTransport } from './transport.js';
import type { EmailConfig, EmailLogger, OutboxRow, RenderedEmail } from './types.js';
import { DEFAULT_RETRY, RenderError, abortable, checkRendered, errorSummary, messageIdHost, settlesWithin, type RetryPolicy } from './send-rules.js';
import { messageIdFor } from './message-id.js';
import { bounceAddressFor } from '../reply-address.js';
import { secretOf } from '../secret.js';
import type { DispatcherOptions, RunResult } from './dispatcher-options.js';

export { DEFAULT_RETRY, messageIdHost, type RetryPolicy };
export type { DispatcherOptions, RunResult } from './dispatcher-options.js';

const silentLogger: EmailLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Sends recorded together in one transaction, at the latest when the batch is done. */
const RECORD_SENT_EVERY = 10;

/** What the workers of one run share: whether sending halted, and the sends not yet recorded. */
interface RunState {
  halted: boolean;
  sent: { record: SentRecord; logCtx: Record<string, unknown> }[];
}

export class Dispatcher {
  readonly owner: string;
  private readonly db: DB;
  private readonly clock: Clock;
  private readonly config: EmailConfig;
  private readonly transport: MailTransport;
  private readonly ownsTransport: boolean;
  private readonly registry: EmailKindRegistry;
  private readonly log: EmailLogger;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly stopGraceMs: number;
  private readonly intervalMs: number;
  private readonly pauseMs: number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly host: string;

  private started = false;
  private timer: NodeJS.Timeout | undefined;
  /** The run in progress (runs never overlap within one dispatcher). */
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight: Promise<RunResult> | undefined;
  /** Set by stop(): rows not yet started are given back. */
  private stopping = false;
  /** Aborted by stop() after the grace period: sends in flight give up and their rows are given back. */
  private abort = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(o: DispatcherOptions) {
    this.db = o.db;
    this.clock = o.clock;
    this.config = o.config;
    this.ownsTransport = !o.transport;
    this.transport =
      o.transport ??
      createTransport(o.config, {
        connectionTimeoutMs: o.config.smtpConnectionTimeoutMs,
        greetingTimeoutMs: o.config.smtpConnectionTimeoutMs,
        socketTimeoutMs: o.config.smtpSocketTimeoutMs,
      });
    this.registry = o.registry;
    this.log = o.logger ?? silentLogger;
    this.owner = o.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.batchSize = Math.max(1, Math.trunc(o.batchSize ?? 50));
    this.concurrency = Math.max(1, Math.trunc(o.concurrency ?? 5));
    this.leaseMs = o.leaseMs ?? 30_000;
    this.renewEveryMs = Math.max(10, o.renewEveryMs ?? Math.floor(this.leaseMs / 3));
    this.stopGraceMs = o.stopGraceMs ?? 5_000;
    this.intervalMs = o.intervalMs ?? o.config.dispatcherIntervalMs;
    this.pauseMs = o.pauseMs ?? 15 * 60_000;
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.random = o.random ?? Math.random;
    this.host = messageIdHost(o.config);
  }

  /** Which transport this dispatcher sends through. */
  get transportKind(): 'smtp' | 'local' {
    return this.transport.kind;
  }

  /** Starts the loop: a run now, then one every intervalMs (at once again while batches come back full). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.schedule(0);
    this.log.info({ owner: this.owner, transport: this.transport.kind, intervalMs: this.intervalMs }, 'email dispatcher started');
  }

  /**
   * Stops the loop. Rows claimed but not started go back to the queue; sends in flight get
   * `graceMs` (default stopGraceMs) to finish and be recorded, then are aborted and their rows go
   * back to the queue. Closes the transport it created. Resolves within about graceMs + 2 s.
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let finished = await settlesWithin(this.chain, opts.graceMs ?? this.stopGraceMs);
    if (!finished) {
      this.log.warn({ owner: this.owner }, 'email dispatcher stopping: aborting sends still in flight');
      this.abort.abort(new Error('dispatcher stopping'));
      finished = await settlesWithin(this.chain, 2_000);
    }
    this.stopRenewing();
    if (!finished) {
      // Something other than a send (a renderer?) still holds rows: give them all back.
      const released = releaseOwnedLeases(this.db, this.owner, this.clock.now());
      this.log.warn({ owner: this.owner, released }, 'email dispatcher stopped with work unfinished: its rows are back in the queue');
    }
    if (this.ownsTransport) this.transport.close();
    this.log.info({ owner: this.owner }, 'email dispatcher stopped');
  }

  /** Extends the leases of every row this dispatcher holds; runs on a timer while rows are held. */
  renewLeases(): number {
    return renewLeases(this.db, this.owner, this.clock.now(), this.leaseMs);
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      try {
        this.renewLeases();
      } catch (err) {
        this.log.error({ owner: this.owner, err: errorSummary(err) }, 'email leases could not be renewed');
      }
    }, this.renewEveryMs);
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  /** Asks for a run soon (e.g. right after something was queued); no effect when stopped. */
  kick(): void {
    if (this.started && !this.inFlight) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    if (!this.started) return;
    let again = false;
    try {
      const r = await this.runOnce();
      again = !r.paused && r.claimed >= this.batchSize;
    } catch (err) {
      this.log.error({ owner: this.owner, err: errorSummary(err) }, 'email dispatcher run failed');
    }
    if (this.started) this.schedule(again ? 0 : this.intervalMs);
  }

  /** One run: expire overdue rows, claim a batch, send it, record every outcome. */
  runOnce(): Promise<RunResult> {
    const run = this.chain.then(() => {
      const p = this.doRun();
      this.inFlight = p;
      return p.finally(() => {
        this.inFlight = undefined;
      });
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async doRun(): Promise<RunResult> {
    const result: RunResult = { claimed: 0, sent: 0, failed: 0, retried: 0, expired: 0, withdrawn: 0, released: 0, paused: false };
    // A stopped dispatcher claims nothing until it is started again.
    if (this.stopping) return result;
    const now = this.clock.now();
    const pause = pauseState(this.db, now);
    if (pause.paused) {
      result.paused = true;
      return result;
    }
    const hadPause = pause.until !== null;
    const { claimed, expired } = claimDue(this.db, {
      owner: this.owner,
      now,
      leaseMs: this.leaseMs,
      limit: this.batchSize,
      messageIdHost: this.host,
    });
    result.expired += expired.length;
    for (const e of expired) this.log.info({ outboxId: e.id, kind: e.kind }, 'email expired before it could be sent');
    result.claimed = claimed.length;
    if (claimed.length === 0) return result;

    const state: RunState = { halted: false, sent: [] };
    // The workers share one iterator over the batch: each row is taken by exactly one of them.
    const queue = claimed.values();
    const worker = async () => {
      for (const row of queue) {
        if (state.halted || this.stopping) {
          if (releaseLease(this.db, row.id, this.owner, this.clock.now(), true)) result.released++;
          continue;
        }
        await this.handle(row, result, state);
        if (state.sent.length >= RECORD_SENT_EVERY) this.recordSent(state, result);
      }
    };
    // The batch's leases are renewed while it is worked on: a long send never lets another
    // dispatcher take a row that is still being sent.
    this.startRenewing();
    try {
      await Promise.all(Array.from({ length: Math.min(this.concurrency, claimed.length) }, worker));
    } finally {
      // Until recorded, a sent row stays leased (and renewed): a crash before this sends it again, same Message-ID.
      this.recordSent(state, result);
      this.stopRenewing();
    }

    if (hadPause && result.sent > 0) resumeDispatch(this.db);
    result.paused = state.halted;
    if (result.sent || result.failed || result.retried || result.expired || result.withdrawn || result.released) {
      const { claimed: c, sent, failed, retried, expired: x, withdrawn, released, paused } = result;
      this.log.info({ owner: this.owner, claimed: c, sent, failed, retried, expired: x, withdrawn, released, paused }, 'email dispatcher run');
    }
    return result;
  }

  /** Records the sends of this run not yet recorded, in one transaction. */
  private recordSent(state: RunState, result: RunResult): void {
    const items = state.sent.splice(0);
    const ok = markSentMany(this.db, this.owner, items.map((i) => i.record));
    ok.forEach((held, i) => {
      if (held) result.sent++;
      // The lease was lost (another dispatcher reclaimed the row): it may go out twice, same Message-ID.
      else this.log.warn(items[i]?.logCtx ?? {}, 'email sent after its lease was lost');
    });
  }

  private async handle(row: OutboxRow, result: RunResult, state: RunState): Promise<void> {
    const logCtx = { outboxId: row.id, kind: row.kind, attempt: row.attempts };
    if (row.deadline !== null && row.deadline <= this.clock.now()) {
      if (markFinal(this.db, row.id, this.owner, this.clock.now(), 'expired', { error: 'not sent before its deadline', code: 'DEADLINE' })) {
        result.expired++;
      }
      this.log.info(logCtx, 'email expired before it could be sent');
      return;
    }

    // Render.
    let rendered: RenderedEmail;
    try {
      const renderer = this.registry.get(row.kind);
      if (!renderer) throw new RenderError('UNKNOWN_KIND', `no renderer registered for kind "${row.kind}"`);
      let payload: unknown;
      try {
        payload = JSON.parse(row.payload);
      } catch {
        throw new RenderError('BAD_PAYLOAD', 'payload is not valid JSON');
      }
      const out = await renderer({ row, payload, db: this.db, config: this.config, clock: this.clock });
      if ('withdraw' in out) {
        if (markFinal(this.db, row.id, this.owner, this.clock.now(), 'withdrawn', { withdrawnReason: headerLine(out.withdraw, 200) })) {
          result.withdrawn++;
        }
        this.log.info(logCtx, 'email withdrawn by its renderer');
        return;
      }
      rendered = checkRendered(out);
    } catch (err) {
      const code = err instanceof RenderError ? err.code : 'RENDER';
      const message = err instanceof Error ? err.message : String(err);
      if (markFinal(this.db, row.id, this.owner, this.clock.now(), 'failed', { error: `rendering failed: ${message}`.slice(0, 1000), code })) {
        result.failed++;
      }
      this.log.error({ ...logCtx, code }, 'email could not be rendered');
      return;
    }

    // The copy kept in the outbox: personal links replaced by a marker (the message sent keeps them).
    const kept = redactRendered(rendered, this.config.publicUrl);
    const copy = {
      subject: kept.subject,
      text: kept.text,
      html: kept.html,
      ical: kept.icalEvent?.content ?? null,
      icalMethod: kept.icalEvent?.method ?? null,
    };

    // Withdrawn (session cancelled...) or reclaimed while rendering: do not send.
    if (!stillLeased(this.db, row.id, this.owner)) {
      this.log.info(logCtx, 'email not sent: withdrawn or reclaimed before sending');
      return;
    }

    // Send (abortable by stop()).
    try {
      const signal = this.abort.signal;
      signal.throwIfAborted();
      const res = await abortable(this.transport.send({
        from: this.config.mailFrom,
        to: { name: headerLine(row.recipient_name, 200), address: row.recipient_email },
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: row.message_id ?? messageIdFor(row, this.host),
        date: new Date(this.clock.now()),
        headers: { ...rendered.headers, 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
        icalEvent: rendered.icalEvent,
        ...(this.config.bounceAddress ? { envelopeFrom: bounceAddressFor(secretOf(this.db, this.config), this.config.bounceAddress, row.id) } : {}),
        signal,
      }), signal);
      state.sent.push({ record: { id: row.id, now: this.clock.now(), transport: this.transport.kind, response: res.response, rendered: copy }, logCtx });
      this.log.debug(logCtx, 'email sent');
    } catch (err) {
      if (this.abort.signal.aborted) {
        // Stopping: the row goes back to the queue, due at once; this attempt does not count.
        if (releaseLease(this.db, row.id, this.owner, this.clock.now(), true)) result.released++;
        this.log.info(logCtx, 'email send interrupted by shutdown: back in the queue');
        return;
      }
      const c = classifySendError(err);
      const now = this.clock.now();
      if (c.action === 'pause') {
        state.halted = true;
        const until = now + this.pauseMs;
        pauseDispatch(this.db, { now, until, reason: scrubAddresses(c.detail), code: c.code });
        if (releaseLease(this.db, row.id, this.owner, now, true)) result.released++;
        this.log.error({ ...logCtx, code: c.code, pausedUntil: until }, 'email sending paused: the relay refused our credentials or TLS');
        return;
      }
      if (c.action === 'fail') {
        if (markFinal(this.db, row.id, this.owner, now, 'failed', { error: c.detail, code: c.code, transport: this.transport.kind, rendered: copy })) {
          result.failed++;
        }
        this.log.warn({ ...logCtx, code: c.code }, 'email refused permanently by the relay');
        return;
      }
      const notBefore = now + this.delayFor(row.attempts);
      if (row.deadline !== null && notBefore >= row.deadline) {
        if (markFinal(this.db, row.id, this.owner, now, 'expired', { error: c.detail, code: c.code, transport: this.transport.kind, rendered: copy })) {
          result.expired++;
        }
        this.log.warn({ ...logCtx, code: c.code }, 'email expired: the next attempt would come after its deadline');
      } else if (notBefore - row.created_at > this.retry.maxAgeMs) {
        if (markFinal(this.db, row.id, this.owner, now, 'failed', { error: `gave up after ${row.attempts} attempts: ${c.detail}`, code: c.code, transport: this.transport.kind, rendered: copy })) {
          result.failed++;
        }
        this.log.warn({ ...logCtx, code: c.code }, 'email failed: retried for too long');
      } else {
        if (markRetry(this.db, row.id, this.owner, now, { notBefore, error: c.detail, code: c.code, transport: this.transport.kind, rendered: copy })) {
          result.retried++;
        }
        this.log.warn({ ...logCtx, code: c.code, retryInMs: notBefore - now }, 'email will be retried');
      }
    }
  }

  /** Wait before the next attempt after `attempts` failed ones: base × factor^(attempts−1), capped, plus jitter. */
  delayFor(attempts: number): number {
    const { baseMs, factor, maxDelayMs, jitter } = this.retry;
    const raw = Math.min(maxDelayMs, baseMs * Math.pow(factor, Math.max(0, attempts - 1)));
    return Math.round(raw * (1 + jitter * this.random()));
  }
}

/**
 * The outbox's statements, prepared once per database (cached in a WeakMap keyed by the connection),
 * shared by the queue (enqueue, withdraw…), the leases of the dispatcher and the pause.
 */
import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import type { OutboxRow } from './types.js';

// ---------------------------------------------------------------------------------------------
// Statements, prepared once per database

export interface Statements {
  insert: Statement;
  upsert: Statement;
  setMessageId: Statement;
  expireOverdue: Statement;
  dueQueued: Statement<{ now: number; limit: number }, { id: number; t: number }>;
  dueLeases: Statement<{ now: number; limit: number }, { id: number; t: number }>;
  anyDue: Statement<{ now: number }, { due: number }>;
  claim: Statement;
  byId: Statement<[number], OutboxRow>;
  leased: Statement<[number, string], { n: number }>;
  markSent: Statement;
  markRetry: Statement;
  markFinal: Statement;
  release: Statement;
  renew: Statement;
  releaseOwned: Statement;
  requeue: Statement;
  state: Statement<[], MailStateRow>;
  pause: Statement;
  resume: Statement;
  touchRun: Statement;
  pending: Statement<[], { n: number }>;
  /** Dynamic shapes (withdraw, retime, list) keyed by their SQL. */
  shapes: Map<string, Statement>;
}

export interface MailStateRow {
  paused_until: number | null;
  paused_at: number | null;
  paused_reason: string | null;
  paused_code: string | null;
  last_run_at: number | null;
  last_sent_at: number | null;
}

const cache = new WeakMap<DB, Statements>();

export function stmts(db: DB): Statements {
  let s = cache.get(db);
  if (s) return s;
  s = {
    insert: db.prepare(
      `INSERT INTO outbox (kind, dedupe_key, recipient_email, recipient_name, language, zone, session_id, registration_id,
         payload, status, attempts, not_before, deadline, created_at, updated_at)
       VALUES (@kind, @dedupeKey, @email, @name, @language, @zone, @sessionId, @registrationId,
         @payload, 'queued', 0, @notBefore, @deadline, @now, @now)
       ON CONFLICT(dedupe_key) DO NOTHING
       RETURNING id`,
    ),
    // A withdrawn row comes back only if no send of it can still be in flight (no live lease).
    upsert: db.prepare(
      `INSERT INTO outbox (kind, dedupe_key, recipient_email, recipient_name, language, zone, session_id, registration_id,
         payload, status, attempts, not_before, deadline, created_at, updated_at)
       VALUES (@kind, @dedupeKey, @email, @name, @language, @zone, @sessionId, @registrationId,
         @payload, 'queued', 0, @notBefore, @deadline, @now, @now)
       ON CONFLICT(dedupe_key) DO UPDATE SET
         status = 'queued',
         attempts = CASE WHEN outbox.status = 'withdrawn' THEN 0 ELSE outbox.attempts END,
         recipient_email = excluded.recipient_email, recipient_name = excluded.recipient_name,
         language = excluded.language, zone = excluded.zone, session_id = excluded.session_id,
         registration_id = excluded.registration_id, payload = excluded.payload,
         not_before = excluded.not_before, deadline = excluded.deadline,
         lease_owner = NULL, lease_until = NULL, withdrawn_reason = NULL, updated_at = excluded.updated_at
       WHERE outbox.kind = excluded.kind
         AND (outbox.status = 'queued'
              OR (outbox.status = 'withdrawn' AND (outbox.lease_owner IS NULL OR outbox.lease_until <= excluded.updated_at)))
       RETURNING id`,
    ),
    setMessageId: db.prepare('UPDATE outbox SET message_id = @messageId WHERE id = @id AND message_id IS NULL'),
    expireOverdue: db.prepare(
      `UPDATE outbox INDEXED BY outbox_deadline SET status = 'expired', lease_owner = NULL, lease_until = NULL, updated_at = @now,
         last_error = coalesce(last_error, 'not sent before its deadline'), last_error_code = coalesce(last_error_code, 'DEADLINE')
       WHERE deadline IS NOT NULL AND deadline <= @now AND status IN ('queued', 'sending')
         AND (status = 'queued' OR lease_until <= @now)
       RETURNING id, kind`,
    ),
    // Due rows, each from its partial index in index order (no sort): queued rows by not_before,
    // abandoned leases by lease_until. INDEXED BY keeps the plan whatever the statistics say.
    dueQueued: db.prepare<{ now: number; limit: number }, { id: number; t: number }>(
      `SELECT id, not_before AS t FROM outbox INDEXED BY outbox_queued_due
       WHERE status = 'queued' AND not_before <= @now ORDER BY not_before, id LIMIT @limit`,
    ),
    dueLeases: db.prepare<{ now: number; limit: number }, { id: number; t: number }>(
      `SELECT id, lease_until AS t FROM outbox INDEXED BY outbox_sending_lease
       WHERE status = 'sending' AND lease_until <= @now ORDER BY lease_until, id LIMIT @limit`,
    ),
    // Whether a claim would find anything: read before the write lock is taken, so that a run with
    // nothing to do never takes it. Each branch is one probe of a partial index.
    anyDue: db.prepare<{ now: number }, { due: number }>(
      `SELECT EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_queued_due WHERE status = 'queued' AND not_before <= @now)
           OR EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_sending_lease WHERE status = 'sending' AND lease_until <= @now)
           OR EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_deadline
                      WHERE deadline IS NOT NULL AND deadline <= @now AND status IN ('queued', 'sending')
                        AND (status = 'queued' OR lease_until <= @now)) AS due`,
    ),
    claim: db.prepare(
      `UPDATE outbox SET status = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1,
         last_attempt_at = @now, updated_at = @now
       WHERE id = @id AND (status = 'queued' OR (status = 'sending' AND lease_until <= @now))
       RETURNING *`,
    ),
    byId: db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?'),
    leased: db.prepare<[number, string], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE id = ? AND lease_owner = ? AND status = 'sending'`,
    ),
    // A row withdrawn while its send was in flight still records the truth: it was sent.
    markSent: db.prepare(
      `UPDATE outbox SET status = 'sent', sent_at = @now, updated_at = @now, lease_owner = NULL, lease_until = NULL,
         transport = @transport, smtp_response = @response, last_error = NULL, last_error_code = NULL,
         rendered_subject = @subject, rendered_text = @text, rendered_html = @html, rendered_ical = @ical, rendered_ical_method = @icalMethod
       WHERE id = @id AND lease_owner = @owner AND status IN ('sending', 'withdrawn')`,
    ),
    markRetry: db.prepare(
      `UPDATE outbox SET status = 'queued', not_before = @notBefore, updated_at = @now, lease_owner = NULL, lease_until = NULL,
         last_error = @error, last_error_code = @code, transport = coalesce(@transport, transport),
         rendered_subject = coalesce(@subject, rendered_subject), rendered_text = coalesce(@text, rendered_text),
         rendered_html = coalesce(@html, rendered_html), rendered_ical = coalesce(@ical, rendered_ical),
         rendered_ical_method = coalesce(@icalMethod, rendered_ical_method)
       WHERE id = @id AND lease_owner = @owner AND status = 'sending'`,
    ),
    markFinal: db.prepare(
      `UPDATE outbox SET status = @status, updated_at = @now, lease_owner = NULL, lease_until = NULL,
         last_error = @error, last_error_code = @code, withdrawn_reason = @withdrawnReason, transport = coalesce(@transport, transport),
         rendered_subject = coalesce(@subject, rendered_subject), rendered_text = coalesce(@text, rendered_text),
         rendered_html = coalesce(@html, rendered_html), rendered_ical = coalesce(@ical, rendered_ical),
         rendered_ical_method = coalesce(@icalMethod, rendered_ical_method)
       WHERE id = @id AND lease_owner = @owner AND status = 'sending'`,
    ),
    release: db.prepare(
      `UPDATE outbox SET status = 'queued', attempts = max(attempts - @uncount, 0), updated_at = @now,
         lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND status = 'sending'`,
    ),
    renew: db.prepare(
      `UPDATE outbox SET lease_until = @until WHERE lease_owner = @owner AND status = 'sending' AND lease_until < @until`,
    ),
    releaseOwned: db.prepare(
      `UPDATE outbox SET status = 'queued', attempts = max(attempts - 1, 0), updated_at = @now, lease_owner = NULL, lease_until = NULL
       WHERE lease_owner = @owner AND status = 'sending'`,
    ),
    requeue: db.prepare(
      `UPDATE outbox SET status = 'queued', attempts = 0, not_before = @now, updated_at = @now, lease_owner = NULL,
         lease_until = NULL, last_error = NULL, last_error_code = NULL, withdrawn_reason = NULL,
         deadline = CASE WHEN deadline IS NOT NULL AND deadline <= @now THEN NULL ELSE deadline END
       WHERE id = @id AND status IN ('failed', 'expired', 'withdrawn')`,
    ),
    state: db.prepare<[], MailStateRow>('SELECT * FROM mail_state WHERE id = 1'),
    pause: db.prepare(
      `UPDATE mail_state SET paused_until = @until, paused_at = coalesce(paused_at, @now), paused_reason = @reason, paused_code = @code
       WHERE id = 1`,
    ),
    resume: db.prepare('UPDATE mail_state SET paused_until = NULL, paused_at = NULL, paused_reason = NULL, paused_code = NULL WHERE id = 1'),
    touchRun: db.prepare(
      `UPDATE mail_state SET last_run_at = @now, last_sent_at = CASE WHEN @sent > 0 THEN @now ELSE last_sent_at END WHERE id = 1`,
    ),
    // From the counts the triggers of db/009_speed.sql keep.
    pending: db.prepare<[], { n: number }>(`SELECT coalesce(sum(n), 0) AS n FROM outbox_counts WHERE status IN ('queued', 'sending')`),
    shapes: new Map(),
  };
  cache.set(db, s);
  return s;
}

export function shape(db: DB, sql: string): Statement {
  const s = stmts(db);
  let st = s.shapes.get(sql);
  if (!st) {
    st = db.prepare(sql);
    s.shapes.set(sql, st);
  }
  return st;
}

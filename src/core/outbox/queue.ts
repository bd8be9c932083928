/**
 * The outbox repository: the only place with outbox SQL. Statements are prepared once per
 * database (cached in a WeakMap keyed by the connection).
 *
 * `enqueue` runs inside the caller's transaction when there is one (better-sqlite3 nests it as a
 * savepoint), so a change and the email it causes are committed together or not at all.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import { AppError } from '../errors.js';
import { isLanguage } from '../i18n/index.js';
import { validateZone } from '../time/index.js';
import { OUTBOX_STATUSES, type EnqueueInput, type OutboxRow, type OutboxStatus, type RenderedEmail } from './types.js';
import { redactCalendar, redactPersonalLinks } from './redact.js';

// ---------------------------------------------------------------------------------------------
// Input cleaning

/** Control characters (C0, DEL, C1) and Unicode line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** One line of text safe for a header: control characters become spaces, runs collapse, trimmed. */
export function singleLine(text: unknown, max = 200): string {
  return String(text ?? '')
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".][^\s@<>()[\]\\,;:"]*$/;

/** Invisible format characters (Unicode category Cf: zero-width spaces and joiners, U+2060, BOM, soft hyphen, bidi marks…). */
const FORMAT_CHARS = /\p{Cf}/gu;

/**
 * A single plain address (no display name, no list, no line breaks), cleaned so that the same
 * mailbox is always written the same way: invisible format characters removed, Unicode NFC, the
 * trailing dot of a fully qualified domain dropped and the domain in lower case. Anything else
 * that is not an address is an AppError naming `field`. The result is what is stored and sent.
 */
export function validateEmailAddress(email: unknown, field = 'email'): string {
  let e = typeof email === 'string' ? email.normalize('NFC').replace(FORMAT_CHARS, '').trim() : '';
  const at = e.lastIndexOf('@');
  const domain = at > 0 ? e.slice(at + 1).replace(/\.$/, '').toLowerCase() : '';
  if (at > 0) e = e.slice(0, at + 1) + domain;
  // Every label of the domain has something in it ("a..b", ".a" and a second trailing dot are not domains).
  if (!e || e.length > 254 || HAS_CONTROL.test(e) || !EMAIL_RE.test(e) || /^\.|\.\.|\.$/.test(domain)) {
    throw new AppError('email_invalid', 'not a valid email address', 400, field);
  }
  return e;
}

const KIND_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
const MAX_PAYLOAD = 64 * 1024;

/** Deterministic Message-ID of a row: the same row always gets the same one. */
export function messageIdFor(row: Pick<OutboxRow, 'id' | 'dedupe_key' | 'created_at'>, host: string): string {
  const hash = createHash('sha256').update(`${row.id}\n${row.dedupe_key}\n${row.created_at}`).digest('hex').slice(0, 20);
  const h = host.replace(/[^A-Za-z0-9.-]/g, '').replace(/^\.+|\.+$/g, '') || 'localhost';
  return `<outbox-${row.id}.${hash}@${h}>`;
}

// ---------------------------------------------------------------------------------------------
// Statements, prepared once per database

interface Statements {
  insert: Statement;
  upsert: Statement;
  setMessageId: Statement;
  expireOverdue: Statement;
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
  counts: Statement<[], { status: OutboxStatus; n: number }>;
  countsHub: Statement<[{ hubId: number }], { status: OutboxStatus; n: number }>;
  times: Statement<[], { oldest_queued: number | null; next_due: number | null }>;
  pending: Statement<[], { n: number }>;
  /** Dynamic shapes (withdraw, retime, list) keyed by their SQL. */
  shapes: Map<string, Statement>;
}

interface MailStateRow {
  paused_until: number | null;
  paused_at: number | null;
  paused_reason: string | null;
  paused_code: string | null;
  last_run_at: number | null;
  last_sent_at: number | null;
}

const cache = new WeakMap<DB, Statements>();

function stmts(db: DB): Statements {
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
      `UPDATE outbox SET status = 'expired', lease_owner = NULL, lease_until = NULL, updated_at = @now,
         last_error = coalesce(last_error, 'not sent before its deadline'), last_error_code = coalesce(last_error_code, 'DEADLINE')
       WHERE deadline IS NOT NULL AND deadline <= @now
         AND (status = 'queued' OR (status = 'sending' AND lease_until <= @now))
       RETURNING id, kind`,
    ),
    claim: db.prepare(
      `WITH due AS (
         SELECT * FROM (SELECT id, not_before AS t FROM outbox
                        WHERE status = 'queued' AND not_before <= @now ORDER BY not_before, id LIMIT @limit)
         UNION ALL
         SELECT * FROM (SELECT id, lease_until AS t FROM outbox
                        WHERE status = 'sending' AND lease_until <= @now ORDER BY lease_until, id LIMIT @limit)
       )
       UPDATE outbox SET status = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1,
         last_attempt_at = @now, updated_at = @now
       WHERE id IN (SELECT id FROM due ORDER BY t, id LIMIT @limit)
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
    counts: db.prepare<[], { status: OutboxStatus; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status'),
    countsHub: db.prepare<[{ hubId: number }], { status: OutboxStatus; n: number }>(
      `SELECT o.status, count(*) AS n FROM outbox o
       WHERE (o.session_id IN (SELECT id FROM sessions WHERE hub_id = @hubId)
         OR (o.session_id IN (SELECT session_id FROM session_hosts WHERE hub_id = @hubId)
             AND o.registration_id IN (SELECT r.id FROM registrations r WHERE r.hub_id = @hubId AND r.session_id = o.session_id)))
       GROUP BY o.status`,
    ),
    times: db.prepare<[], { oldest_queued: number | null; next_due: number | null }>(
      `SELECT (SELECT min(created_at) FROM outbox WHERE status IN ('queued', 'sending')) AS oldest_queued,
              (SELECT min(not_before) FROM outbox WHERE status = 'queued') AS next_due`,
    ),
    pending: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE status IN ('queued', 'sending')`),
    shapes: new Map(),
  };
  cache.set(db, s);
  return s;
}

function shape(db: DB, sql: string): Statement {
  const s = stmts(db);
  let st = s.shapes.get(sql);
  if (!st) {
    st = db.prepare(sql);
    s.shapes.set(sql, st);
  }
  return st;
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Queues one email. Call it inside the transaction of the change that causes it; it nests as a
 * savepoint. The same dedupe key twice gives one row: the second call returns null.
 * Throws AppError on invalid input (which rolls the caller's transaction back if it lets it propagate).
 */
export function enqueue(db: DB, msg: EnqueueInput, clock: Clock): number | null {
  const row = stmts(db).insert.get(rowParams(msg, clock)) as { id: number } | undefined;
  return row ? row.id : null;
}

/**
 * Like enqueue, but a row with the same key that is still queued, or was withdrawn, is brought
 * back (queued again with this input's recipient, payload, not-before and deadline). A row that
 * was sent, failed or expired, or is being sent right now, is left alone: returns null.
 * For re-timing (a moved session): withdraw the session's unsent rows, then ensureQueued the right ones.
 */
export function ensureQueued(db: DB, msg: EnqueueInput, clock: Clock): number | null {
  const row = stmts(db).upsert.get(rowParams(msg, clock)) as { id: number } | undefined;
  return row ? row.id : null;
}

/** Validates and cleans an EnqueueInput into statement parameters; throws AppError naming the field. */
function rowParams(msg: EnqueueInput, clock: Clock) {
  if (typeof msg.kind !== 'string' || !KIND_RE.test(msg.kind)) throw new AppError('email_kind_invalid', 'invalid email kind', 400, 'kind');
  const dedupeKey = typeof msg.dedupeKey === 'string' ? msg.dedupeKey : '';
  if (!dedupeKey || dedupeKey.length > 300 || singleLine(dedupeKey, 300) !== dedupeKey) {
    throw new AppError('email_dedupe_invalid', 'invalid dedupe key', 400, 'dedupeKey');
  }
  const email = validateEmailAddress(msg.to?.email, 'email');
  const name = singleLine(msg.to?.name ?? '', 200);
  if (!isLanguage(msg.language)) throw new AppError('language_invalid', 'unsupported language', 400, 'language');
  const zone = validateZone(msg.zone, 'zone');
  const payload = JSON.stringify(msg.payload ?? {});
  if (payload.length > MAX_PAYLOAD) throw new AppError('email_payload_too_large', 'email payload too large', 400, 'payload');
  const now = clock.now();
  const notBefore = msg.notBefore ?? now;
  const deadline = msg.deadline ?? null;
  if (!Number.isSafeInteger(notBefore) || (deadline !== null && !Number.isSafeInteger(deadline))) {
    throw new AppError('email_time_invalid', 'notBefore and deadline are epoch milliseconds', 400, 'notBefore');
  }
  return {
    kind: msg.kind,
    dedupeKey,
    email,
    name,
    language: msg.language,
    zone,
    sessionId: msg.sessionId ?? null,
    registrationId: msg.registrationId ?? null,
    payload,
    notBefore,
    deadline,
    now,
  };
}

/** Which rows a withdraw / retime applies to. Conditions combine with AND; at least one is required. */
export interface OutboxWhere {
  id?: number;
  sessionId?: number;
  registrationId?: number;
  kind?: string;
  dedupeKey?: string;
  /** Every key starting with this text, e.g. 'registration:42:' or 'registration:42:reminder:'. */
  dedupePrefix?: string;
}

function whereClause(where: OutboxWhere): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (where.id !== undefined) {
    parts.push('id = @w_id');
    params.w_id = where.id;
  }
  if (where.sessionId !== undefined) {
    parts.push('session_id = @w_session');
    params.w_session = where.sessionId;
  }
  if (where.registrationId !== undefined) {
    parts.push('registration_id = @w_registration');
    params.w_registration = where.registrationId;
  }
  if (where.kind !== undefined) {
    parts.push('kind = @w_kind');
    params.w_kind = where.kind;
  }
  if (where.dedupeKey !== undefined) {
    parts.push('dedupe_key = @w_key');
    params.w_key = where.dedupeKey;
  }
  if (where.dedupePrefix !== undefined) {
    if (where.dedupePrefix === '') throw new AppError('outbox_where_invalid', 'empty dedupe prefix', 400);
    // A range on the unique index: every key that starts with the prefix, compared byte-wise.
    parts.push('dedupe_key >= @w_prefix AND dedupe_key < @w_prefix_end');
    params.w_prefix = where.dedupePrefix;
    params.w_prefix_end = where.dedupePrefix + '\u{10FFFF}';
  }
  if (parts.length === 0) throw new AppError('outbox_where_invalid', 'withdraw/retime needs at least one condition', 400);
  return { sql: parts.join(' AND '), params };
}

/**
 * Withdraws rows that have not been sent (queued, or claimed but not yet recorded). Returns how
 * many. A send already in flight may still complete; it is then recorded as sent, truthfully.
 */
export function withdraw(db: DB, where: OutboxWhere, clock: Clock, reason = 'withdrawn'): number {
  const w = whereClause(where);
  const st = shape(
    db,
    `UPDATE outbox SET status = 'withdrawn', withdrawn_reason = @reason, updated_at = @now
     WHERE status IN ('queued', 'sending') AND ${w.sql}`,
  );
  return st.run({ ...w.params, reason: singleLine(reason, 200), now: clock.now() }).changes;
}

/** Moves the not-before and/or the deadline of queued rows (e.g. a session moved). Returns how many. */
export function retime(db: DB, where: OutboxWhere, change: { notBefore?: number; deadline?: number | null }, clock: Clock): number {
  const w = whereClause(where);
  const sets: string[] = ['updated_at = @now'];
  const params: Record<string, unknown> = { ...w.params, now: clock.now() };
  if (change.notBefore !== undefined) {
    sets.push('not_before = @notBefore');
    params.notBefore = change.notBefore;
  }
  if (change.deadline !== undefined) {
    sets.push('deadline = @deadline');
    params.deadline = change.deadline;
  }
  const st = shape(db, `UPDATE outbox SET ${sets.join(', ')} WHERE status = 'queued' AND ${w.sql}`);
  return st.run(params).changes;
}

/** Puts a failed, expired or withdrawn row back in the queue (organiser "send again"). Same Message-ID. */
export function requeue(db: DB, id: number, clock: Clock): boolean {
  return stmts(db).requeue.run({ id, now: clock.now() }).changes === 1;
}

// ---------------------------------------------------------------------------------------------
// Dispatcher side (used by dispatcher.ts)

export interface ClaimOptions {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** Host part of the Message-IDs given to rows that have none yet. */
  messageIdHost: string;
}

/**
 * One dispatcher step, in one IMMEDIATE transaction: expires overdue rows, then leases up to
 * `limit` due rows (queued and due, or sending with an expired lease) to `owner`.
 */
export function claimDue(db: DB, o: ClaimOptions): { claimed: OutboxRow[]; expired: { id: number; kind: string }[] } {
  const s = stmts(db);
  return db
    .transaction(() => {
      const expired = s.expireOverdue.all({ now: o.now }) as { id: number; kind: string }[];
      const claimed = s.claim.all({ now: o.now, owner: o.owner, leaseUntil: o.now + o.leaseMs, limit: o.limit }) as OutboxRow[];
      for (const row of claimed) {
        if (row.message_id === null) {
          row.message_id = messageIdFor(row, o.messageIdHost);
          s.setMessageId.run({ id: row.id, messageId: row.message_id });
        }
      }
      s.touchRun.run({ now: o.now, sent: 0 });
      claimed.sort((a, b) => a.id - b.id);
      return { claimed, expired };
    })
    .immediate();
}

type Rendered = Partial<Pick<RenderedEmail, 'subject' | 'text' | 'html'>> & { ical?: string | null; icalMethod?: string | null };

const renderedParams = (r: Rendered | undefined) => ({
  subject: r?.subject ?? null,
  text: r?.text ?? null,
  html: r?.html ?? null,
  ical: r?.ical ?? null,
  icalMethod: r?.icalMethod ?? null,
});

export function markSent(
  db: DB,
  id: number,
  owner: string,
  now: number,
  info: { transport: string; response: string | null; rendered: Rendered },
): boolean {
  const s = stmts(db);
  const ok = s.markSent.run({ id, owner, now, transport: info.transport, response: info.response, ...renderedParams(info.rendered) }).changes === 1;
  s.touchRun.run({ now, sent: 1 });
  return ok;
}

export function markRetry(
  db: DB,
  id: number,
  owner: string,
  now: number,
  retry: { notBefore: number; error: string; code: string; transport?: string | null; rendered?: Rendered },
): boolean {
  return (
    stmts(db).markRetry.run({
      id,
      owner,
      now,
      notBefore: retry.notBefore,
      error: retry.error,
      code: retry.code,
      transport: retry.transport ?? null,
      ...renderedParams(retry.rendered),
    }).changes === 1
  );
}

export function markFinal(
  db: DB,
  id: number,
  owner: string,
  now: number,
  status: 'failed' | 'expired' | 'withdrawn',
  info: { error?: string | null; code?: string | null; withdrawnReason?: string | null; transport?: string | null; rendered?: Rendered },
): boolean {
  return (
    stmts(db).markFinal.run({
      id,
      owner,
      now,
      status,
      error: info.error ?? null,
      code: info.code ?? null,
      withdrawnReason: info.withdrawnReason ?? null,
      transport: info.transport ?? null,
      ...renderedParams(info.rendered),
    }).changes === 1
  );
}

/** Gives a claimed row back to the queue; `uncountAttempt` undoes the attempt counted at the claim. */
export function releaseLease(db: DB, id: number, owner: string, now: number, uncountAttempt: boolean): boolean {
  return stmts(db).release.run({ id, owner, now, uncount: uncountAttempt ? 1 : 0 }).changes === 1;
}

/** Extends every lease `owner` holds to `now + leaseMs` (a dispatcher still working on its rows). Returns how many. */
export function renewLeases(db: DB, owner: string, now: number, leaseMs: number): number {
  return stmts(db).renew.run({ owner, until: now + leaseMs }).changes;
}

/** Gives every row `owner` holds back to the queue, due at once, its attempt uncounted (a dispatcher stopping). */
export function releaseOwnedLeases(db: DB, owner: string, now: number): number {
  return stmts(db).releaseOwned.run({ owner, now }).changes;
}

/** Whether `owner` still holds the row and nobody withdrew it: checked right before sending. */
export function stillLeased(db: DB, id: number, owner: string): boolean {
  return stmts(db).leased.get(id, owner)!.n === 1;
}

export function getOutboxRow(db: DB, id: number): OutboxRow | undefined {
  return stmts(db).byId.get(id);
}

export function pendingCount(db: DB): number {
  return stmts(db).pending.get()!.n;
}

// ---------------------------------------------------------------------------------------------
// Dispatcher pause (shared by every dispatcher process on the database)

export interface PauseState {
  paused: boolean;
  until: number | null;
  since: number | null;
  reason: string | null;
  code: string | null;
}

/** The stored pause; with `now`, `paused` says whether it is still in force at that instant. */
export function pauseState(db: DB, now?: number): PauseState {
  const r = stmts(db).state.get()!;
  return {
    paused: r.paused_until !== null && (now === undefined || r.paused_until > now),
    until: r.paused_until,
    since: r.paused_at,
    reason: r.paused_reason,
    code: r.paused_code,
  };
}

export function pauseDispatch(db: DB, p: { now: number; until: number; reason: string; code: string }): void {
  stmts(db).pause.run({ now: p.now, until: p.until, reason: singleLine(p.reason, 500), code: p.code });
}

/** Clears a pause (organiser "resume sending", or the dispatcher after a successful send). */
export function resumeDispatch(db: DB): void {
  stmts(db).resume.run();
}

// ---------------------------------------------------------------------------------------------
// Organiser mail view

/**
 * What a hub organiser sees (the access policy's mail rule): all mail about sessions their hub owns,
 * and for sessions it co-hosts only the mail to registrants who chose their hub. No hubId: everything
 * (administrators).
 */
export interface MailScope {
  hubId?: number;
}

export interface MailListItem {
  id: number;
  kind: string;
  status: OutboxStatus;
  recipientEmail: string;
  recipientName: string;
  language: string;
  zone: string;
  sessionId: number | null;
  sessionTitle: string | null;
  registrationId: number | null;
  subject: string | null;
  messageId: string | null;
  attempts: number;
  notBefore: number;
  deadline: number | null;
  sentAt: number | null;
  lastError: string | null;
  lastErrorCode: string | null;
  lastAttemptAt: number | null;
  transport: string | null;
  createdAt: number;
}

export interface MailDetail extends MailListItem {
  dedupeKey: string;
  withdrawnReason: string | null;
  smtpResponse: string | null;
  text: string | null;
  html: string | null;
  ical: string | null;
  icalMethod: string | null;
}

export interface MailFilter extends MailScope {
  status?: OutboxStatus;
  sessionId?: number;
  limit?: number;
  offset?: number;
}

type ListRow = OutboxRow & { session_title: string | null };

const toItem = (r: ListRow): MailListItem => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  recipientEmail: r.recipient_email,
  recipientName: r.recipient_name,
  language: r.language,
  zone: r.zone,
  sessionId: r.session_id,
  sessionTitle: r.session_title,
  registrationId: r.registration_id,
  subject: r.rendered_subject,
  messageId: r.message_id,
  attempts: r.attempts,
  notBefore: r.not_before,
  deadline: r.deadline,
  sentAt: r.sent_at,
  lastError: r.last_error,
  lastErrorCode: r.last_error_code,
  lastAttemptAt: r.last_attempt_at,
  transport: r.transport,
  createdAt: r.created_at,
});

function scopeFilter(f: MailFilter, params: Record<string, unknown>): string[] {
  const parts: string[] = [];
  if (f.status !== undefined) {
    if (!(OUTBOX_STATUSES as readonly string[]).includes(f.status)) throw new AppError('status_invalid', 'unknown mail status', 400, 'status');
    parts.push('o.status = @status');
    params.status = f.status;
  }
  if (f.sessionId !== undefined) {
    parts.push('o.session_id = @sessionId');
    params.sessionId = f.sessionId;
  }
  if (f.hubId !== undefined) {
    parts.push(`(o.session_id IN (SELECT id FROM sessions WHERE hub_id = @hubId)
         OR (o.session_id IN (SELECT session_id FROM session_hosts WHERE hub_id = @hubId)
             AND o.registration_id IN (SELECT r.id FROM registrations r WHERE r.hub_id = @hubId AND r.session_id = o.session_id)))`);
    params.hubId = f.hubId;
  }
  return parts;
}

/** A page of mail, newest first, with the total for paging. */
export function listMail(db: DB, filter: MailFilter = {}): { rows: MailListItem[]; total: number } {
  const params: Record<string, unknown> = {};
  const parts = scopeFilter(filter, params);
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
  const offset = Math.max(Math.trunc(filter.offset ?? 0), 0);
  const rows = shape(
    db,
    `SELECT o.id, o.kind, o.status, o.recipient_email, o.recipient_name, o.language, o.zone, o.session_id, o.registration_id,
       o.rendered_subject, o.message_id, o.attempts, o.not_before, o.deadline, o.sent_at, o.last_error, o.last_error_code,
       o.last_attempt_at, o.transport, o.created_at, s.title AS session_title
     FROM outbox o LEFT JOIN sessions s ON s.id = o.session_id ${where}
     ORDER BY o.id DESC LIMIT @limit OFFSET @offset`,
  ).all({ ...params, limit, offset }) as ListRow[];
  const total = (shape(db, `SELECT count(*) AS n FROM outbox o ${where}`).get(params) as { n: number }).n;
  return { rows: rows.map(toItem), total };
}

/** One email with its rendered copy (the local mailbox view), or undefined (also when out of scope). */
export function getMail(db: DB, id: number, scope: MailScope = {}): MailDetail | undefined {
  const params: Record<string, unknown> = { id };
  const parts = ['o.id = @id', ...scopeFilter({ hubId: scope.hubId }, params)];
  const r = shape(
    db,
    `SELECT o.*, s.title AS session_title FROM outbox o LEFT JOIN sessions s ON s.id = o.session_id WHERE ${parts.join(' AND ')}`,
  ).get(params) as ListRow | undefined;
  if (!r) return undefined;
  return {
    ...toItem(r),
    dedupeKey: r.dedupe_key,
    withdrawnReason: r.withdrawn_reason,
    smtpResponse: r.smtp_response,
    text: r.rendered_text,
    html: r.rendered_html,
    ical: r.rendered_ical,
    icalMethod: r.rendered_ical_method,
  };
}

export interface MailSummary {
  counts: Record<OutboxStatus, number>;
  total: number;
  /** Dispatcher pause (shared by all dispatchers), as of `now`. */
  pause: PauseState;
  oldestPendingAt: number | null;
  nextDueAt: number | null;
  lastRunAt: number | null;
  lastSentAt: number | null;
}

/** Counts by status and the dispatcher's state, for the organiser mail page. */
export function mailSummary(db: DB, scope: MailScope & { now?: number } = {}): MailSummary {
  const s = stmts(db);
  const counts = Object.fromEntries(OUTBOX_STATUSES.map((k) => [k, 0])) as Record<OutboxStatus, number>;
  const rows = scope.hubId === undefined ? s.counts.all() : s.countsHub.all({ hubId: scope.hubId });
  for (const r of rows) counts[r.status] = r.n;
  const times = s.times.get()!;
  const state = s.state.get()!;
  return {
    counts,
    total: rows.reduce((a, r) => a + r.n, 0),
    pause: pauseState(db, scope.now),
    oldestPendingAt: scope.hubId === undefined ? times.oldest_queued : null,
    nextDueAt: scope.hubId === undefined ? times.next_due : null,
    lastRunAt: state.last_run_at,
    lastSentAt: state.last_sent_at,
  };
}

/**
 * Replaces the personal links in copies kept before copies were kept without them (see redact.ts).
 * Returns the rows changed. Cheap to run again: rows without a personal link are left alone.
 */
export function redactKeptCopies(db: DB, publicUrl: string): number {
  const select = db.prepare(
    `SELECT id, rendered_subject, rendered_text, rendered_html, rendered_ical FROM outbox
     WHERE rendered_text IS NOT NULL OR rendered_html IS NOT NULL OR rendered_ical IS NOT NULL`,
  );
  const update = db.prepare(`UPDATE outbox SET rendered_subject = ?, rendered_text = ?, rendered_html = ?, rendered_ical = ? WHERE id = ?`);
  const plain = (v: string | null) => (v === null ? null : redactPersonalLinks(v, publicUrl));
  let n = 0;
  db.transaction(() => {
    const rows = select.all() as { id: number; rendered_subject: string | null; rendered_text: string | null; rendered_html: string | null; rendered_ical: string | null }[];
    for (const r of rows) {
      const next = [plain(r.rendered_subject), plain(r.rendered_text), plain(r.rendered_html), r.rendered_ical === null ? null : redactCalendar(r.rendered_ical, publicUrl)];
      if (next[0] === r.rendered_subject && next[1] === r.rendered_text && next[2] === r.rendered_html && next[3] === r.rendered_ical) continue;
      update.run(...next, r.id);
      n++;
    }
  }).immediate();
  return n;
}

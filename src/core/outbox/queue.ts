/**
 * The outbox queue: enqueue in the caller's transaction, withdraw, retime, requeue, the pause shared
 * by every dispatcher, and what a person's data export or erasure takes from the outbox. Its SQL is
 * in ./statements.ts (the dispatcher's leases in ./leases.ts).
 *
 * `enqueue` runs inside the caller's transaction when there is one (better-sqlite3 nests it as a
 * savepoint), so a change and the email it causes are committed together or not at all.
 */
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import { validateEmailAddress } from '../email-address.js';
import { AppError, mustExist } from '../errors.js';
import { isLanguage } from '../i18n/index.js';
import { headerLine } from '../text.js';
import { validateZone } from '../time/index.js';
import { shape, stmts } from './statements.js';
import type { EnqueueInput, OutboxRow } from './types.js';
import { redactCalendar, redactPersonalLinks } from './redact.js';
import { UNDELIVERABLE_REASON, undeliverable } from './undeliverable.js';

const KIND_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
const MAX_PAYLOAD = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Queues one email. Call it inside the transaction of the change that causes it; it nests as a
 * savepoint. The same dedupe key twice gives one row: the second call returns null.
 * Throws AppError on invalid input (which rolls the caller's transaction back if it lets it propagate).
 */
export function enqueue(db: DB, msg: EnqueueInput, clock: Clock): number | null {
  const row = stmts(db).insert.get(rowParams(msg, clock)) as { id: number } | undefined;
  if (row) refuseUndeliverable(db, row.id, msg, clock);
  return row ? row.id : null;
}

/** Mail to an address that bounced for good is kept, withdrawn, so the organiser sees why it never went. */
function refuseUndeliverable(db: DB, id: number, msg: EnqueueInput, clock: Clock): void {
  if (typeof msg.to?.email === 'string' && undeliverable(db, msg.to.email)) withdraw(db, { id }, clock, UNDELIVERABLE_REASON);
}

/**
 * Like enqueue, but a row with the same key that is still queued, or was withdrawn, is brought
 * back (queued again with this input's recipient, payload, not-before and deadline). A row that
 * was sent, failed or expired, or is being sent right now, is left alone: returns null.
 * For re-timing (a moved session): withdraw the session's unsent rows, then ensureQueued the right ones.
 */
export function ensureQueued(db: DB, msg: EnqueueInput, clock: Clock): number | null {
  const row = stmts(db).upsert.get(rowParams(msg, clock)) as { id: number } | undefined;
  if (row) refuseUndeliverable(db, row.id, msg, clock);
  return row ? row.id : null;
}

/** Validates and cleans an EnqueueInput into statement parameters; throws AppError naming the field. */
function rowParams(msg: EnqueueInput, clock: Clock) {
  if (typeof msg.kind !== 'string' || !KIND_RE.test(msg.kind)) throw new AppError('email_kind_invalid', 'invalid email kind', 400, 'kind');
  const dedupeKey = typeof msg.dedupeKey === 'string' ? msg.dedupeKey : '';
  if (!dedupeKey || dedupeKey.length > 300 || headerLine(dedupeKey, 300) !== dedupeKey) {
    throw new AppError('email_dedupe_invalid', 'invalid dedupe key', 400, 'dedupeKey');
  }
  const email = validateEmailAddress(msg.to?.email, 'email');
  const name = headerLine(msg.to?.name ?? '', 200);
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
  return st.run({ ...w.params, reason: headerLine(reason, 200), now: clock.now() }).changes;
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

export function getOutboxRow(db: DB, id: number): OutboxRow | undefined {
  return stmts(db).byId.get(id);
}

export function pendingCount(db: DB): number {
  return mustExist(stmts(db).pending.get(), 'outbox count').n;
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
  const r = mustExist(stmts(db).state.get(), 'mail state');
  return {
    paused: r.paused_until !== null && (now === undefined || r.paused_until > now),
    until: r.paused_until,
    since: r.paused_at,
    reason: r.paused_reason,
    code: r.paused_code,
  };
}

export function pauseDispatch(db: DB, p: { now: number; until: number; reason: string; code: string }): void {
  stmts(db).pause.run({ now: p.now, until: p.until, reason: headerLine(p.reason, 500), code: p.code });
}

/** When the dispatchers last ran and last sent (any process on this database). */
export function dispatchTimes(db: DB): { lastRunAt: number | null; lastSentAt: number | null } {
  const r = mustExist(stmts(db).state.get(), 'mail state');
  return { lastRunAt: r.last_run_at, lastSentAt: r.last_sent_at };
}

/** Clears a pause (organiser "resume sending", or the dispatcher after a successful send). */
export function resumeDispatch(db: DB): void {
  stmts(db).resume.run();
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

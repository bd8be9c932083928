/**
 * The organiser mail page's data: the outbox as a mailbox, filtered by the access policy's mail
 * scope. Reads only; sending again and resuming go through the outbox queue in core.
 */
import type { Statement } from 'better-sqlite3';
import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { AppError, mustExist } from '../../core/errors.js';
import { dispatchTimes, pauseState, type PauseState } from '../../core/outbox/queue.js';
import { OUTBOX_STATUSES, type OutboxRow, type OutboxStatus } from '../../core/outbox/types.js';

/** The access policy's mail rule for a hub, in SQL (outbox rows as `o`). */
const HUB_SCOPE = `(o.session_id IN (SELECT id FROM sessions WHERE hub_id = @hubId)
         OR (o.session_id IN (SELECT session_id FROM session_hosts WHERE hub_id = @hubId)
             AND o.registration_id IN (SELECT r.id FROM registrations r WHERE r.hub_id = @hubId AND r.session_id = o.session_id)))`;

interface Statements {
  counts: Statement<[], { status: OutboxStatus; n: number }>;
  countsHub: Statement<[{ hubId: number }], { status: OutboxStatus; n: number }>;
  times: Statement<[], { oldest_queued: number | null; next_due: number | null }>;
  /** The list and detail queries, one per shape of filter, keyed by their SQL. */
  shapes: Map<string, Statement>;
}

const statements = perDatabase(
  (db): Statements => ({
    // Kept by the triggers of db/009_speed.sql.
    counts: db.prepare<[], { status: OutboxStatus; n: number }>('SELECT status, n FROM outbox_counts WHERE n > 0'),
    countsHub: db.prepare<[{ hubId: number }], { status: OutboxStatus; n: number }>(
      `SELECT o.status, count(*) AS n FROM outbox o WHERE ${HUB_SCOPE} GROUP BY o.status`,
    ),
    times: db.prepare<[], { oldest_queued: number | null; next_due: number | null }>(
      `SELECT (SELECT created_at FROM outbox INDEXED BY outbox_pending_created
               WHERE status IN ('queued', 'sending') ORDER BY created_at LIMIT 1) AS oldest_queued,
              (SELECT not_before FROM outbox INDEXED BY outbox_queued_due WHERE status = 'queued' ORDER BY not_before LIMIT 1) AS next_due`,
    ),
    shapes: new Map(),
  }),
);

function shape(db: DB, sql: string): Statement {
  const shapes = statements(db).shapes;
  let st = shapes.get(sql);
  if (!st) shapes.set(sql, (st = db.prepare(sql)));
  return st;
}

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
    parts.push(HUB_SCOPE);
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
  // Without a session or hub, the total is read from the kept counts rather than counted.
  const total =
    filter.sessionId === undefined && filter.hubId === undefined
      ? statusTotal(db, filter.status)
      : (shape(db, `SELECT count(*) AS n FROM outbox o ${where}`).get(params) as { n: number }).n;
  return { rows: rows.map(toItem), total };
}

function statusTotal(db: DB, status: OutboxStatus | undefined): number {
  return statements(db)
    .counts.all()
    .reduce((a, r) => (status === undefined || r.status === status ? a + r.n : a), 0);
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
  const s = statements(db);
  const counts = Object.fromEntries(OUTBOX_STATUSES.map((k) => [k, 0])) as Record<OutboxStatus, number>;
  const rows = scope.hubId === undefined ? s.counts.all() : s.countsHub.all({ hubId: scope.hubId });
  for (const r of rows) counts[r.status] = r.n;
  const times = mustExist(s.times.get(), 'mail times');
  const state = dispatchTimes(db);
  return {
    counts,
    total: rows.reduce((a, r) => a + r.n, 0),
    pause: pauseState(db, scope.now),
    oldestPendingAt: scope.hubId === undefined ? times.oldest_queued : null,
    nextDueAt: scope.hubId === undefined ? times.next_due : null,
    lastRunAt: state.lastRunAt,
    lastSentAt: state.lastSentAt,
  };
}

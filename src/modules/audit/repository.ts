/**
 * The audit log page's reads: entries newest first, a page at a time (keyset: an entry's time and
 * id), filtered by action, actor, session and time, within the access policy's audit scope. Written
 * by core/audit (one insert, and the pruning by time); read only here.
 */
import type { Statement } from 'better-sqlite3';
import type { AuditAccess } from '../../core/access/index.js';
import type { AuditAction, AuditActorKind, AuditSubjectType } from '../../core/audit/index.js';
import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';

/**
 * The access policy's audit rule for a hub organiser, in SQL (entries as `a`): their own actions,
 * entries about their account, about their hub (`hub_id`: its sessions, its details) and about the
 * sessions it owns or co-hosts.
 */
const HUB_SCOPE = `(a.actor_id = @me
         OR (a.subject_type = 'organiser' AND a.subject_id = @me)
         OR a.hub_id = @hubId
         OR a.session_id IN (SELECT id FROM sessions WHERE hub_id = @hubId)
         OR a.session_id IN (SELECT session_id FROM session_hosts WHERE hub_id = @hubId))`;

export interface AuditFilter {
  action?: AuditAction;
  actorId?: number;
  /** Entries by the command line, the system or nobody known (an organiser is chosen by `actorId`). */
  actorKind?: 'cli' | 'system' | 'anonymous';
  sessionId?: number;
  /** Entries at or after this instant (epoch ms). */
  from?: number;
  /** Entries before this instant (epoch ms). */
  until?: number;
}

/** Where a page starts: just older than this entry. */
export interface AuditCursor {
  at: number;
  id: number;
}

export interface AuditRow {
  id: number;
  at: number;
  actorKind: AuditActorKind;
  actorId: number | null;
  actorLabel: string;
  action: AuditAction;
  sessionId: number | null;
  /** The session's title now; null when it was removed since. */
  sessionTitle: string | null;
  hubId: number | null;
  subjectType: AuditSubjectType | null;
  subjectId: number | null;
  detail: Record<string, unknown>;
}

interface Row {
  id: number;
  at: number;
  actor_kind: AuditActorKind;
  actor_id: number | null;
  actor_label: string;
  action: AuditAction;
  session_id: number | null;
  session_title: string | null;
  hub_id: number | null;
  subject_type: AuditSubjectType | null;
  subject_id: number | null;
  detail: string;
}

function parseDetail(text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const toRow = (r: Row): AuditRow => ({
  id: r.id,
  at: r.at,
  actorKind: r.actor_kind,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  action: r.action,
  sessionId: r.session_id,
  sessionTitle: r.session_title,
  hubId: r.hub_id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  detail: parseDetail(r.detail),
});

/** The list query, one statement per shape of filter (keyed by its SQL), prepared once each. */
const shapes = perDatabase((): Map<string, Statement> => new Map());

function shape(db: DB, sql: string): Statement {
  const cache = shapes(db);
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.prepare(sql)));
  return st;
}

/**
 * Up to `limit` entries the scope allows, newest first, after `cursor`; `next` is where the
 * following page starts (undefined on the last page).
 */
export function listAudit(db: DB, scope: AuditAccess, filter: AuditFilter, limit: number, cursor?: AuditCursor): { rows: AuditRow[]; next?: AuditCursor } {
  const params: Record<string, unknown> = { limit: limit + 1 };
  const parts: string[] = [];
  if (filter.action !== undefined) {
    parts.push('a.action = @action');
    params.action = filter.action;
  }
  if (filter.actorId !== undefined) {
    parts.push('a.actor_id = @actorId');
    params.actorId = filter.actorId;
  }
  if (filter.actorKind !== undefined) {
    parts.push('a.actor_kind = @actorKind');
    params.actorKind = filter.actorKind;
  }
  if (filter.sessionId !== undefined) {
    parts.push('a.session_id = @sessionId');
    params.sessionId = filter.sessionId;
  }
  if (filter.from !== undefined) {
    parts.push('a.at >= @from');
    params.from = filter.from;
  }
  if (filter.until !== undefined) {
    parts.push('a.at < @until');
    params.until = filter.until;
  }
  if (cursor !== undefined) {
    parts.push('(a.at < @cursorAt OR (a.at = @cursorAt AND a.id < @cursorId))');
    params.cursorAt = cursor.at;
    params.cursorId = cursor.id;
  }
  if (!('all' in scope)) {
    parts.push(HUB_SCOPE);
    params.hubId = scope.hubId;
    params.me = scope.organiserId;
  }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = shape(
    db,
    `SELECT a.id, a.at, a.actor_kind, a.actor_id, a.actor_label, a.action, a.session_id, s.title AS session_title, a.hub_id,
       a.subject_type, a.subject_id, a.detail
     FROM audit_log a LEFT JOIN sessions s ON s.id = a.session_id ${where}
     ORDER BY a.at DESC, a.id DESC LIMIT @limit`,
  ).all(params) as Row[];
  const page = rows.slice(0, limit).map(toRow);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { at: last.at, id: last.id } : undefined };
}

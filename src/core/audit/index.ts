/**
 * The audit log's writer: who did what and when, one row per action, written with one prepared
 * insert inside the caller's transaction (so an entry commits with the change it records, or not at
 * all). Every module records through here; the organiser's page that reads the log is modules/audit.
 *
 * An entry never holds personal data of registrants: a registration is named by its id, a message
 * by how many it went to. An organiser is named by id (and, as the actor, by the name they had then);
 * no entry holds an email address (an invitation is named by its id, role and hub, never its address).
 */
import type { DB } from '../db/open.js';
import { perDatabase } from '../db/per-db.js';

/** What can be recorded (the migration's CHECK holds the same list). */
export const AUDIT_ACTIONS = [
  'session.created',
  'session.updated',
  'session.cancelled',
  'session.hosts',
  'registration.added',
  'registration.cancelled',
  'registration.promoted',
  'attendance.recorded',
  'message.sent',
  'followup.sent',
  'export.downloaded',
  'organiser.invited',
  'invitation.withdrawn',
  'organiser.created',
  'organiser.changed',
  'organiser.deactivated',
  'organiser.reactivated',
  'password.changed',
  'password.resetRequested',
  'password.reset',
  'hub.changed',
  'token.created',
  'token.revoked',
  'login.failed',
  'login.succeeded',
  'demo.removed',
  'call.opened',
  'call.changed',
  'call.closed',
  'call.invited',
  'proposal.submitted',
  'proposal.changed',
  'proposal.decided',
  'agenda.changed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const isAuditAction = (x: unknown): x is AuditAction => typeof x === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(x);

export type AuditActorKind = 'organiser' | 'token' | 'cli' | 'system' | 'anonymous';

/** Who acted: an organiser (by id, with their name then), an API token of an organiser, the command line, the system, or nobody known. */
export interface AuditActor {
  kind: AuditActorKind;
  organiserId: number | null;
  /** The organiser's name at the time, or the token's name; '' for the others. */
  label: string;
}

const label = (text: string) => text.replace(/[\p{Cc}]/gu, '').trim().slice(0, 200);

/** An organiser acting in the organiser area. */
export function organiserActor(o: { id: number; name: string }): AuditActor {
  return { kind: 'organiser', organiserId: o.id, label: label(o.name) };
}

/** An organiser acting through one of their API tokens (named by the token's name). */
export function tokenActor(o: { id: number }, tokenName: string): AuditActor {
  return { kind: 'token', organiserId: o.id, label: label(tokenName) };
}

export const CLI_ACTOR: AuditActor = Object.freeze({ kind: 'cli', organiserId: null, label: '' });
export const SYSTEM_ACTOR: AuditActor = Object.freeze({ kind: 'system', organiserId: null, label: '' });
/** Nobody known (a failed login, a password reset asked for on the public form). */
export const ANONYMOUS_ACTOR: AuditActor = Object.freeze({ kind: 'anonymous', organiserId: null, label: '' });

export type AuditSubjectType = 'session' | 'registration' | 'organiser' | 'token' | 'hub';

/** A detail value: ids, counts, codes and field names, never a registrant's name or address. */
export type AuditDetailValue = string | number | boolean | null | readonly (string | number)[];

export interface AuditEntry {
  action: AuditAction;
  actor: AuditActor;
  /** The session concerned, and its owning hub (what a hub organiser's view of the log is scoped by). */
  session?: { id: number; hubId: number };
  /** The hub concerned when the entry is about a hub itself rather than one of its sessions (its details). */
  hubId?: number;
  subject?: { type: AuditSubjectType; id: number };
  detail?: Record<string, AuditDetailValue>;
}

/** The audit log's statements: the one insert, and the pruning by time. */
export class AuditWriter {
  private readonly insert;
  private readonly prune;

  constructor(db: DB) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_kind, actor_id, actor_label, action, session_id, hub_id, subject_type, subject_id, detail)
       VALUES (@at, @actorKind, @actorId, @actorLabel, @action, @sessionId, @hubId, @subjectType, @subjectId, @detail)`,
    );
    this.prune = db.prepare('DELETE FROM audit_log WHERE at < ?');
  }

  /** Records one entry at `at` (the injected clock's now), in the caller's transaction if there is one. */
  record(entry: AuditEntry, at: number): void {
    this.insert.run({
      at,
      actorKind: entry.actor.kind,
      actorId: entry.actor.organiserId,
      actorLabel: entry.actor.label,
      action: entry.action,
      sessionId: entry.session?.id ?? null,
      hubId: entry.session?.hubId ?? entry.hubId ?? null,
      subjectType: entry.subject?.type ?? null,
      subjectId: entry.subject?.id ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    });
  }

  /** Deletes the entries recorded before `before` (retention); returns how many. */
  pruneBefore(before: number): number {
    return this.prune.run(before).changes;
  }
}

/** The AuditWriter of a database, built once per connection. */
export const auditWriter = perDatabase((db) => new AuditWriter(db));

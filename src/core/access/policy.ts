/**
 * The access policy: who may do what, decided in one place. Every organiser route, API operation and
 * service that touches a session, its people or its mail asks here.
 *
 * Roles, relative to one session:
 * - administrator: everything;
 * - organiser of the owning hub: everything about the session (times, title, capacity, hosts, cancel,
 *   registrations, mail, poll, attendance, follow-ups, materials, agenda, its call for case studies);
 * - organiser of a co-hosting hub: reads the session; sees, exports, messages and marks attendance only
 *   for the registrants who chose their hub, and their own hub's mail; sees the call for case studies
 *   and its proposals; changes nothing about the session itself, its hosts, its poll, its materials,
 *   its agenda, its call or other hubs' people;
 * - organiser of any other hub: nothing personal, no change.
 *
 * Queries returning personal data take a `PersonalScope` from `personalScope` and filter in SQL.
 */
import { AppError } from '../errors.js';

/** The part of an organiser the policy looks at. */
export interface Actor {
  role: 'admin' | 'hub';
  hubId: number | null;
}

/** The part of a session the policy looks at. */
export interface SessionResource {
  hubId: number;
  coHostIds: readonly number[];
}

export type Relation = 'admin' | 'owner' | 'cohost' | 'none';

/** Actions on one session. */
export type SessionAction =
  /** see the session in the organiser area (its join link, its pages) */
  | 'session.read'
  /** change times, title, capacity, series, status… */
  | 'session.edit'
  /** change the owning hub or the co-hosting hubs */
  | 'session.hosts'
  | 'session.cancel'
  /** list, export (CSV) and count registrations (within the personal scope) */
  | 'registrations.read'
  /** add by hand, cancel, move from the waitlist, custom questions */
  | 'registrations.manage'
  /** message registrants (within the personal scope) */
  | 'registrations.message'
  /** see and mark attendance by hand (within the personal scope) */
  | 'attendance.mark'
  /** import a participants CSV (matches any registrant) */
  | 'attendance.import'
  | 'followups.manage'
  /** open the poll page (slots, results) */
  | 'poll.read'
  /** see the poll's voters (names and addresses) */
  | 'poll.voters'
  /** create, configure, add slots, invite, close, pick */
  | 'poll.manage'
  /** add, edit, remove and reorder the session's materials (co-hosting hubs only see them, with session.read) */
  | 'materials.manage'
  /** add, edit, remove and reorder the session's agenda (co-hosting hubs only see it, with session.read) */
  | 'agenda.manage'
  /** see the session's call for case studies and its proposals (co-hosting hubs too) */
  | 'calls.read'
  /** open, change and close the call, invite people to propose, decide on proposals, export them */
  | 'calls.manage';

const COHOST_ALLOWED: ReadonlySet<SessionAction> = new Set<SessionAction>([
  'session.read',
  'registrations.read',
  'registrations.message',
  'attendance.mark',
  'calls.read',
]);

/** Where the actor stands towards a session. */
export function relationTo(actor: Actor, session: SessionResource): Relation {
  if (actor.role === 'admin') return 'admin';
  if (actor.hubId === null) return 'none';
  if (session.hubId === actor.hubId) return 'owner';
  if (session.coHostIds.includes(actor.hubId)) return 'cohost';
  return 'none';
}

/** Whether the actor may take this action on this session. */
export function can(actor: Actor, action: SessionAction, session: SessionResource): boolean {
  const rel = relationTo(actor, session);
  if (rel === 'admin' || rel === 'owner') return true;
  if (rel === 'cohost') return COHOST_ALLOWED.has(action);
  return false;
}

export const forbiddenError = (message = 'forbidden') => new AppError('forbidden', message, 403);

/** Throws the 403 'forbidden' AppError unless the actor may take the action. */
export function assertCan(actor: Actor, action: SessionAction, session: SessionResource): void {
  if (!can(actor, action, session)) {
    throw forbiddenError(relationTo(actor, session) === 'none' ? 'this session belongs to another hub' : `a co-hosting hub may not do this (${action})`);
  }
}

/**
 * Which people of a session a query may return: all of them, or only those who chose one hub
 * (registrations.hub_id = hubId).
 */
export type PersonalScope = { all: true } | { hubId: number };

export const ALL: PersonalScope = Object.freeze({ all: true });

/** The personal scope of an actor on a session; throws 403 when the actor may see no one. */
export function personalScope(actor: Actor, session: SessionResource): PersonalScope {
  const rel = relationTo(actor, session);
  if (rel === 'admin' || rel === 'owner') return ALL;
  if (rel === 'cohost' && actor.hubId !== null) return { hubId: actor.hubId };
  throw forbiddenError('this session belongs to another hub');
}

/**
 * Mail an organiser may see across sessions: everything (administrator), or for a hub organiser the
 * mail of sessions their hub owns plus, for sessions it co-hosts, the mail to registrants who chose it.
 */
export type MailAccess = { all: true } | { hubId: number };

export function mailAccess(actor: Actor): MailAccess {
  if (actor.role === 'admin') return ALL;
  // A hub organiser without a hub sees nothing: no hub has id -1.
  return { hubId: actor.hubId ?? -1 };
}

/**
 * Audit log entries an organiser may see: everything (administrator), or for a hub organiser:
 * - the entries about sessions their hub owns or co-hosts (or owned when the entry was written);
 * - the entries about their hub itself (its details changed, by whoever), which carry its hub id;
 * - their own actions, and those about their own account (its creation, a failed login on it, its
 *   role or hub changed, deactivated or reactivated, its password changed, reset or a reset asked for).
 * Accounts are a person's, not a hub's: a hub organiser does not see a colleague's account entries,
 * nor invitations (administrators' business; they name no account yet), even for their own hub.
 */
export type AuditAccess = { all: true } | { hubId: number; organiserId: number };

export function auditAccess(actor: Actor, organiserId: number): AuditAccess {
  if (actor.role === 'admin') return { all: true };
  // A hub organiser without a hub sees only their own entries: no hub has id -1.
  return { hubId: actor.hubId ?? -1, organiserId };
}

/** Administrator-only actions that are not about one session. */
export type GlobalAction = 'mail.resume' | 'series.any' | 'demo.remove' | 'organisers.manage';

export function canGlobal(actor: Actor, _action: GlobalAction): boolean {
  return actor.role === 'admin';
}

export function assertCanGlobal(actor: Actor, action: GlobalAction): void {
  if (!canGlobal(actor, action)) throw forbiddenError('only an administrator may do this');
}

/**
 * Which hub an organiser may make a session's owner: an administrator any hub; a hub organiser their
 * own hub, or the current owner kept as it is.
 */
export function canAssignOwner(actor: Actor, hubId: number, currentOwner?: number): boolean {
  if (actor.role === 'admin') return true;
  return hubId === actor.hubId || hubId === currentOwner;
}

/**
 * Whether a hub may put a session in a series: an administrator always; a hub when it owns a session
 * there or an administrator allowed it (`allowed` answers from the series' hubs).
 */
export function canUseSeries(actor: Actor, hubId: number, allowed: (hubId: number) => boolean): boolean {
  if (actor.role === 'admin') return true;
  return actor.hubId === hubId && allowed(hubId);
}

/**
 * A hub's own details (names, coordinator, contact mailbox): an administrator or an organiser of
 * that hub may change them; every organiser may read them.
 */
export function canEditHub(actor: Actor, hubId: number): boolean {
  return actor.role === 'admin' || (actor.hubId !== null && actor.hubId === hubId);
}

export function assertCanEditHub(actor: Actor, hubId: number): void {
  if (!canEditHub(actor, hubId)) throw forbiddenError("only this hub's organisers or an administrator may change its details");
}

/**
 * Proposing a case study to a session's open call: every organiser (of any hub, and administrators)
 * may, through the organiser area; people invited by email propose through their personal link.
 * Reviewing the proposals is `calls.read` / `calls.manage` on the session.
 */
export function canPropose(actor: Actor): boolean {
  return actor.role === 'admin' || actor.hubId !== null;
}

export function assertCanPropose(actor: Actor): void {
  if (!canPropose(actor)) throw forbiddenError('only organisers of a hub or administrators may propose a case study here');
}

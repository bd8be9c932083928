/**
 * The audit log as an organiser may read it: the access policy's audit scope, the filters checked
 * (each bad one named), dates read as whole days in the viewer's zone, a page at a time.
 */
import { auditAccess } from '../../core/access/index.js';
import { isAuditAction } from '../../core/audit/index.js';
import type { DB } from '../../core/db/open.js';
import { FieldErrors } from '../../core/errors.js';
import { str } from '../../core/text.js';
import { addDays, startOfDayInZone } from '../../core/time/index.js';
import type { Organiser, OrganiserRepository } from '../organisers/index.js';
import type { Hub, HubRepository } from '../sessions/index.js';
import { listAudit, type AuditCursor, type AuditFilter, type AuditRow } from './repository.js';

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 50;

/** The page's filters as typed (every one text, '' when not set). */
export interface AuditQuery {
  action?: unknown;
  actor?: unknown;
  session?: unknown;
  from?: unknown;
  to?: unknown;
  before?: unknown;
}

const ID = /^[1-9]\d{0,14}$/;
/** The actors that are no organiser, as the actor filter offers them. */
export const OTHER_ACTORS = ['cli', 'system', 'anonymous'] as const;
const isOtherActor = (x: string): x is (typeof OTHER_ACTORS)[number] => (OTHER_ACTORS as readonly string[]).includes(x);
const CURSOR = /^(\d{1,15})-(\d{1,15})$/;

/** The opaque place where a page starts (an entry's time and id). */
export function encodeAuditCursor(c: AuditCursor): string {
  return `${c.at}-${c.id}`;
}

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { hubs: HubRepository; organisers: OrganiserRepository };

export class AuditService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
  ) {}

  /** The organisers an entry may name (the actor filter's choices, the subjects' names). */
  organisers(): Organiser[] {
    return this.repos.organisers.list();
  }

  hubs(): Hub[] {
    return this.repos.hubs.list();
  }

  /**
   * One page of the entries `o` may see, newest first. `zone` is the viewer's: `from` and `to` are
   * whole days there (both included). Throws a ValidationError naming each bad filter.
   */
  page(o: Organiser, query: AuditQuery, zone: string): { rows: AuditRow[]; next?: string } {
    const errs = new FieldErrors();
    const filter: AuditFilter = {};
    const action = str(query.action).trim();
    if (action) {
      if (isAuditAction(action)) filter.action = action;
      else errs.add('action', 'audit_action_invalid', 'choose an action from the list');
    }
    const actor = str(query.actor).trim();
    if (actor) {
      if (ID.test(actor)) filter.actorId = Number(actor);
      else if (isOtherActor(actor)) filter.actorKind = actor;
      else errs.add('actor', 'audit_actor_invalid', 'choose an organiser from the list');
    }
    const session = str(query.session).trim().replace(/^#/, '');
    if (session) {
      if (ID.test(session)) filter.sessionId = Number(session);
      else errs.add('session', 'audit_session_invalid', 'a session number, such as 12');
    }
    const from = str(query.from).trim();
    const to = str(query.to).trim();
    if (from) filter.from = errs.catch('from', () => startOfDayInZone(from, zone, 'from'));
    if (to) {
      const day = errs.catch('to', () => startOfDayInZone(to, zone, 'to'));
      // Up to the end of that day: the start of the next one.
      if (day !== undefined) filter.until = startOfDayInZone(addDays(to, 1), zone, 'to');
    }
    if (filter.from !== undefined && filter.until !== undefined && filter.until <= filter.from) {
      errs.add('to', 'audit_range_invalid', 'the last day comes before the first');
    }
    let cursor: AuditCursor | undefined;
    const before = str(query.before).trim();
    if (before) {
      const m = CURSOR.exec(before);
      if (m) cursor = { at: Number(m[1]), id: Number(m[2]) };
      else errs.add('before', 'audit_cursor_invalid', 'this page link is not valid: start again from the newest entries');
    }
    errs.throwIfAny();
    const { rows, next } = listAudit(this.db, auditAccess(o, o.id), filter, AUDIT_PAGE_SIZE, cursor);
    return { rows, next: next && encodeAuditCursor(next) };
  }
}

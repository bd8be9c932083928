import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { DB } from '../../core/db/open.js';
import { immediate } from '../../core/db/open.js';
import { AppError, FieldErrors, ValidationError, mustExist, notFound } from '../../core/errors.js';
import { assertCan, can, type SessionAction } from '../../core/access/index.js';
import { auditWriter, organiserActor, type AuditActor } from '../../core/audit/index.js';
import type { Hub, HubRepository } from './hubs-repository.js';
import type { SessionRepository } from './repository.js';
import type { Series, SeriesRepository } from './series-repository.js';
import type { Organiser } from '../organisers/index.js';
import type { ListFilter, ListKey, ListPage, Session, SessionData } from './repository.js';
import { addDays, validateZone } from '../../core/time/index.js';
import { daysBetween, isCalendarDate, matchesOrdinal, repeatDates, repeatInstants, type RepeatInstant, type RepeatRule } from '../../core/time/repeat.js';
import { mergeRefusals, parseRepeat, refusalOf, wallTimeRefusal, wantsRepeat, type RepeatInput } from './repeat.js';
import { slugify, str } from '../../core/text.js';
import { jitsiRoomUrl, newJitsiRoom } from './rooms.js';
import { SessionValidator, type SessionInput } from './validate.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { hubs: HubRepository; series: SeriesRepository; sessions: SessionRepository };

export type { SessionInput } from './validate.js';

export type SessionChangeKind = 'created' | 'updated' | 'cancelled';

/** Fields whose change matters to people holding an invite. */
export const INVITE_FIELDS = ['title', 'startUtc', 'endUtc', 'joinUrl', 'status'] as const;

export interface SessionChange {
  kind: SessionChangeKind;
  before?: Session;
  after: Session;
  /** Names of the fields that changed (for updates). */
  changed: string[];
  actor?: Organiser;
}

/**
 * Listeners run inside the transaction that changes the session, so anything they write (outbox
 * rows for updated invites, re-timed reminders) is committed together with the change or not at all.
 */
export type SessionListener = (change: SessionChange) => void;

/** The sessions a repeat makes, checked and not yet stored: the first session's data and each date with its instant. */
export interface RepeatPlan {
  data: SessionData;
  rule: RepeatRule | undefined;
  items: { date: string; startUtc: number }[];
}

/** Which sessions an edit changes: only this one, or this one and the later sessions of its series. */
export type EditScope = 'this' | 'following';


export class SessionService {
  private readonly listeners: SessionListener[] = [];

  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {
    this.validator = new SessionValidator(repos, clock, config);
  }

  private readonly validator: SessionValidator;

  onChange(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  list(): Session[] {
    return this.repos.sessions.list();
  }

  /** What a hub's calendar feed holds: its dated sessions (organised or co-hosted) that ended at or after `since`. */
  hubFeed(hubId: number, since: number): Session[] {
    return this.repos.sessions.hubFeedSessions(hubId, since);
  }

  /** Changes whenever what `hubFeed` returns does; one cheap query. */
  hubFeedVersion(hubId: number, since: number): string {
    return this.repos.sessions.hubFeedVersionOf(hubId, since);
  }

  /** What a series' calendar feed holds: its dated sessions that ended at or after `since`. */
  seriesFeed(seriesId: number, since: number): Session[] {
    return this.repos.sessions.seriesFeedSessions(seriesId, since);
  }

  seriesFeedVersion(seriesId: number, since: number): string {
    return this.repos.sessions.seriesFeedVersionOf(seriesId, since);
  }

  /** The sessions of a series, in date order. */
  listBySeries(seriesId: number): Session[] {
    return this.repos.sessions.listBySeries(seriesId);
  }

  // The hubs and series sessions belong to (read-only here; the seed and the database define them).
  hubs(): Hub[] {
    return this.repos.hubs.list();
  }

  hub(id: number): Hub | undefined {
    return this.repos.hubs.get(id);
  }

  seriesList(): Series[] {
    return this.repos.series.list();
  }

  series(id: number): Series | undefined {
    return this.repos.series.get(id);
  }

  /** Whether a hub may put sessions in a series (see the access policy's canUseSeries). */
  seriesAllowsHub(seriesId: number, hubId: number): boolean {
    return this.repos.series.allowsHub(seriesId, hubId);
  }

  get(id: number): Session {
    const s = Number.isSafeInteger(id) ? this.repos.sessions.get(id) : undefined;
    if (!s) throw notFound('session');
    return s;
  }

  /** The session, if the access policy lets the organiser take `action` on it; else 404 or 403. */
  getManaged(id: number, o: Organiser, action: SessionAction): Session {
    const s = this.get(id);
    assertCan(o, action, s);
    return s;
  }

  /**
   * One page of the home page's lists: upcoming (soonest first, tentative ones by their rough
   * month) or past (latest first). Pages count from 1; `more` says whether another follows.
   */
  page(which: 'upcoming' | 'past', page: number, size: number): { items: Session[]; more: boolean } {
    const now = this.clock.now();
    const offset = (page - 1) * size;
    const rows = which === 'upcoming' ? this.repos.sessions.upcoming(now, size + 1, offset) : this.repos.sessions.past(now, size + 1, offset);
    return { items: rows.slice(0, size), more: rows.length > size };
  }

  /**
   * One page of the sessions an organiser may see (owned or co-hosted; all for an administrator):
   * upcoming first (soonest first), then past (latest first).
   */
  pageFor(o: Organiser, page: number, size: number): { items: Session[]; more: boolean } {
    const now = this.clock.now();
    // The access policy's 'session.read' as a query (an administrator sees all, an organiser their
    // hub's, owned or co-hosted), checked again on each row by the policy itself.
    const hub = o.role === 'admin' ? null : (o.hubId ?? -1);
    const offset = (page - 1) * size;
    const upcomingCount = this.repos.sessions.countUpcoming(now, hub);
    const rows = offset < upcomingCount ? this.repos.sessions.upcoming(now, size + 1, offset, hub) : [];
    if (rows.length < size + 1) rows.push(...this.repos.sessions.past(now, size + 1 - rows.length, Math.max(0, offset - upcomingCount), hub));
    const items = rows.filter((s) => can(o, 'session.read', s));
    return { items: items.slice(0, size), more: items.length > size };
  }

  /** Up to `limit` sessions in date order (list()'s) after `after`, filtered; `next` is where the next page starts. */
  listPage(filter: ListFilter, limit: number, after?: ListKey): ListPage {
    return this.repos.sessions.ordered(filter, limit, after);
  }

  /** `by` is who the audit log names (default: the organiser in the organiser area; the API passes its token). */
  create(input: SessionInput, actor: Organiser, by: AuditActor = organiserActor(actor)): Session {
    const data = this.validate(input, actor);
    return immediate(this.db, () => {
      const session = this.repos.sessions.insert(data, this.clock.now());
      this.emit({ kind: 'created', after: session, changed: [], actor });
      this.audit('session.created', session, by);
      return session;
    });
  }

  update(id: number, input: SessionInput, actor: Organiser, by: AuditActor = organiserActor(actor)): Session {
    return immediate(this.db, () => {
      const before = this.editable(id, input, actor);
      return this.store(before, this.validate(input, actor, before), actor, by);
    });
  }

  /**
   * Checks a repeat and the first session without storing anything: every date of the rule with its
   * instant (the same wall time in the same zone on each date). Refused, naming each field: a bad
   * rule, a first date the rule does not give, a month without the rule's day, and any date on which
   * the wall time does not exist or happens twice (listed). Without a repeat, the one session.
   */
  planRepeat(input: SessionInput, repeat: RepeatInput | undefined, actor: Organiser): RepeatPlan {
    const errs = new FieldErrors();
    const rule = wantsRepeat(repeat) ? parseRepeat(repeat, errs) : undefined;
    const { value: data, refused } = refusalOf(() => this.validate(input, actor));
    const date = str(input.date).trim();
    const time = str(input.time).trim();
    let instants: RepeatInstant[] | undefined;
    if (rule && wantsRepeat(repeat)) {
      const zone = errs.catch('zone', () => validateZone(input.zone ?? actor.zone, 'zone'));
      if (str(input.status) === 'tentative') errs.add('repeat.frequency', 'repeat_tentative', 'a repeating session needs a fixed date and time (status scheduled)');
      else if (zone && isCalendarDate(date) && /^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        const { dates, missing } = repeatDates(date, rule);
        if (rule.ordinal && !matchesOrdinal(date, rule.ordinal)) {
          errs.add('repeat.ordinal', 'repeat_ordinal_mismatch', `${date} is not the ${rule.ordinal} such weekday of its month`, { date, ordinal: rule.ordinal });
        } else if (missing.length) {
          errs.add('repeat.frequency', 'repeat_day_missing', `not every month has a day ${date.slice(8)}: ${missing.join(', ')} would have none`, { day: Number(date.slice(8)), months: missing.join(', ') });
        } else {
          instants = repeatInstants(dates, time, zone);
          const refusal = wallTimeRefusal(instants, time, zone);
          if (refusal) errs.errors.push(refusal);
        }
      }
    }
    const all = mergeRefusals(errs.errors, refused);
    if (all.length || !data) throw new ValidationError(all.length ? all : [new AppError('date_invalid', 'a date is required', 400, 'date')]);
    const first = data;
    const items = instants
      ? instants.map((i) => ({ date: i.date, startUtc: i.startUtc ?? 0 }))
      : first.startDate !== null && first.startUtc !== null ? [{ date: first.startDate, startUtc: first.startUtc }] : [];
    return { data: first, rule, items };
  }

  /**
   * Creates the sessions of a repeat in one transaction: a new series named after the session (or
   * the series chosen), then one session per date, each with its own slug, calendar UID and
   * registrations, all at the same wall time in the same zone.
   */
  createRepeating(input: SessionInput, repeat: RepeatInput, actor: Organiser, by: AuditActor = organiserActor(actor)): { series: Series; sessions: Session[] } {
    return immediate(this.db, () => {
      const plan = this.planRepeat(input, repeat, actor);
      const now = this.clock.now();
      const series =
        plan.data.seriesId !== null
          ? mustExist(this.repos.series.get(plan.data.seriesId), 'series')
          : this.repos.series.save({ slug: `${slugify(plan.data.title)}-${randomBytes(3).toString('hex')}`, title: plan.data.title, description: plan.data.description }, now);
      const made = plan.items.map((item) => {
        const session = this.repos.sessions.insert(
          {
            ...plan.data,
            seriesId: series.id,
            slug: `${slugify(plan.data.title)}-${item.date}-${randomBytes(3).toString('hex')}`,
            calendarUid: this.newCalendarUid(),
            // Each session of a repeat gets its own Jitsi room.
            ...(plan.data.roomKind === 'jitsi' && this.config.jitsiBaseUrl ? this.freshJitsiRoom(plan.data.title, this.config.jitsiBaseUrl) : {}),
            startDate: item.date,
            startUtc: item.startUtc,
            endUtc: item.startUtc + plan.data.durationMinutes * 60_000,
          },
          now,
        );
        this.emit({ kind: 'created', after: session, changed: [], actor });
        this.audit('session.created', session, by);
        return session;
      });
      return { series, sessions: made };
    });
  }

  /**
   * Edits a session and, for 'following', the later sessions of its series too (those of the same
   * owning hub, not cancelled, with a date): a change of title, description, wall time, zone or
   * duration carries over, each keeping its own date (a new date moves them by as many days). Each
   * changed session goes through the single edit's path (SEQUENCE, update mail, reminders). Refused
   * up front, listing the dates, when any moved session's wall time would not exist or happen twice.
   */
  updateScoped(id: number, input: SessionInput, actor: Organiser, scope: EditScope, by: AuditActor = organiserActor(actor)): Session[] {
    if (scope === 'this') return [this.update(id, input, actor, by)];
    return immediate(this.db, () => {
      const before = this.editable(id, input, actor);
      const later = this.followingOf(before, actor);
      if (!later.length) return [this.store(before, this.validate(input, actor, before), actor, by)];
      // Where each session would be: this one as typed, the later ones moved by what changed.
      const errs = new FieldErrors();
      const zone = errs.catch('zone', () => validateZone(input.zone ?? before.zone, 'zone'));
      const date = str(input.date ?? before.startDate).trim();
      const time = str(input.time ?? before.startTime).trim();
      const wellFormed = zone !== undefined && isCalendarDate(date) && /^([01]\d|2[0-3]):[0-5]\d$/.test(time);
      const { value: data, refused } = refusalOf(() => this.validate(input, actor, before));
      const carry: SessionInput = {};
      const moves: { session: Session; input: SessionInput }[] = [];
      if (wellFormed && before.startDate !== null) {
        const shift = daysBetween(before.startDate, date);
        if (data && data.title !== before.title) carry.title = data.title;
        if (data && data.description !== before.description) carry.description = data.description;
        if (data && data.durationMinutes !== before.durationMinutes) carry.durationMinutes = data.durationMinutes;
        if (zone !== before.zone) carry.zone = zone;
        if (time !== before.startTime) carry.time = time;
        for (const s of later) {
          const own = s.startDate ?? date;
          moves.push({ session: s, input: { ...carry, ...(shift !== 0 ? { date: addDays(own, shift) } : {}) } });
        }
        const walls = [{ date, time, zone }, ...moves.map((m) => ({ date: str(m.input.date ?? m.session.startDate), time: str(m.input.time ?? m.session.startTime), zone: str(m.input.zone ?? m.session.zone) }))];
        const instants = walls.map((w) => repeatInstants([w.date], w.time, w.zone)[0] ?? { date: w.date });
        const refusal = wallTimeRefusal(instants, time, zone);
        if (refusal) errs.errors.push(refusal);
      }
      const all = mergeRefusals(errs.errors, refused);
      if (all.length || !data) throw new ValidationError(all);
      const changedLater = moves.filter((m) => Object.keys(m.input).length > 0).map((m) => ({ before: m.session, data: this.validate(m.input, actor, m.session) }));
      return [this.store(before, data, actor, by), ...changedLater.map((m) => this.store(m.before, m.data, actor, by))];
    });
  }

  /** The later sessions of a session's series that 'this and following' changes, in date order. */
  followingOf(s: Session, actor: Organiser): Session[] {
    if (s.seriesId === null || s.startUtc === null) return [];
    const list = this.repos.sessions.listBySeries(s.seriesId);
    const at = list.findIndex((x) => x.id === s.id);
    return list.slice(at + 1).filter((x) => x.status !== 'cancelled' && x.startDate !== null && x.hubId === s.hubId && can(actor, 'session.edit', x));
  }

  /** The session to edit, if the actor may and it is not cancelled. */
  private editable(id: number, input: SessionInput, actor: Organiser): Session {
    const before = this.getManaged(id, actor, 'session.edit');
    // Only an administrator or the owning hub changes the owner or the co-hosts.
    if (input.hubId !== undefined || input.coHostIds !== undefined) assertCan(actor, 'session.hosts', before);
    if (before.status === 'cancelled') throw new AppError('session_cancelled', 'a cancelled session cannot be edited', 409, 'status');
    return before;
  }

  /** Stores checked data over a session: SEQUENCE up when people holding an invite must hear of it, then the listeners. */
  private store(before: Session, data: SessionData, actor: Organiser, by: AuditActor): Session {
    const changed = diffFields(before, data);
    const inviteRelevant = changed.some((f) => (INVITE_FIELDS as readonly string[]).includes(f));
    const sequence = inviteRelevant && before.status !== 'tentative' ? before.sequence + 1 : before.sequence;
    const after = this.repos.sessions.update(before.id, { ...data, sequence }, this.clock.now());
    if (changed.length) this.emit({ kind: 'updated', before, after, changed, actor });
    // The hosts apart from the other fields: who organises and co-hosts is what a hub follows.
    const hosts = changed.filter((f) => f === 'hubId' || f === 'coHostIds');
    const fields = changed.filter((f) => f !== 'hubId' && f !== 'coHostIds');
    if (hosts.length) {
      // Kept under the hub that owned it before: a hub that gives a session away still sees that it did.
      this.audit('session.hosts', before, by, { hubBefore: before.hubId, hubAfter: after.hubId, coHostsBefore: before.coHostIds, coHostsAfter: after.coHostIds });
    }
    if (fields.length) this.audit('session.updated', after, by, { fields });
    return after;
  }

  cancel(id: number, actor: Organiser, by: AuditActor = organiserActor(actor)): Session {
    return immediate(this.db, () => {
      const before = this.getManaged(id, actor, 'session.cancel');
      if (before.status === 'cancelled') return before;
      const after = this.repos.sessions.cancel(id, this.clock.now());
      this.emit({ kind: 'cancelled', before, after, changed: ['status'], actor });
      this.audit('session.cancelled', after, by);
      return after;
    });
  }

  /** Inserts without an actor (seed, migrations of data). */
  insertTrusted(data: SessionData): Session {
    return this.repos.sessions.insert(data, this.clock.now());
  }

  private freshJitsiRoom(title: string, base: string): { jitsiRoom: string; joinUrl: string } {
    const name = newJitsiRoom(title);
    return { jitsiRoom: name, joinUrl: jitsiRoomUrl(base, name) };
  }

  newCalendarUid(): string {
    return this.validator.newCalendarUid();
  }

  /** One audit entry about a session, in the current transaction. */
  private audit(action: 'session.created' | 'session.updated' | 'session.cancelled' | 'session.hosts', s: Session, by: AuditActor, detail: Record<string, string | number | readonly (string | number)[]> = {}): void {
    auditWriter(this.db).record({ action, actor: by, session: { id: s.id, hubId: s.hubId }, subject: { type: 'session', id: s.id }, detail }, this.clock.now());
  }

  private emit(change: SessionChange): void {
    for (const l of this.listeners) l(change);
  }

  /** Checks every field; throws a ValidationError naming each bad field (see validate.ts). */
  validate(input: SessionInput, actor: Organiser, existing?: Session): SessionData {
    return this.validator.validate(input, actor, existing);
  }

  /** Whether sessions may get a Jitsi room named by Kairos (JITSI_BASE_URL is set). */
  jitsiAvailable(): boolean {
    return this.config.jitsiBaseUrl !== undefined;
  }
}

function diffFields(before: Session, after: SessionData): string[] {
  const keys: (keyof SessionData)[] = [
    'title', 'description', 'seriesId', 'hubId', 'status', 'startDate', 'startTime', 'zone', 'durationMinutes',
    'startUtc', 'endUtc', 'approxMonth', 'approxPart', 'joinUrl', 'roomKind', 'capacity', 'language', 'doubleOptIn',
  ];
  const changed = keys.filter((k) => before[k as keyof Session] !== after[k]);
  if (before.reminderOffsets.join(',') !== (after.reminderOffsets ?? []).join(',')) changed.push('reminderOffsets');
  if (before.coHostIds.join(',') !== after.coHostIds.join(',')) changed.push('coHostIds');
  return changed;
}


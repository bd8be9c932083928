import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';

export type SessionStatus = 'tentative' | 'scheduled' | 'cancelled' | 'completed';
export type ApproxPart = 'early' | 'mid' | 'late';
export type RoomKind = 'url' | 'jitsi';

export interface Session {
  id: number;
  slug: string;
  seriesId: number | null;
  hubId: number;
  coHostIds: number[];
  title: string;
  description: string;
  status: SessionStatus;
  /** Organiser's wall clock (the truth); null while tentative. */
  startDate: string | null;
  startTime: string | null;
  zone: string;
  durationMinutes: number;
  /** Derived instants (epoch ms UTC); null while tentative. */
  startUtc: number | null;
  endUtc: number | null;
  timeStated: boolean;
  approxMonth: string | null;
  approxPart: ApproxPart | null;
  /** The meeting room: the address in joinUrl was pasted ('url'), or names a Jitsi room Kairos made ('jitsi'). */
  roomKind: RoomKind;
  /** The Jitsi room's name (a slug of the title and a random part), kept across edits; null for a pasted address. */
  jitsiRoom: string | null;
  joinUrl: string | null;
  capacity: number | null;
  language: string;
  doubleOptIn: boolean;
  calendarUid: string;
  sequence: number;
  /** Minutes before the start at which reminders go out, e.g. [1440, 60]. */
  reminderOffsets: number[];
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
}

export type SessionData = Omit<Session, 'id' | 'createdAt' | 'updatedAt' | 'cancelledAt' | 'sequence' | 'reminderOffsets' | 'roomKind' | 'jitsiRoom'> & {
  sequence?: number;
  reminderOffsets?: number[];
  /** Default: a pasted address ('url', no Jitsi room). */
  roomKind?: RoomKind;
  jitsiRoom?: string | null;
};

interface SessionRow {
  id: number;
  slug: string;
  series_id: number | null;
  hub_id: number;
  title: string;
  description: string;
  status: SessionStatus;
  start_date: string | null;
  start_time: string | null;
  zone: string;
  duration_minutes: number;
  start_utc: number | null;
  end_utc: number | null;
  time_stated: number;
  approx_month: string | null;
  approx_part: ApproxPart | null;
  join_url: string | null;
  room_kind: RoomKind;
  jitsi_room: string | null;
  capacity: number | null;
  language: string;
  double_opt_in: number;
  calendar_uid: string;
  sequence: number;
  reminder_offsets: string;
  created_at: number;
  updated_at: number;
  cancelled_at: number | null;
  co_hosts: string | null;
}

const SELECT = `SELECT s.*, (SELECT group_concat(hub_id) FROM session_hosts h WHERE h.session_id = s.id) AS co_hosts FROM sessions s`;

/** Where a list stopped: the last session's sort key (epoch ms) and id; the next page starts after it. */
export interface ListKey {
  at: number;
  id: number;
}

/** Filters of the API's list (absent: any). */
export interface ListFilter {
  status?: string;
  seriesId?: number;
}

/** A page of a list; `next` is set when there is more after it. */
export interface ListPage {
  items: Session[];
  next: ListKey | null;
}

// A session is over when it is completed, when it has ended, or, when tentative or without a date,
// when its rough month has ended. The home page shows the rest as upcoming.
const PAST = `(s.status = 'completed' OR ifnull(s.end_utc <= @now, 0)
  OR ifnull((s.status = 'tentative' OR s.start_utc IS NULL) AND unixepoch(s.approx_month || '-01', '+1 month') * 1000 <= @now, 0))`;
/**
 * No upcoming session stands more than this before now on the home page: a dated one ends at most
 * a day after it starts; one without a date stands within its rough month, which has not ended.
 * The upcoming list starts its index range there instead of reading every past session.
 */
export const UPCOMING_WINDOW_MS = 32 * 24 * 3600_000;
// Sessions of one hub (owned or co-hosted) when @hub is set; all when it is null.
const HUB = `(@hub IS NULL OR s.hub_id = @hub OR EXISTS (SELECT 1 FROM session_hosts h WHERE h.session_id = s.id AND h.hub_id = @hub))`;
const FILTER = `(@status IS NULL OR s.status = @status) AND (@seriesId IS NULL OR s.series_id = @seriesId)`;

/** The SQL of the paged lists (exported so that a test can check their query plans). */
export const PAGED_SQL = {
  upcoming: `${SELECT} WHERE s.list_at >= @floor AND NOT ${PAST} AND ${HUB} ORDER BY s.list_at, s.id LIMIT @limit OFFSET @offset`,
  upcomingCount: `SELECT count(*) AS n FROM sessions s WHERE s.list_at >= @floor AND NOT ${PAST} AND ${HUB}`,
  past: `${SELECT} WHERE ${PAST} AND ${HUB} ORDER BY s.list_at DESC, s.id LIMIT @limit OFFSET @offset`,
  orderedFirst: `${SELECT} WHERE ${FILTER} ORDER BY s.order_at, s.id LIMIT @limit`,
  orderedAfter: `${SELECT} WHERE (s.order_at, s.id) > (@at, @id) AND ${FILTER} ORDER BY s.order_at, s.id LIMIT @limit`,
} as const;

const toSession = (r: SessionRow): Session => ({
  id: r.id,
  slug: r.slug,
  seriesId: r.series_id,
  hubId: r.hub_id,
  coHostIds: r.co_hosts ? r.co_hosts.split(',').map(Number).sort((a, b) => a - b) : [],
  title: r.title,
  description: r.description,
  status: r.status,
  startDate: r.start_date,
  startTime: r.start_time,
  zone: r.zone,
  durationMinutes: r.duration_minutes,
  startUtc: r.start_utc,
  endUtc: r.end_utc,
  timeStated: r.time_stated === 1,
  approxMonth: r.approx_month,
  approxPart: r.approx_part,
  roomKind: r.room_kind,
  jitsiRoom: r.jitsi_room,
  joinUrl: r.join_url,
  capacity: r.capacity,
  language: r.language,
  doubleOptIn: r.double_opt_in === 1,
  calendarUid: r.calendar_uid,
  sequence: r.sequence,
  reminderOffsets: JSON.parse(r.reminder_offsets) as number[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  cancelledAt: r.cancelled_at,
});

const params = (s: SessionData) => ({
  slug: s.slug,
  seriesId: s.seriesId,
  hubId: s.hubId,
  title: s.title,
  description: s.description,
  status: s.status,
  startDate: s.startDate,
  startTime: s.startTime,
  zone: s.zone,
  durationMinutes: s.durationMinutes,
  startUtc: s.startUtc,
  endUtc: s.endUtc,
  timeStated: s.timeStated ? 1 : 0,
  approxMonth: s.approxMonth,
  approxPart: s.approxPart,
  joinUrl: s.joinUrl,
  roomKind: s.roomKind ?? 'url',
  jitsiRoom: s.jitsiRoom ?? null,
  capacity: s.capacity,
  language: s.language,
  doubleOptIn: s.doubleOptIn ? 1 : 0,
  calendarUid: s.calendarUid,
  reminderOffsets: JSON.stringify(s.reminderOffsets ?? [1440, 60]),
});

interface VersionRow {
  n: number;
  mx: number;
  su: number;
  sq: number;
}

const versionText = (r: VersionRow | undefined): string => (r ? `${r.n}.${r.mx}.${r.su}.${r.sq}` : '0');

export class SessionRepository {
  private readonly all;
  private readonly byId;
  private readonly bySlug;
  private readonly bySeries;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly cancelStmt;
  private readonly clearHosts;
  private readonly bump;
  private readonly addHost;
  private readonly seriesHub;
  private readonly upcomingPage;
  private readonly pastPage;
  private readonly upcomingCount;
  private readonly orderedFirst;
  private readonly orderedAfter;
  private readonly hubFeed;
  private readonly hubFeedVersion;
  private readonly seriesFeed;
  private readonly seriesFeedVersion;

  constructor(db: DB) {
    this.all = db.prepare<[], SessionRow>(`${SELECT} ORDER BY coalesce(s.start_utc, s.created_at), s.id`);
    this.byId = db.prepare<[number], SessionRow>(`${SELECT} WHERE s.id = ?`);
    this.bySlug = db.prepare<[string], SessionRow>(`${SELECT} WHERE s.slug = ?`);
    this.bySeries = db.prepare<[number], SessionRow>(`${SELECT} WHERE s.series_id = ? ORDER BY coalesce(s.start_utc, s.created_at), s.id`);
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (slug, series_id, hub_id, title, description, status, start_date, start_time, zone, duration_minutes,
         start_utc, end_utc, time_stated, approx_month, approx_part, join_url, room_kind, jitsi_room, capacity, language, double_opt_in,
         calendar_uid, sequence, reminder_offsets, created_at, updated_at)
       VALUES (@slug, @seriesId, @hubId, @title, @description, @status, @startDate, @startTime, @zone, @durationMinutes,
         @startUtc, @endUtc, @timeStated, @approxMonth, @approxPart, @joinUrl, @roomKind, @jitsiRoom, @capacity, @language, @doubleOptIn,
         @calendarUid, @sequence, @reminderOffsets, @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE sessions SET series_id = @seriesId, hub_id = @hubId, title = @title, description = @description, status = @status,
         start_date = @startDate, start_time = @startTime, zone = @zone, duration_minutes = @durationMinutes,
         start_utc = @startUtc, end_utc = @endUtc, time_stated = @timeStated, approx_month = @approxMonth,
         approx_part = @approxPart, join_url = @joinUrl, room_kind = @roomKind, jitsi_room = @jitsiRoom, capacity = @capacity, language = @language,
         double_opt_in = @doubleOptIn, sequence = @sequence, reminder_offsets = @reminderOffsets, updated_at = @now
       WHERE id = @id`,
    );
    this.cancelStmt = db.prepare(
      `UPDATE sessions SET status = 'cancelled', cancelled_at = @now, updated_at = @now, sequence = sequence + 1 WHERE id = @id`,
    );
    this.bump = db.prepare('UPDATE sessions SET sequence = sequence + 1 WHERE id = ?');
    this.clearHosts = db.prepare('DELETE FROM session_hosts WHERE session_id = ?');
    this.addHost = db.prepare('INSERT OR IGNORE INTO session_hosts (session_id, hub_id) VALUES (?, ?)');
    // A hub that owns a session in a series may add more there (see the access policy).
    this.seriesHub = db.prepare('INSERT OR IGNORE INTO series_hubs (series_id, hub_id) VALUES (?, ?)');
    // The home page's lists walk their index (db/010_paging.sql) and stop after a page.
    type Window = { now: number; hub: number | null; limit: number; offset: number };
    this.upcomingPage = db.prepare<Window & { floor: number }, SessionRow>(PAGED_SQL.upcoming);
    this.upcomingCount = db.prepare<{ now: number; hub: number | null; floor: number }, { n: number }>(PAGED_SQL.upcomingCount);
    this.pastPage = db.prepare<Window, SessionRow>(PAGED_SQL.past);
    // The API's list: keyset paging on (order_at, id), the order list() gives.
    type Filter = { status: string | null; seriesId: number | null; limit: number };
    this.orderedFirst = db.prepare<Filter, SessionRow>(PAGED_SQL.orderedFirst);
    this.orderedAfter = db.prepare<Filter & { at: number; id: number }, SessionRow>(PAGED_SQL.orderedAfter);
    // Calendar feeds: the sessions with a fixed time that ended at or after @since, and a version of
    // them that changes whenever one of them does (any change moves updated_at or the SEQUENCE) or
    // one joins or leaves (the count and the sum move).
    const ofHub = 'WHERE (s.hub_id = @id OR s.id IN (SELECT session_id FROM session_hosts WHERE hub_id = @id)) AND s.end_utc >= @since';
    const ofSeries = 'WHERE s.series_id = @id AND s.end_utc >= @since';
    const VERSION = 'SELECT count(*) AS n, coalesce(max(s.updated_at), 0) AS mx, total(s.updated_at) AS su, total(s.sequence) AS sq FROM sessions s';
    this.hubFeed = db.prepare<[{ id: number; since: number }], SessionRow>(`${SELECT} ${ofHub} ORDER BY coalesce(s.start_utc, s.created_at), s.id`);
    this.hubFeedVersion = db.prepare<[{ id: number; since: number }], VersionRow>(`${VERSION} ${ofHub}`);
    this.seriesFeed = db.prepare<[{ id: number; since: number }], SessionRow>(`${SELECT} ${ofSeries} ORDER BY coalesce(s.start_utc, s.created_at), s.id`);
    this.seriesFeedVersion = db.prepare<[{ id: number; since: number }], VersionRow>(`${VERSION} ${ofSeries}`);
  }

  /** Sessions not over at `now`, soonest first: `limit` of them after skipping `offset`; only a hub's (owned or co-hosted) when `hub` is set. */
  upcoming(now: number, limit: number, offset: number, hub: number | null = null): Session[] {
    return this.upcomingPage.all({ now, floor: now - UPCOMING_WINDOW_MS, hub, limit, offset }).map(toSession);
  }
  /** How many sessions upcoming() has in all. */
  countUpcoming(now: number, hub: number | null = null): number {
    return this.upcomingCount.get({ now, floor: now - UPCOMING_WINDOW_MS, hub })?.n ?? 0;
  }
  /** Sessions over at `now`, latest first: `limit` of them after skipping `offset`; only a hub's when `hub` is set. */
  past(now: number, limit: number, offset: number, hub: number | null = null): Session[] {
    return this.pastPage.all({ now, hub, limit, offset }).map(toSession);
  }
  /** Up to `limit` sessions in list() order after `after` (from the start without it), filtered. */
  ordered(filter: ListFilter, limit: number, after?: ListKey): ListPage {
    const f = { status: filter.status ?? null, seriesId: filter.seriesId ?? null, limit: limit + 1 };
    const rows = after ? this.orderedAfter.all({ ...f, at: after.at, id: after.id }) : this.orderedFirst.all(f);
    const items = rows.slice(0, limit).map(toSession);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? { at: last.startUtc ?? last.createdAt, id: last.id } : null };
  }

  /** The dated sessions a hub organises or co-hosts that ended at or after `since` (epoch ms), in date order. */
  hubFeedSessions(hubId: number, since: number): Session[] {
    return this.hubFeed.all({ id: hubId, since }).map(toSession);
  }
  /** A text that changes whenever the hub feed's sessions do. */
  hubFeedVersionOf(hubId: number, since: number): string {
    return versionText(this.hubFeedVersion.get({ id: hubId, since }));
  }
  /** The dated sessions of a series that ended at or after `since`, in date order. */
  seriesFeedSessions(seriesId: number, since: number): Session[] {
    return this.seriesFeed.all({ id: seriesId, since }).map(toSession);
  }
  seriesFeedVersionOf(seriesId: number, since: number): string {
    return versionText(this.seriesFeedVersion.get({ id: seriesId, since }));
  }

  list(): Session[] {
    return this.all.all().map(toSession);
  }
  listBySeries(seriesId: number): Session[] {
    return this.bySeries.all(seriesId).map(toSession);
  }
  get(id: number): Session | undefined {
    const r = this.byId.get(id);
    return r && toSession(r);
  }
  getBySlug(slug: string): Session | undefined {
    const r = this.bySlug.get(slug);
    return r && toSession(r);
  }
  insert(s: SessionData, now: number): Session {
    const info = this.insertStmt.run({ ...params(s), sequence: s.sequence ?? 0, now });
    const id = Number(info.lastInsertRowid);
    this.setHosts(id, s.coHostIds);
    if (s.seriesId !== null) this.seriesHub.run(s.seriesId, s.hubId);
    return mustExist(this.get(id), 'session');
  }
  update(id: number, s: SessionData & { sequence: number }, now: number): Session {
    this.updateStmt.run({ ...params(s), sequence: s.sequence, id, now });
    this.setHosts(id, s.coHostIds);
    if (s.seriesId !== null) this.seriesHub.run(s.seriesId, s.hubId);
    return mustExist(this.get(id), 'session');
  }
  cancel(id: number, now: number): Session {
    this.cancelStmt.run({ id, now });
    return mustExist(this.get(id), 'session');
  }
  /** Raises the calendar SEQUENCE without any other change (a personal cancel or re-invite must outrank the copy it replaces). */
  bumpSequence(id: number): void {
    this.bump.run(id);
  }
  private setHosts(id: number, hubIds: number[]): void {
    this.clearHosts.run(id);
    for (const h of hubIds) this.addHost.run(id, h);
  }
}

/** The SessionRepository of a database, built once per connection. */
export const sessionRepository = perDatabase((db) => new SessionRepository(db));

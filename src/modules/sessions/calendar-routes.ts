/**
 * Public calendar files and subscription feeds, and the add-to-calendar links shown on pages and
 * in emails. Nothing here is personal: no ATTENDEE, no registrant data, no join URL (that goes
 * only to registrants, in their invites).
 *
 *   GET /sessions/:id/calendar.ics   one session, as a download (attachment)
 *   GET /series/:id/calendar.ics     feed: the sessions of a series
 *   GET /hubs/:id/calendar.ics       feed: the sessions a hub organises or co-hosts
 *
 * Files are plain iCalendar objects (no METHOD, hence no ORGANIZER): clients import or subscribe
 * to them. A cancelled session stays in, with STATUS:CANCELLED and its higher SEQUENCE, so that a
 * subscribed calendar (or a re-imported file) strikes it; a session without a fixed time is left
 * out of feeds, and its own file answers 404 `no_fixed_date` (there is no file for it *yet*; it
 * appears once a date is set, which is why this is a 404 and not a 409: the client cannot resolve
 * anything by changing its request).
 *
 * Feeds hold the sessions that ended at most FEED_WINDOW_DAYS (365) days ago, and every later one.
 *
 * DTSTAMP is the latest `updatedAt` of the events in the file (RFC 5545: without METHOD it is when
 * the information was last revised), so the same data always gives the same bytes. Each file is
 * built once per version of its sessions (one cheap query tells the version of a feed) and kept in a
 * small cache; the ETag is derived from that version, and `If-None-Match` is answered with 304
 * before anything is built.
 */
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildPublicCalendar, googleCalendarLink, googleSubscribeLink, outlookCalendarLink, type CalendarEvent } from '../../core/calendar/index.js';
import { hasFixedTime, sessionToEvent } from './calendar-event.js';
import type { Config } from '../../core/config.js';
import { Lru } from '../../core/lru.js';
import { matchesIfNoneMatch } from '../../core/render/etag.js';
import { notFound } from '../../core/errors.js';
import { t } from '../../core/i18n/index.js';
import type { Hub } from './hubs-repository.js';
import type { Session } from './repository.js';
import { langOf, render } from '../../core/render/context.js';
import { FeedIdParams } from './schemas.js';

/** How long shared caches and browsers may keep a file or feed. */
export const CALENDAR_CACHE_CONTROL = 'public, max-age=300';
/** How often subscribed clients should refresh a feed (X-PUBLISHED-TTL). */
export const FEED_REFRESH_MINUTES = 60;
export const NO_FIXED_DATE_MESSAGE = 'this session has no fixed date yet';

export interface CalendarLinks {
  /** Download of the session's .ics file; only when it has a fixed time. */
  ics?: string;
  /** webcal:// subscription to the session's series; only when it belongs to one. */
  webcalSeries?: string;
  /** The series feed's https address, to copy into a calendar app, and Google Calendar's "subscribe" link to it. */
  feedSeries?: string;
  googleSeries?: string;
  /** webcal:// subscription to the organising hub's sessions. */
  webcalHub: string;
  /** The hub feed's https address, and Google Calendar's "subscribe" link to it. */
  feedHub: string;
  googleHub: string;
  /** Google Calendar / Outlook.com / Microsoft 365 "add event" links; only for a fixed time, and not once cancelled. */
  google?: string;
  outlook?: string;
  outlook365?: string;
}

/** `https://host/path` → `webcal://host/path` (clients fetch it over http(s) and subscribe). */
export function webcalUrl(url: string): string {
  return url.replace(/^https?:\/\//i, 'webcal://');
}

export const sessionIcsPath = (id: number) => `/sessions/${id}/calendar.ics`;
export const seriesFeedPath = (id: number) => `/series/${id}/calendar.ics`;
export const hubFeedPath = (id: number) => `/hubs/${id}/calendar.ics`;

// The Google and Outlook links change only when the event does: made once per version of it (the
// key holds everything the links are made of), not on every view.
const serviceLinks = new Lru<string, { google: string; outlook: string; outlook365: string }>(2000);
const eventKey = (ev: CalendarEvent): string =>
  JSON.stringify([ev.uid, ev.sequence, ev.lastModifiedMs, ev.startMs, ev.endMs, ev.zone, ev.title, ev.description, ev.url, ev.pageUrl, ev.status, ev.organizer.name, ev.organizer.email, ev.language]);

/**
 * Add-to-calendar links of a session for templates and emails. `hub` is the organising hub.
 * Public by default; pass `includeJoinUrl` only for a message to a registrant. The text the links
 * put into a calendar is in `language` (the reader's; the session's language when not given).
 */
export function calendarLinks(config: Pick<Config, 'publicUrl'>, session: Session, hub: Hub, opts: { includeJoinUrl?: boolean; language?: string } = {}): CalendarLinks {
  const base = config.publicUrl.replace(/\/+$/, '');
  const hubFeed = base + hubFeedPath(hub.id);
  const links: CalendarLinks = { webcalHub: webcalUrl(hubFeed), feedHub: hubFeed, googleHub: googleSubscribeLink(hubFeed) };
  if (session.seriesId !== null) {
    const seriesFeed = base + seriesFeedPath(session.seriesId);
    links.webcalSeries = webcalUrl(seriesFeed);
    links.feedSeries = seriesFeed;
    links.googleSeries = googleSubscribeLink(seriesFeed);
  }
  if (hasFixedTime(session)) {
    links.ics = base + sessionIcsPath(session.id);
    if (session.status !== 'cancelled') {
      const ev = sessionToEvent(session, hub, { publicUrl: base, includeJoinUrl: opts.includeJoinUrl, language: opts.language ?? session.language });
      const made = serviceLinks.getOrSet(eventKey(ev), () => ({ google: googleCalendarLink(ev), outlook: outlookCalendarLink(ev, 'live'), outlook365: outlookCalendarLink(ev, 'office') }));
      links.google = made.google;
      links.outlook = made.outlook;
      links.outlook365 = made.outlook365;
    }
  }
  return links;
}

/** A name that is safe inside a quoted Content-Disposition filename. */
function fileName(slug: string, fallback: string): string {
  const s = slug.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 100);
  return `${s || fallback}.ics`;
}

/** Feeds hold the sessions that ended at most this many days ago, and all later ones. */
export const FEED_WINDOW_DAYS = 365;

/** The earliest end (epoch ms) of a session a feed still holds, at `now`. */
export function feedWindowStart(now: number): number {
  return now - FEED_WINDOW_DAYS * 86_400_000;
}

/** The ETag of a version of a file: the same version always has the same bytes. */
export function versionEtag(version: string): string {
  return `"${createHash('sha256').update(version, 'utf8').digest('base64url').slice(0, 32)}"`;
}

/** An instant a calendar can carry (1970 to the end of 2100); anything else in a row is old or damaged data. */
export function plausibleInstant(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0 && ms < Date.UTC(2101, 0, 1);
}

/** A session left out of a file or feed because its event could not be written: logged, never shown. */
export function logLeftOut(req: FastifyRequest, sessionId: number | undefined, err: unknown): void {
  req.log.error({ err, sessionId }, 'calendar: session left out of the file, its event could not be built');
}


export default function calendarRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions } = app.services;
  const publicUrl = app.config.publicUrl;

  const organisingHub = (s: Session): Hub => {
    const hub = sessions.hub(s.hubId);
    if (!hub) throw notFound('hub');
    return hub;
  };

  /** Public events (no join URL) of the sessions that have a fixed time, in the given order. A
   * session whose event cannot be made is left out and logged with its id; the others still go out. */
  const publicEvents = (req: FastifyRequest, list: Session[]): { events: CalendarEvent[]; stampMs: number; onEventError: (ev: CalendarEvent, err: unknown) => void } => {
    const events: CalendarEvent[] = [];
    const idOf = new Map<string, number>();
    let stampMs = 0;
    for (const s of list.filter(hasFixedTime)) {
      try {
        // Public files and feeds speak the session's language: they have no one reader.
        const ev = sessionToEvent(s, organisingHub(s), { publicUrl, language: s.language });
        events.push(ev);
        idOf.set(ev.uid, s.id);
        if (plausibleInstant(s.updatedAt)) stampMs = Math.max(stampMs, s.updatedAt);
      } catch (err) {
        logLeftOut(req, s.id, err);
      }
    }
    return { events, stampMs, onEventError: (ev, err) => logLeftOut(req, idOf.get(ev.uid), err) };
  };

  /**
   * Files by version: a file only changes when one of its sessions does (the version says when), and
   * building it is the costly part. Bounded: old versions fall out.
   */
  const built = new Lru<string, string>(500);
  const clock = app.services.clock;

  /**
   * Answers with the file of this version: 304 when the client has it (nothing built), else the
   * cached bytes, else `build()`'s, kept for the next request.
   */
  const sendVersion = (req: FastifyRequest, reply: FastifyReply, version: string, build: () => string, disposition: string) => {
    const etag = versionEtag(version);
    reply.header('ETag', etag).header('Cache-Control', CALENDAR_CACHE_CONTROL);
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) return reply.code(304).send();
    const body = built.getOrSet(version, build);
    reply.header('Content-Type', 'text/calendar; charset=utf-8').header('Content-Disposition', disposition);
    return reply.code(200).send(body);
  };

  // Calendar files are for calendar clients, listed in the README; the API documentation is only /api/v1.
  const schema = (summary: string) => ({ summary, params: FeedIdParams });
  // The same file for everyone until a session changes: kept (see core/render/response-memo.ts).
  const config = { memo: true };

  app.get('/sessions/:id/calendar.ics', { config, schema: schema('One session as an iCalendar file (public: no attendees, no join URL)') }, async (req, reply) => {
    const session = sessions.get(req.params.id);
    if (!hasFixedTime(session)) {
      // There is no file until a date is set. Browsers get the page in their language; calendar
      // clients and scripts a short JSON answer.
      reply.header('Vary', 'Accept').header('Cache-Control', 'no-cache');
      if (/\btext\/html\b/i.test(req.headers.accept ?? '')) {
        const lang = langOf(req);
        return render(req, reply, 'pages/error', { title: t(lang, 'error.notFound'), message: t(lang, 'cal.noDate') }, 404);
      }
      return reply.code(404).send({ error: 'no_fixed_date', message: NO_FIXED_DATE_MESSAGE });
    }
    // Everything of the session the file is made of: a new version whenever any of it changes.
    const version = JSON.stringify(['session', session.id, session.updatedAt, session.sequence, session.status, session.startUtc, session.endUtc, session.zone, session.title, session.description, session.language, session.calendarUid, session.createdAt, session.hubId, session.slug]);
    return sendVersion(req, reply, version, () => {
      const { events, stampMs, onEventError } = publicEvents(req, [session]);
      // No X-WR-CALNAME in a single download: Outlook would open it as a separate calendar.
      return buildPublicCalendar(events, { name: '', stampMs, onEventError });
    }, `attachment; filename="${fileName(session.slug, `session-${session.id}`)}"`);
  });

  app.get('/series/:id/calendar.ics', { config, schema: schema('Subscription feed of a series (tentative sessions without a date are left out)') }, async (req, reply) => {
    const series = sessions.series(req.params.id);
    if (!series) throw notFound('series');
    const since = feedWindowStart(clock.now());
    const version = JSON.stringify(['series', series.id, series.title, series.slug, sessions.seriesFeedVersion(series.id, since)]);
    return sendVersion(req, reply, version, () => {
      const { events, stampMs, onEventError } = publicEvents(req, sessions.seriesFeed(series.id, since));
      return buildPublicCalendar(events, { name: series.title, stampMs, refreshMinutes: FEED_REFRESH_MINUTES, onEventError });
    }, `inline; filename="${fileName(series.slug, `series-${series.id}`)}"`);
  });

  app.get('/hubs/:id/calendar.ics', { config, schema: schema('Subscription feed of the sessions a hub organises or co-hosts') }, async (req, reply) => {
    const hub = sessions.hub(req.params.id);
    if (!hub) throw notFound('hub');
    const since = feedWindowStart(clock.now());
    const version = JSON.stringify(['hub', hub.id, hub.name, hub.slug, sessions.hubFeedVersion(hub.id, since)]);
    return sendVersion(req, reply, version, () => {
      const { events, stampMs, onEventError } = publicEvents(req, sessions.hubFeed(hub.id, since));
      return buildPublicCalendar(events, { name: hub.name, stampMs, refreshMinutes: FEED_REFRESH_MINUTES, onEventError });
    }, `inline; filename="${fileName(hub.slug, `hub-${hub.id}`)}"`);
  });
}

/**
 * A registrant's own calendar, under their personal link (the manage token):
 *
 *   GET /r/:token/invite.ics     their invitation as a file: METHOD:REQUEST, the session's UID and
 *                                current SEQUENCE, the hub as ORGANIZER, the person as the only
 *                                ATTENDEE, their personal join link as URL. The same invite their
 *                                emails carry, for someone who lost the email or uses a client that
 *                                dropped the attachment. Only for a confirmed seat in a session
 *                                with a fixed time that is not cancelled; otherwise 404 saying why.
 *   GET /r/:token/calendar.ics   a subscription feed of every session the same person (the same
 *                                email in any letter case) holds a confirmed seat for: no METHOD,
 *                                no ORGANIZER, no ATTENDEE; each event carries the person's own
 *                                join link for that session. A cancelled registration's session
 *                                leaves the feed; a cancelled session stays, STATUS:CANCELLED, so
 *                                subscribed calendars strike it. Like the public feeds it holds
 *                                the sessions that ended at most 12 months ago and every later
 *                                one; its ETag comes from the version of its seats and sessions
 *                                (one query), and If-None-Match is answered with 304 unbuilt.
 *
 * Both are personal: never cached by anyone (`no-store, private`), never indexed. GET changes
 * nothing. An unknown or erased token is a 404 that says nothing more.
 *
 * The DTSTAMP of an invite is when it was made (the app's clock).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildInvite, buildPublicCalendar, googleSubscribeLink, type CalendarEvent } from '../../core/calendar/index.js';
import { hasFixedTime, sessionToEvent } from '../sessions/index.js';
import { notFound, mustExist } from '../../core/errors.js';
import { t, type Language, type MessageKey } from '../../core/i18n/index.js';
import { Lru } from '../../core/lru.js';
import type { Registration } from './repository.js';
import type { Session } from '../sessions/index.js';
import { feedWindowStart, logLeftOut, plausibleInstant, versionEtag } from '../sessions/index.js';
import { matchesIfNoneMatch } from '../../core/render/etag.js';
import { render, personalLang } from '../../core/render/context.js';
import { Params, Query, Text } from '../../core/render/boundary.js';

/** Personal files: kept by nobody (not even the browser's cache), never indexed. */
export const PERSONAL_CACHE_CONTROL = 'no-store, private';
/** How often subscribed clients should refresh the personal feed (X-PUBLISHED-TTL), in minutes. */
export const PERSONAL_FEED_REFRESH_MINUTES = 60;

export const personalInvitePath = (token: string) => `/r/${token}/invite.ics`;
export const personalFeedPath = (token: string) => `/r/${token}/calendar.ics`;

/** Links for the manage page: the invite download (when there is one) and the feed (https, webcal and Google's "subscribe"). */
export function personalCalendarLinks(publicUrl: string, token: string, reg: Registration, session: Session): { invite?: string; feed: string; webcal: string; google: string } {
  const base = publicUrl.replace(/\/+$/, '');
  const feed = base + personalFeedPath(token);
  return {
    ...(inviteRefusal(reg, session) === undefined ? { invite: base + personalInvitePath(token) } : {}),
    feed,
    webcal: feed.replace(/^https?:\/\//i, 'webcal://'),
    google: googleSubscribeLink(feed),
  };
}

/** Why there is no invite file for this registration (a catalogue key), or undefined when there is one. */
export function inviteRefusal(reg: Registration, session: Session): { code: string; key: MessageKey } | undefined {
  if (reg.status !== 'confirmed') return { code: 'registration_not_confirmed', key: 'cal.personal.notConfirmed' };
  if (session.status === 'cancelled') return { code: 'session_cancelled', key: 'cal.personal.cancelled' };
  // A tentative session's provisional date is not sent as an invitation (its emails carry none either).
  if (!hasFixedTime(session) || session.status === 'tentative') return { code: 'no_fixed_date', key: 'cal.personal.noDate' };
  return undefined;
}


/** A name that is safe inside a quoted Content-Disposition filename. */
function fileName(slug: string, fallback: string): string {
  const s = slug.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 100);
  return `${s || fallback}.ics`;
}

function personalHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', PERSONAL_CACHE_CONTROL).header('X-Robots-Tag', 'noindex, nofollow');
}

export default function personalCalendarRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { registrations, attendance, sessions } = app.services;
  const { clock } = app.services;
  const publicUrl = app.config.publicUrl.replace(/\/+$/, '');

  /** The registration behind the token; erased registrations (no email left) are unknown too. */
  const owner = (token: string): Registration => {
    const reg = registrations.byToken(token);
    if (!reg.email) throw notFound('registration');
    return reg;
  };

  /** The session's event with the person's own join link (only when the session has a meeting link). */
  const personalEvent = (session: Session & { startUtc: number; endUtc: number }, reg: Pick<Registration, 'id' | 'tokenNonce' | 'language'>): CalendarEvent => {
    const hub = sessions.hub(session.hubId);
    if (!hub) throw notFound('hub');
    // In the registrant's language, whatever the session's.
    const ev = sessionToEvent(session, hub, { publicUrl, includeJoinUrl: false, language: reg.language });
    // The personal link records attendance and redirects to the meeting; the bare meeting URL never goes out.
    if (session.joinUrl && session.status !== 'cancelled') ev.url = attendance.joinUrl(reg);
    return ev;
  };

  app.get('/r/:token/invite.ics', { schema: { params: Params({ token: Text }), querystring: Query({}) } }, async (req, reply) => {
    const reg = owner(req.params.token);
    const session = sessions.get(reg.sessionId);
    if (!session) throw notFound('session');
    personalHeaders(reply);
    const refusal = inviteRefusal(reg, session);
    if (refusal || !hasFixedTime(session)) {
      const { code, key } = refusal ?? { code: 'no_fixed_date', key: 'cal.personal.noDate' };
      const lang = personalLang(req, reg.language);
      const message = t(lang, key);
      reply.header('Vary', 'Accept');
      if (/\btext\/html\b/i.test(req.headers.accept ?? '')) {
        const html = await render(req, reply, 'pages/error', { title: t(lang, 'error.notFound'), message, lang }, 404);
        // render() sets its own Cache-Control; a personal answer is never stored by anyone.
        personalHeaders(reply);
        return html;
      }
      return reply.code(404).send({ error: code, message });
    }
    const content = buildInvite(personalEvent(session, reg), { name: reg.name, email: mustExist(reg.email, 'email address') }, { method: 'REQUEST', stampMs: clock.now() });
    return reply
      .code(200)
      .header('Content-Type', 'text/calendar; charset=utf-8; method=REQUEST')
      .header('Content-Disposition', `attachment; filename="${fileName(session.slug, `session-${session.id}`)}"`)
      .send(content);
  });

  // Feeds by version (see below); they hold personal links, so they live only in this process's
  // memory, bounded, keyed by the registration rather than the address.
  const builtFeeds = new Lru<string, string>(500);

  app.get('/r/:token/calendar.ics', { schema: { params: Params({ token: Text }), querystring: Query({}) } }, async (req, reply) => {
    const reg = owner(req.params.token);
    const lang = personalLang(req, reg.language);
    const email = mustExist(reg.email, 'email address');
    const since = feedWindowStart(clock.now());
    // The same person, language and seats (sessions unchanged) give the same bytes: built once per version.
    const version = JSON.stringify(['personal', reg.id, lang, registrations.personalFeedVersion(email, since)]);
    const etag = versionEtag(version);
    personalHeaders(reply).header('ETag', etag);
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) return reply.code(304).send();
    const body = builtFeeds.getOrSet(version, () => personalFeed(req, email, since, lang));
    return reply
      .code(200)
      .header('Content-Type', 'text/calendar; charset=utf-8')
      .header('Content-Disposition', 'inline; filename="kairos-my-sessions.ics"')
      .send(body);
  });

  /** The person's feed: every session they hold a confirmed seat for, with their own join links. */
  const personalFeed = (req: FastifyRequest, email: string, since: number, lang: Language): string => {
    const events: CalendarEvent[] = [];
    const idOf = new Map<string, number>();
    let stampMs = 0;
    for (const seat of registrations.confirmedSeats(email, since)) {
      const session = sessions.get(seat.sessionId);
      // No DTSTART yet: the session joins the feed once its date is set.
      if (!session || !hasFixedTime(session)) continue;
      // A session whose event cannot be made is left out (and logged); the others still go out.
      try {
        const ev = personalEvent(session, { id: seat.registrationId, tokenNonce: seat.tokenNonce, language: lang });
        events.push(ev);
        idOf.set(ev.uid, session.id);
        if (plausibleInstant(session.updatedAt)) stampMs = Math.max(stampMs, session.updatedAt);
      } catch (err) {
        logLeftOut(req, session.id, err);
      }
    }
    // Soonest first, as a reader of the file expects.
    events.sort((a, b) => a.startMs - b.startMs || a.uid.localeCompare(b.uid));
    return buildPublicCalendar(events, {
      name: t(lang, 'cal.personal.feedName'),
      stampMs,
      refreshMinutes: PERSONAL_FEED_REFRESH_MINUTES,
      onEventError: (ev, err) => logLeftOut(req, idOf.get(ev.uid), err),
    });
  };
}

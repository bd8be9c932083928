/**
 * Session + organising hub → CalendarEvent: the one mapping from Kairos's domain objects to the
 * plain inputs of the calendar module (files, feeds, invites, add-to-calendar links).
 *
 * Only sessions with a fixed time can become events: a tentative session without a date has no
 * DTSTART. Use `hasFixedTime` to filter; `sessionToEvent` refuses the others.
 */
import { AppError } from '../../core/errors.js';
import type { Hub } from './hubs-repository.js';
import type { Session } from './repository.js';
import type { CalendarEvent, EventStatus } from '../../core/calendar/types.js';

export interface SessionEventOptions {
  /** The app's public URL without a trailing slash (`config.publicUrl`); the event's page is `${publicUrl}/sessions/${id}`. */
  publicUrl: string;
  /**
   * Put the session's join URL in the event (URL, LOCATION, description). Only for people who
   * registered (personal invites and feeds); never for public files, feeds or links.
   */
  includeJoinUrl?: boolean;
  /**
   * The language of the event's generated text (description labels and dates, link text, the
   * "Cancelled:" title prefix of feeds): the recipient's (`registration.language`) for personal
   * invites, mail and feeds; the session's own language for public files and feeds, which have no
   * one reader (and are cached for everyone).
   */
  language: string;
}

/** A session whose start and end are known instants. */
export type FixedSession = Session & { startUtc: number; endUtc: number };

export function hasFixedTime(s: Session): s is FixedSession {
  return s.startUtc !== null && s.endUtc !== null;
}

/** scheduled and completed → CONFIRMED; a tentative session with a provisional date → TENTATIVE. */
export function eventStatus(s: Session): EventStatus {
  if (s.status === 'cancelled') return 'CANCELLED';
  if (s.status === 'tentative') return 'TENTATIVE';
  return 'CONFIRMED';
}

export function sessionPageUrl(publicUrl: string, session: Pick<Session, 'id'>): string {
  return `${publicUrl.replace(/\/+$/, '')}/sessions/${session.id}`;
}

/**
 * The calendar event of a session, organised by `hub` (its name and contact mailbox, never a
 * registrant). Throws AppError `no_fixed_date` (404) for a session without a fixed time.
 */
export function sessionToEvent(session: Session, hub: Hub, opts: SessionEventOptions): CalendarEvent {
  if (!hasFixedTime(session)) {
    throw new AppError('no_fixed_date', 'this session has no fixed date yet', 404);
  }
  if (hub.id !== session.hubId) {
    throw new AppError('calendar_hub_mismatch', 'the organiser of an event is the hub that organises the session', 500, 'hub');
  }
  return {
    uid: session.calendarUid,
    sequence: session.sequence,
    startMs: session.startUtc,
    endMs: session.endUtc,
    zone: session.zone,
    title: session.title,
    description: session.description,
    url: opts.includeJoinUrl ? session.joinUrl : null,
    pageUrl: sessionPageUrl(opts.publicUrl, session),
    status: eventStatus(session),
    organizer: { name: hub.name, email: hub.contactEmail },
    language: opts.language,
    createdMs: session.createdAt,
    lastModifiedMs: session.updatedAt,
  };
}

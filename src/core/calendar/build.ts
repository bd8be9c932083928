/**
 * The only place in Kairos that imports the `ics` package. `ics` writes the properties; this
 * module decides what goes in, cleans it first, and repairs the output afterwards:
 *
 *  - instants go in as epoch ms with input and output type 'utc' (never arrays or strings in
 *    local time, which `ics` would read in the host's TZ);
 *  - DTEND, never DURATION (`ics` writes day durations as `P1DT`, which is invalid);
 *  - `"` is removed from CN (ics escapes it as `\"`, which RFC 5545 does not allow and strict
 *    parsers reject); `ics` also quotes enumerated parameters (ROLE="REQ-PARTICIPANT"), which
 *    we unquote to match the RFC's grammar for them;
 *  - the METHOD and X-PUBLISHED-TTL lines `ics` always adds are replaced by the ones wanted (a
 *    feed also gets RFC 7986's REFRESH-INTERVAL with the same duration);
 *    X-WR-CALNAME is written here with proper TEXT escaping (`ics` does not escape it);
 *  - a personal invite's meeting room also goes in RFC 7986's CONFERENCE, which `ics` does not
 *    know: written here into the event after `ics` built it;
 *  - finally every line is unfolded and refolded at 75 octets with CRLF (see fold.ts).
 */
import * as ics from 'ics';
import { AppError } from '../errors.js';
import { t } from '../i18n/index.js';
import { eventDescription } from './describe.js';
import { logicalLines, serialise } from './fold.js';
import { calendarStrings } from './strings.js';
import { cleanEmail, cleanLine, cleanParam, cleanUrl, escapeText } from './text.js';
import { Lru } from '../lru.js';
import type { CalendarEvent, CalendarPerson, InviteOptions, PublicCalendarOptions } from './types.js';

/** PRODID of every file Kairos writes. */
export const PRODID = '-//Kairos//Kairos//EN';

/** `ics` reads a DTSTAMP from `timestamp`, which its type definitions omit. */
type IcsEvent = ics.EventAttributes & { timestamp?: number };

/** `ics` exports the URL check it applies (untyped); used so a URL it dislikes is left out, not fatal. */
const icsAcceptsUrl: (url: string) => boolean = (ics as unknown as { isValidURL?: (u: string) => boolean }).isValidURL ?? (() => true);

function wholeSeconds(ms: number, field: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new AppError('calendar_time_invalid', `${field} is not a valid instant`, 500, field);
  return Math.floor(ms / 1000) * 1000;
}

function checkEvent(ev: CalendarEvent): { start: number; end: number } {
  const start = wholeSeconds(ev.startMs, 'startMs');
  const end = wholeSeconds(ev.endMs, 'endMs');
  if (end <= start) throw new AppError('calendar_end_before_start', 'a session must end after it starts', 500, 'endMs');
  if (!Number.isInteger(ev.sequence) || ev.sequence < 0) {
    throw new AppError('calendar_sequence_invalid', 'SEQUENCE must be a non-negative integer', 500, 'sequence');
  }
  if (!cleanLine(ev.uid)) throw new AppError('calendar_uid_missing', 'an event needs a UID', 500, 'uid');
  return { start, end };
}

function person(p: CalendarPerson): { name: string; email: string } {
  const email = cleanEmail(p.email);
  return { name: cleanParam(p.name) || email, email };
}

/** The attributes shared by invites and feeds; no people. */
function baseAttributes(ev: CalendarEvent, stampMs: number, description: string, url: string | undefined): IcsEvent {
  const { start, end } = checkEvent(ev);
  const attrs: IcsEvent = {
    productId: PRODID,
    uid: cleanLine(ev.uid),
    sequence: ev.sequence,
    timestamp: wholeSeconds(stampMs, 'stampMs'),
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: cleanLine(ev.title) || calendarStrings(ev.language).untitled,
    description,
  };
  // A URL `ics` refuses (e.g. an IPv6 literal or an underscore in the host name) stays in the
  // description only, instead of making the whole file fail.
  if (url && icsAcceptsUrl(url)) attrs.url = url;
  if (ev.createdMs !== undefined) attrs.created = wholeSeconds(ev.createdMs, 'createdMs');
  if (ev.lastModifiedMs !== undefined) attrs.lastModified = wholeSeconds(ev.lastModifiedMs, 'lastModifiedMs');
  return attrs;
}

function runIcs(events: IcsEvent[], header: ics.HeaderAttributes): string {
  const { error, value } = ics.createEvents(events, header);
  if (error || !value) {
    // ics returns a yup error flattened into a plain object; keep what it says.
    const detail = (error as { errors?: unknown; message?: string } | null)?.errors ?? error?.message ?? 'no output';
    throw new AppError('calendar_build_failed', `could not build the calendar: ${JSON.stringify(detail)}`, 500);
  }
  return value;
}

/** Header lines that `ics` writes (or might) and that we replace with our own. */
const REPLACED_HEADER = /^(METHOD|X-PUBLISHED-TTL|REFRESH-INTERVAL|X-WR-CALNAME)[;:]/i;
/** Enumerated parameters `ics` quotes although RFC 5545 gives them as bare tokens. */
const QUOTED_ENUM_PARAM = /;(ROLE|PARTSTAT|CUTYPE|RSVP|SCHEDULE-AGENT)="([A-Za-z0-9-]+)"/g;

/**
 * Turns `ics` output into the final file: header lines replaced, parameters unquoted, PRODID
 * checked, blank lines dropped, CRLF everywhere, folded at 75 octets.
 */
function finish(raw: string, header: { method?: string; extra?: string[]; eventExtra?: string[] }): string {
  return serialise(finishLines(raw, header));
}

/** `finish` before folding: the logical lines. */
function finishLines(raw: string, header: { method?: string; extra?: string[]; eventExtra?: string[] }): string[] {
  const lines = logicalLines(raw);
  const out: string[] = [];
  let inHeader = true; // between BEGIN:VCALENDAR and the first component
  for (const line of lines) {
    if (inHeader && /^BEGIN:(?!VCALENDAR$)/i.test(line)) inHeader = false;
    if (inHeader && /^END:VCALENDAR$/i.test(line)) inHeader = false;
    if (inHeader && REPLACED_HEADER.test(line)) continue;
    // Properties `ics` cannot write go at the end of the (single) event.
    if (header.eventExtra?.length && /^END:VEVENT$/i.test(line)) out.push(...header.eventExtra);
    if (/^(ATTENDEE|ORGANIZER)[;:]/i.test(line)) {
      out.push(line.replace(QUOTED_ENUM_PARAM, ';$1=$2'));
    } else {
      out.push(line);
    }
    if (/^PRODID:/i.test(line)) {
      if (line !== `PRODID:${PRODID}`) throw new AppError('calendar_prodid', `unexpected ${line}`, 500);
      if (header.method) out.push(`METHOD:${header.method}`);
      out.push(...(header.extra ?? []));
    }
  }
  if (out[0] !== 'BEGIN:VCALENDAR' || out[out.length - 1] !== 'END:VCALENDAR' || !out.includes(`PRODID:${PRODID}`)) {
    throw new AppError('calendar_build_failed', 'unexpected output from ics', 500);
  }
  return out;
}

/**
 * A personal iMIP invitation (RFC 5546) for one recipient.
 *
 * REQUEST: the hub as ORGANIZER (or, with `opts.replyTo`, the per-registration reply mailbox with
 * SENT-BY the sender), the recipient as the only ATTENDEE (NEEDS-ACTION, REQ-PARTICIPANT; RSVP=TRUE
 * only with `opts.replyTo`, since only then does an answer reach anything that reads it), DTSTART/DTEND in UTC, the join URL as URL and in the DESCRIPTION with the
 * time in the session's zone. CANCEL: same UID, STATUS:CANCELLED, the caller's (higher) SEQUENCE.
 * Send it as the outbox's `icalEvent: { method, content }` with the same method (the transport writes
 * the text/calendar alternative and attachment).
 */
export function buildInvite(ev: CalendarEvent, attendee: CalendarPerson, opts: InviteOptions): string {
  const people = invitePeople(ev, attendee, opts);
  const joinUrl = opts.method === 'CANCEL' ? undefined : cleanUrl(ev.url);
  if (!fitsShape(people, joinUrl)) return serialise(inviteLines(ev, people, opts, joinUrl));
  // The invites of one session version to its registrants differ only in the recipient, the
  // personal join link, the reply mailbox and DTSTAMP: the rest is written once (by `ics`, which
  // validates and formats: nine tenths of an invite's cost) and the four are put in its lines.
  const key = JSON.stringify([{ ...ev, url: joinUrl === undefined ? null : 1 }, opts.method, people.organizer.name, people.organizer.sentBy ?? null, people.replyMailbox ? 1 : people.organizer.email, people.rsvp]);
  // A stand-in's own text already in the event (never in practice) would be swapped too: write it in full.
  if (key.includes(SLOT_DOMAIN)) return serialise(inviteLines(ev, people, opts, joinUrl));
  let shape = shapes.get(key);
  if (shape === undefined) {
    const slotted: InvitePeople = {
      organizer: { ...people.organizer, ...(people.replyMailbox ? { email: SLOT.replyTo } : {}) },
      recipient: { name: SLOT.name, email: SLOT.email },
      rsvp: people.rsvp,
      replyMailbox: people.replyMailbox,
    };
    shape = inviteLines({ ...ev, url: joinUrl === undefined ? undefined : SLOT.url }, slotted, { ...opts, stampMs: SLOT.stampMs }, joinUrl === undefined ? undefined : SLOT.url);
    shapes.set(key, shape);
  }
  return serialise(fillShape(shape, people, joinUrl, opts.stampMs));
}

/** Who an invite is from and to, checked. */
interface InvitePeople {
  organizer: { name: string; email: string; sentBy?: string };
  recipient: { name: string; email: string };
  rsvp: boolean;
  /** The ORGANIZER's mailbox is this registration's reply address (not the hub's). */
  replyMailbox: boolean;
}

function invitePeople(ev: CalendarEvent, attendee: CalendarPerson, opts: InviteOptions): InvitePeople {
  const hub = person(ev.organizer);
  // With a reply address the ORGANIZER is that mailbox (where the answer must go), sent by the
  // message's From when it differs (RFC 5545 SENT-BY); the hub's name stays the CN.
  const replyTo = opts.replyTo ? cleanEmail(opts.replyTo.email) : '';
  const sentBy = opts.replyTo?.sentBy ? cleanEmail(opts.replyTo.sentBy) : '';
  const organizer: { name: string; email: string; sentBy?: string } = replyTo ? { name: hub.name, email: replyTo } : hub;
  if (replyTo && sentBy && sentBy.toLowerCase() !== replyTo.toLowerCase()) organizer.sentBy = sentBy;
  const recipient = person(attendee);
  if (!organizer.email || !recipient.email) {
    throw new AppError('calendar_email_missing', 'an invite needs the organiser and recipient mailboxes', 500);
  }
  if (organizer.email.toLowerCase() === recipient.email.toLowerCase()) {
    throw new AppError('calendar_recipient_is_organizer', 'the recipient of an invite cannot be its organiser', 500, 'attendee');
  }
  if (opts.method !== 'CANCEL' && ev.status === 'CANCELLED') {
    throw new AppError('calendar_request_cancelled', 'a cancelled session is sent with method CANCEL', 500, 'status');
  }
  return { organizer, recipient, rsvp: Boolean(replyTo), replyMailbox: Boolean(replyTo) };
}

/** The logical lines of an invite, written by `ics`. */
function inviteLines(ev: CalendarEvent, people: InvitePeople, opts: InviteOptions, joinUrl: string | undefined): string[] {
  const cancel = opts.method === 'CANCEL';
  const attrs = baseAttributes(
    ev,
    opts.stampMs,
    eventDescription(ev, { cancelled: cancel, includeJoinUrl: !cancel }),
    joinUrl ?? cleanUrl(ev.pageUrl),
  );
  attrs.status = cancel ? 'CANCELLED' : ev.status;
  attrs.organizer = people.organizer;
  // A cancellation asks for no reply; a request asks for one only when replies are heard (replyTo).
  attrs.attendees = [cancel ? { ...people.recipient, role: 'REQ-PARTICIPANT' } : { ...people.recipient, rsvp: people.rsvp, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' }];
  if (joinUrl) attrs.location = joinUrl;
  const eventExtra = joinUrl && attrs.url === joinUrl ? [conferenceLine(joinUrl, calendarStrings(ev.language).join)] : [];
  return finishLines(runIcs([attrs], { productId: PRODID, method: opts.method }), { method: opts.method, eventExtra });
}

/**
 * Stand-ins for what differs between the recipients of one invite. Each is written by `ics` exactly
 * as given wherever it appears (no character of them is escaped or quoted differently), as are the
 * real values `fitsShape` lets through, so swapping them gives the lines `ics` would have written.
 */
const SLOT = {
  url: 'https://recipient-slot.kairos.invalid/join-slot',
  name: 'Kairos Recipient Slot',
  email: 'recipient-slot@kairos.invalid',
  replyTo: 'reply-slot@kairos.invalid',
  stampMs: Date.UTC(2000, 0, 1),
} as const;
const SLOT_STAMP = 'DTSTAMP:20000101T000000Z';
const SLOT_DOMAIN = 'kairos.invalid';

const shapes = new Lru<string, string[]>(200);

/**
 * Whether the recipient's values go into a kept shape unchanged: nothing `ics` would escape, quote
 * or refuse (TEXT escapes \ ; , and line breaks; parameter values are quoted with " escaped; `ics`
 * checks addresses and URLs). Anything else is written by `ics` itself.
 */
function fitsShape(people: InvitePeople, joinUrl: string | undefined): boolean {
  const { recipient, organizer } = people;
  if (!SIMPLE_NAME.test(recipient.name) || recipient.name.includes(SLOT.name)) return false;
  if (recipient.email.includes(SLOT_DOMAIN) || organizer.email.includes(SLOT_DOMAIN) || joinUrl?.includes(SLOT_DOMAIN)) return false;
  if (!SIMPLE_EMAIL.test(recipient.email) || (people.replyMailbox && !SIMPLE_EMAIL.test(organizer.email))) return false;
  if (joinUrl !== undefined && (!SIMPLE_URL.test(joinUrl) || !icsAcceptsUrl(joinUrl))) return false;
  return true;
}
/**
 * Letters, digits, spaces and common punctuation of names (\u2019 is the typographic apostrophe), in
 * any script; no " \ ; , or controls.
 */
const SIMPLE_NAME = /^[\p{L}\p{M}\p{N} .'\u2019()&/-]{1,200}$/u;
const SIMPLE_EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const SIMPLE_URL = /^https?:\/\/[A-Za-z0-9.:-]+\/[A-Za-z0-9._~%!$&'()*+=:@/?#-]*$/;

function fillShape(shape: readonly string[], people: InvitePeople, joinUrl: string | undefined, stampMs: number): string[] {
  const stamp = `DTSTAMP:${icsUtc(wholeSeconds(stampMs, 'stampMs'))}`;
  return shape.map((line) => {
    if (line === SLOT_STAMP) return stamp;
    let out = line;
    if (joinUrl !== undefined) out = swap(out, SLOT.url, joinUrl);
    if (out.startsWith('ATTENDEE')) out = swap(swap(out, `CN="${SLOT.name}"`, `CN="${people.recipient.name}"`), `:mailto:${SLOT.email}`, `:mailto:${people.recipient.email}`);
    else if (people.replyMailbox && out.startsWith('ORGANIZER')) out = swap(out, `:MAILTO:${SLOT.replyTo}`, `:MAILTO:${people.organizer.email}`);
    return out;
  });
}

const swap = (line: string, from: string, to: string): string => line.split(from).join(to);

/** An instant as `ics` writes DTSTAMP: 20270310T090000Z. */
function icsUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** For the tests: an invite written by `ics` in full, never from a kept shape. */
export function buildInviteUnshaped(ev: CalendarEvent, attendee: CalendarPerson, opts: InviteOptions): string {
  const joinUrl = opts.method === 'CANCEL' ? undefined : cleanUrl(ev.url);
  return serialise(inviteLines(ev, invitePeople(ev, attendee, opts), opts, joinUrl));
}

/**
 * RFC 7986 CONFERENCE: the meeting room as a URI that calendar clients offer as "Join". The label
 * is a parameter value: cleaned of `"` (cleanParam), and quoted when it holds `:`, `;` or `,`.
 */
function conferenceLine(url: string, label: string): string {
  const text = cleanParam(label);
  const param = /[:;,]/.test(text) ? `"${text}"` : text;
  return `CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO${param ? `;LABEL=${param}` : ''}:${url}`;
}

/** "PT1H", "PT1H30M", "P1D" — written here because `ics`'s duration writer emits "P1DT". */
function ttl(minutes: number): string {
  const m = Math.max(1, Math.round(minutes));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mi = m % 60;
  const time = (h ? `${h}H` : '') + (mi ? `${mi}M` : '');
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

/**
 * A calendar without people: a session download, or a feed (series, hub, personal). No
 * ATTENDEE, no registrant data. Cancelled events stay, with STATUS:CANCELLED, so subscribed
 * clients remove or strike them, and their title says so in the event's language ("Cancelled: …")
 * for the clients that ignore STATUS. An empty list still gives a valid VCALENDAR.
 *
 * The join URL of an event is included only if the caller passes it (`ev.url`): leave it out
 * for public feeds, keep it for a registrant's personal feed.
 */
export function buildPublicCalendar(events: CalendarEvent[], opts: PublicCalendarOptions): string {
  const method = opts.method;
  const report = opts.onEventError;
  const built: { ev: CalendarEvent; attrs: IcsEvent }[] = [];
  for (const ev of events) {
    try {
      const cancelled = ev.status === 'CANCELLED';
      const joinUrl = cancelled ? undefined : cleanUrl(ev.url);
      const attrs = baseAttributes(ev, opts.stampMs, eventDescription(ev, { cancelled, includeJoinUrl: !cancelled }), joinUrl ?? cleanUrl(ev.pageUrl));
      attrs.status = ev.status;
      if (cancelled) attrs.title = t(ev.language ?? 'en', 'cal.feed.cancelledTitle', { title: attrs.title ?? '' });
      if (joinUrl) attrs.location = joinUrl;
      // iTIP PUBLISH requires an ORGANIZER (the hub's mailbox, not personal data); a plain file has none.
      if (method === 'PUBLISH') attrs.organizer = person(ev.organizer);
      built.push({ ev, attrs });
    } catch (err) {
      if (!report) throw err;
      report(ev, err);
    }
  }
  const name = cleanLine(opts.name);
  const extra = [
    ...(name ? [`X-WR-CALNAME:${escapeText(name)}`] : []),
    // RFC 7986's REFRESH-INTERVAL, and the older X-PUBLISHED-TTL that Outlook and Apple read.
    ...(opts.refreshMinutes ? [`REFRESH-INTERVAL;VALUE=DURATION:${ttl(opts.refreshMinutes)}`, `X-PUBLISHED-TTL:${ttl(opts.refreshMinutes)}`] : []),
  ];
  const empty = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nPRODID:${PRODID}\r\nEND:VCALENDAR\r\n`;
  let raw: string;
  try {
    raw = runIcs(built.map((b) => b.attrs), { productId: PRODID });
  } catch (err) {
    // Some ics versions refuse an empty list; an empty calendar is still a calendar.
    if (built.length === 0) return finish(empty, { method, extra });
    if (!report) throw err;
    // `ics` refused the list: find the events it refuses one by one and leave only those out.
    const good = built.filter((b) => {
      try {
        runIcs([b.attrs], { productId: PRODID });
        return true;
      } catch (e) {
        report(b.ev, e);
        return false;
      }
    });
    if (good.length === 0) return finish(empty, { method, extra });
    raw = runIcs(good.map((b) => b.attrs), { productId: PRODID });
  }
  return finish(raw, { method, extra });
}

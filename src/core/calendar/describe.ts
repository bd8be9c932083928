/**
 * Human-readable text about when a session happens: the description inside invites and feeds,
 * the text of add-to-calendar links, and the plain-text statement for mail gateways that strip
 * attachments. Every time names its zone and UTC offset (core/time does the conversions).
 */
import { formatDate, formatInZone, formatTime, instantToWall, isValidZone, offsetOf, utcOffsetLabel, zoneLabel } from '../time/index.js';
import { calendarLanguage, calendarStrings } from './strings.js';
import { cleanLine, cleanText, cleanUrl } from './text.js';
import type { CalendarAgenda, CalendarEvent } from './types.js';
import { Lru } from '../lru.js';

/**
 * "Thursday, 15 July 2021, 11:00–12:00 (Europe/Athens, UTC+03:00)"; when the end falls on another
 * local day or at another UTC offset, both ends are written in full.
 */
export function whenInZone(startMs: number, endMs: number, zone: string, lang = 'en'): string {
  // The same for every recipient of a session in one zone and language: worked out once.
  return whenTexts.getOrSet(`${startMs}|${endMs}|${zone}|${lang}`, () => whenInZoneNow(startMs, endMs, zone, lang));
}

const whenTexts = new Lru<string, string>(4000);

function whenInZoneNow(startMs: number, endMs: number, zone: string, lang: string): string {
  const locale = calendarLanguage(lang);
  const sameDay = instantToWall(startMs, zone).date === instantToWall(endMs, zone).date;
  if (sameDay && offsetOf(startMs, zone) === offsetOf(endMs, zone)) {
    return `${formatDate(startMs, zone, locale)}, ${formatTime(startMs, zone)}–${formatTime(endMs, zone)} (${zoneLabel(zone)}, ${utcOffsetLabel(startMs, zone)})`;
  }
  return `${formatInZone(startMs, zone, locale)} – ${formatInZone(endMs, zone, locale)}`;
}

/**
 * The DESCRIPTION of an event: (cancellation notice), the organiser's text, the time in the
 * session's zone, the join URL and the session page. `includeJoinUrl` is false for
 * cancellations and for public feeds whose events carry no join URL.
 */
export function eventDescription(ev: CalendarEvent, opts: { cancelled?: boolean; includeJoinUrl?: boolean } = {}): string {
  const s = calendarStrings(ev.language);
  const parts: string[] = [];
  if (opts.cancelled) parts.push(s.cancelled);
  const body = cleanText(ev.description);
  if (body) parts.push(body);
  const lines = [`${s.when}: ${whenInZone(ev.startMs, ev.endMs, ev.zone, ev.language)}`];
  const join = opts.includeJoinUrl === false ? undefined : cleanUrl(ev.url);
  if (join) lines.push(`${s.join}: ${join}`);
  const page = cleanUrl(ev.pageUrl);
  if (page) lines.push(`${s.page}: ${page}`);
  parts.push(lines.join('\n'));
  const agenda = opts.cancelled ? '' : agendaText(ev.agenda, ev.language);
  if (agenda) parts.push(agenda);
  return parts.join('\n\n');
}

/**
 * The agenda as a short text: a heading naming the zone once, then one line per item,
 * "11:15–11:45 Case study: title — Name (Affiliation)". An item that starts on another local day
 * than the first one says its date. '' when there is no agenda.
 */
export function agendaText(agenda: CalendarAgenda | undefined, lang = 'en'): string {
  if (!agenda?.items.length || !isValidZone(agenda.zone)) return '';
  const { zone, items } = agenda;
  const first = items[0];
  if (!first) return '';
  const firstDay = instantToWall(first.startMs, zone).date;
  const lines = items.map((item) => {
    const day = instantToWall(item.startMs, zone).date;
    const time = `${formatTime(item.startMs, zone)}–${formatTime(item.endMs, zone)}`;
    return `${day === firstDay ? '' : `${day} `}${time} ${cleanLine(item.text)}`;
  });
  return [`${calendarStrings(lang).agenda} (${zoneLabel(zone)}, ${utcOffsetLabel(first.startMs, zone)}):`, ...lines].join('\n');
}

/**
 * A plain-text statement of the time, for the text part of an e-mail: in the recipient's zone
 * and in the session's zone (one line when they are the same zone). Lines are joined by "\n".
 */
export function plainTextWhen(ev: CalendarEvent, recipientZone: string | null | undefined, lang = 'en'): string {
  const s = calendarStrings(lang);
  const session = whenInZone(ev.startMs, ev.endMs, ev.zone, lang);
  if (!recipientZone || recipientZone === ev.zone || !isValidZone(recipientZone)) {
    return `${s.when}: ${session}`;
  }
  const mine = whenInZone(ev.startMs, ev.endMs, recipientZone, lang);
  return `${s.yourTime}: ${mine}\n${s.sessionTime}: ${session}`;
}

/**
 * View models of an agenda: each item's times worked out from the session's start (the durations of
 * the items before it), in one zone that is named, and in the nine places of the network; the
 * organiser's list; the form's choices; the short lines an invite carries.
 */
import type { CalendarAgenda } from '../../core/calendar/index.js';
import { t } from '../../core/i18n/index.js';
import { PLACES, formatDate, formatTime, instantToWall, placeTimes, toIsoUtc, utcOffsetLabel, zoneLabel, type PlaceTime } from '../../core/time/index.js';
import { KINDS, type AgendaItem, type Speaker } from './repository.js';

/** The part of a session an agenda's times come from. */
export interface AgendaSession {
  startUtc: number | null;
  durationMinutes: number;
  zone: string;
}

/** An item placed in time: minutes from the session's start, and its instants once the session has a date. */
export interface Placed {
  item: AgendaItem;
  offsetMinutes: number;
  startMs: number | null;
  endMs: number | null;
}

/** Each item starts where the one before ends, from the session's start. */
export function place(session: AgendaSession, items: readonly AgendaItem[]): Placed[] {
  let offset = 0;
  return items.map((item) => {
    const startMs = session.startUtc === null ? null : session.startUtc + offset * 60_000;
    const placed = { item, offsetMinutes: offset, startMs, endMs: startMs === null ? null : startMs + item.durationMinutes * 60_000 };
    offset += item.durationMinutes;
    return placed;
  });
}

/** Minutes the agenda runs past the end of the session (0 when it fits). */
export function overrunMinutes(session: AgendaSession, items: readonly AgendaItem[]): number {
  return Math.max(0, items.reduce((sum, i) => sum + i.durationMinutes, 0) - session.durationMinutes);
}

/** "Name (Affiliation), Name": the speakers of an item as one line. */
export function speakersText(speakers: readonly Speaker[]): string {
  return speakers.map((s) => (s.affiliation ? `${s.name} (${s.affiliation})` : s.name)).join(', ');
}

const kindLabel = (lang: string, kind: AgendaItem['kind']) => t(lang, `agenda.kind.${kind}`);

/** One item as a reader sees it. */
export interface ShownItem {
  id: number;
  kind: string;
  kindLabel: string;
  title: string;
  speakers: string;
  duration: string;
  /** "11:15–11:45" in the page's zone ('' while the session has no date). */
  time: string;
  /** The item's date when it falls on another day than the session's start ('' otherwise). */
  day: string;
  startIso: string;
  /** The item in each of the nine places (empty while the session has no date). */
  places: readonly PlaceTime[];
}

/** A session's agenda as a page shows it, in one zone (named) and one language. */
export interface AgendaView {
  items: ShownItem[];
  /** Whether the items have clock times (the session has a date). */
  dated: boolean;
  /** "Europe/Madrid (UTC+02:00)": the zone the times are in. */
  zone: string;
  /** The session's date in that zone ('' while undated). */
  date: string;
  total: string;
  overrun: number;
  /** The nine places, for the heading of the table of their times. */
  places: typeof PLACES;
}

export function agendaView(session: AgendaSession, items: readonly AgendaItem[], zone: string, lang: string): AgendaView {
  const placed = place(session, items);
  const firstDay = session.startUtc === null ? '' : instantToWall(session.startUtc, zone).date;
  const total = items.reduce((sum, i) => sum + i.durationMinutes, 0);
  return {
    dated: session.startUtc !== null,
    zone: session.startUtc === null ? zoneLabel(zone) : `${zoneLabel(zone)} (${utcOffsetLabel(session.startUtc, zone)})`,
    date: session.startUtc === null ? '' : formatDate(session.startUtc, zone, lang),
    total: t(lang, 'session.minutes', { n: total }),
    overrun: Math.max(0, total - session.durationMinutes),
    places: PLACES,
    items: placed.map(({ item, startMs, endMs }) => ({
      id: item.id,
      kind: item.kind,
      kindLabel: kindLabel(lang, item.kind),
      title: item.title,
      speakers: speakersText(item.speakers),
      duration: t(lang, 'session.minutes', { n: item.durationMinutes }),
      time: startMs === null || endMs === null ? '' : `${formatTime(startMs, zone)}–${formatTime(endMs, zone)}`,
      day: startMs === null || instantToWall(startMs, zone).date === firstDay ? '' : formatDate(startMs, zone, lang, 'medium'),
      startIso: startMs === null ? '' : toIsoUtc(startMs),
      places: startMs === null ? [] : placeTimes(startMs, item.durationMinutes, session.zone),
    })),
  };
}

/** The organiser's list: the reader's view plus what the up and down buttons need. */
export function organiserView(session: AgendaSession, items: readonly AgendaItem[], zone: string, lang: string) {
  const view = agendaView(session, items, zone, lang);
  return { ...view, items: view.items.map((item, i) => ({ ...item, first: i === 0, last: i === view.items.length - 1 })) };
}

/** The agenda as an invite lists it, in the recipient's language and zone; none while empty or undated. */
export function calendarAgenda(session: AgendaSession, items: readonly AgendaItem[], zone: string, lang: string): CalendarAgenda | undefined {
  if (session.startUtc === null || !items.length) return undefined;
  return {
    zone,
    items: place(session, items).flatMap(({ item, startMs, endMs }) => {
      if (startMs === null || endMs === null) return [];
      const who = speakersText(item.speakers);
      return [{ startMs, endMs, text: `${kindLabel(lang, item.kind)}: ${item.title}${who ? ` — ${who}` : ''}` }];
    }),
  };
}

/** The choices of the item form, labelled in the page's language. */
export function formChoices(lang: string) {
  return { kinds: KINDS.map((k) => ({ value: k, label: kindLabel(lang, k) })) };
}

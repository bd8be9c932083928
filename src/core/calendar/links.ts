/**
 * "Add to calendar" links for people whose mail or client does not take an .ics file.
 * Times are UTC instants; the session's zone is passed where the service understands one.
 * Everything is encoded with encodeURIComponent: Outlook's deeplink shows a `+` literally.
 */
import { toIsoUtc } from '../time/index.js';
import { eventDescription } from './describe.js';
import { calendarStrings } from './strings.js';
import { cleanLine, cleanUrl } from './text.js';
import type { CalendarEvent } from './types.js';

/** Links longer than a few kilobytes are cut by browsers and proxies; keep details short. */
const MAX_DETAILS = 1200;

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

function query(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

function isoSeconds(ms: number): string {
  return toIsoUtc(Math.floor(ms / 1000) * 1000);
}

function linkParts(ev: CalendarEvent) {
  return {
    title: cleanLine(ev.title) || calendarStrings(ev.language).untitled,
    details: shorten(eventDescription(ev, { cancelled: ev.status === 'CANCELLED', includeJoinUrl: ev.status !== 'CANCELLED' }), MAX_DETAILS),
    location: ev.status === 'CANCELLED' ? undefined : cleanUrl(ev.url),
  };
}

/** Google Calendar "create event" link (dates as UTC basic format, ctz = the session's zone). */
export function googleCalendarLink(ev: CalendarEvent): string {
  const { title, details, location } = linkParts(ev);
  const compact = (ms: number) => isoSeconds(ms).replace(/[-:]/g, '');
  return `https://calendar.google.com/calendar/render?${query({
    action: 'TEMPLATE',
    text: title,
    dates: `${compact(ev.startMs)}/${compact(ev.endMs)}`,
    details,
    location,
    ctz: ev.zone,
  })}`;
}

/** Outlook's two web hosts: personal accounts (Outlook.com) and work or school accounts (Microsoft 365). */
export const OUTLOOK_HOSTS = { live: 'outlook.live.com', office: 'outlook.office.com' } as const;

/**
 * Outlook compose deeplink (startdt/enddt as ISO 8601 UTC): `live` for Outlook.com accounts (the
 * default), `office` for Microsoft 365 work or school accounts, which outlook.live.com does not serve.
 */
export function outlookCalendarLink(ev: CalendarEvent, host: keyof typeof OUTLOOK_HOSTS = 'live'): string {
  const { title, details, location } = linkParts(ev);
  return `https://${OUTLOOK_HOSTS[host]}/calendar/0/deeplink/compose?${query({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: title,
    startdt: isoSeconds(ev.startMs),
    enddt: isoSeconds(ev.endMs),
    body: details,
    location,
  })}`;
}

/**
 * Google Calendar's "add by URL" link for a feed: `https://calendar.google.com/calendar/r?cid=<webcal url>`.
 * Google fetches the feed itself, so the feed must be reachable from the internet.
 */
export function googleSubscribeLink(feedUrl: string): string {
  const webcal = feedUrl.replace(/^https?:\/\//i, 'webcal://');
  return `https://calendar.google.com/calendar/r?${query({ cid: webcal })}`;
}

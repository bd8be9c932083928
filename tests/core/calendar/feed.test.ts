/**
 * Public files and feeds: a session download, a series / hub / personal feed. No people in
 * them beyond the hub's mailbox (and that only under METHOD:PUBLISH, where iTIP requires it).
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildPublicCalendar, PRODID, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { contentLines, lineComplaints, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

const STAMP = Date.UTC(2025, 8, 1, 6, 0, 0);
const HUB = { name: 'EDIH Madrid', email: 'hub-madrid@kairos.example' };

function session(i: number, over: Partial<CalendarEvent> = {}): CalendarEvent {
  const start = Date.UTC(2025, 9, 20 + i, 8, 0);
  return {
    uid: `session-${i}-s${i}@kairos.example`,
    sequence: i,
    startMs: start,
    endMs: start + 90 * 60_000,
    zone: i === 2 ? 'Atlantic/Canary' : 'Europe/Madrid',
    title: `Cloud clinic ${i}`,
    description: `Part ${i} of the series.`,
    pageUrl: `https://kairos.example/s/${i}`,
    status: 'CONFIRMED',
    organizer: HUB,
    ...over,
  };
}

// Registrants of these sessions: none of them may appear in any feed.
const REGISTRANTS = ['ana.garcia@example.es', 'jonas@example.lt', 'maria@example.org'];

const events = [session(1), session(2, { status: 'CANCELLED' }), session(3, { status: 'TENTATIVE' })];
const plain = buildPublicCalendar(events, { name: 'EDIH Madrid, sessions; 2025', stampMs: STAMP });
const published = buildPublicCalendar(events, { name: 'EDIH Madrid', stampMs: STAMP, method: 'PUBLISH', refreshMinutes: 60 });
const emptyPlain = buildPublicCalendar([], { name: 'My sessions', stampMs: STAMP });
const emptyPublished = buildPublicCalendar([], { name: 'My sessions', stampMs: STAMP, method: 'PUBLISH' });

function parse(text: string): ICAL.Component {
  return ICAL.Component.fromString(text);
}

describe('feeds and downloads', () => {
  it('are valid for the strict parsers, empty ones included, with well-formed lines', async () => {
    const all = [plain, published, emptyPlain, emptyPublished];
    expect(await strictComplaintsMany(all)).toEqual([[], [], [], []]);
    for (const t of all) expect(lineComplaints(t)).toEqual([]);
  });

  it('contain no ATTENDEE and no registrant address', () => {
    for (const t of [plain, published]) {
      expect(t).not.toMatch(/^ATTENDEE/m);
      for (const a of REGISTRANTS) expect(t).not.toContain(a);
      for (const ev of parse(t).getAllSubcomponents('vevent')) expect(ev.getAllProperties('attendee')).toHaveLength(0);
    }
  });

  it('without METHOD have no ORGANIZER either; with PUBLISH the organiser is the hub', () => {
    expect(parse(plain).getFirstPropertyValue('method')).toBeNull();
    expect(plain).not.toMatch(/^(METHOD|ORGANIZER)/m);
    expect(parse(published).getFirstPropertyValue('method')).toBe('PUBLISH');
    const organizers = parse(published).getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('organizer')).toLowerCase());
    expect(organizers).toEqual(['mailto:hub-madrid@kairos.example', 'mailto:hub-madrid@kairos.example', 'mailto:hub-madrid@kairos.example']);
  });

  it('keep a cancelled session, marked CANCELLED, so subscribers see it go', () => {
    const evs = parse(plain).getAllSubcomponents('vevent');
    expect(evs.map((e) => e.getFirstPropertyValue('uid'))).toEqual(events.map((e) => e.uid));
    expect(evs.map((e) => e.getFirstPropertyValue('status'))).toEqual(['CONFIRMED', 'CANCELLED', 'TENTATIVE']);
    expect(evs.map((e) => e.getFirstPropertyValue('sequence'))).toEqual([1, 2, 3]);
    expect((must(evs[1], 'the cancelled VEVENT').getFirstPropertyValue('description') as string).startsWith('This session has been cancelled.')).toBe(true);
  });

  it('name the calendar (X-WR-CALNAME, TEXT-escaped) and carry the Kairos PRODID', () => {
    const lines = contentLines(plain);
    expect(lines).toContain('X-WR-CALNAME:EDIH Madrid\\, sessions\\; 2025');
    expect(lines).toContain(`PRODID:${PRODID}`);
    expect(contentLines(emptyPlain)).toContain('X-WR-CALNAME:My sessions');
  });

  it('say how often to refresh only when asked, and never with an invalid duration', () => {
    expect(contentLines(published)).toContain('X-PUBLISHED-TTL:PT1H');
    expect(plain).not.toContain('X-PUBLISHED-TTL');
    const ttl = (m: number) => contentLines(buildPublicCalendar([], { name: 'x', stampMs: STAMP, refreshMinutes: m })).find((l) => l.startsWith('X-PUBLISHED-TTL'));
    expect(ttl(90)).toBe('X-PUBLISHED-TTL:PT1H30M');
    expect(ttl(1440)).toBe('X-PUBLISHED-TTL:P1D');
    expect(ttl(1500)).toBe('X-PUBLISHED-TTL:P1DT1H');
  });

  it('an empty feed is a calendar with no events that ical.js reads', () => {
    const cal = parse(emptyPlain);
    expect(cal.name).toBe('vcalendar');
    expect(cal.getAllSubcomponents()).toHaveLength(0);
    expect(emptyPlain.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(emptyPlain.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('times are UTC instants and each description names the session zone', () => {
    const evs = parse(plain).getAllSubcomponents('vevent');
    evs.forEach((e, i) => {
      const t = e.getFirstPropertyValue('dtstart') as ICAL.Time;
      expect(t.zone?.tzid).toBe('UTC');
      const event = must(events[i], `event ${i}`);
      expect(t.toUnixTime() * 1000).toBe(event.startMs);
      expect(e.getFirstPropertyValue('description') as string).toContain(event.zone);
    });
    // 20 October 2025 08:00Z is 10:00 in Madrid (UTC+2) and 09:00 in the Canaries (UTC+1).
    expect(must(evs[0], 'the Madrid VEVENT').getFirstPropertyValue('description') as string).toContain('10:00–11:30 (Europe/Madrid, UTC+02:00)');
    expect(must(evs[1], 'the Canary VEVENT').getFirstPropertyValue('description') as string).toContain('09:00–10:30 (Atlantic/Canary, UTC+01:00)');
  });

  it('include a join URL only when the caller passes one (personal feeds), never for a cancelled session', () => {
    const personal = buildPublicCalendar([session(1, { url: 'https://meet.example/j/1' }), session(2, { url: 'https://meet.example/j/2', status: 'CANCELLED' })], {
      name: 'Mine',
      stampMs: STAMP,
    });
    const evs = parse(personal).getAllSubcomponents('vevent');
    expect(must(evs[0], 'the first VEVENT').getFirstPropertyValue('url')).toBe('https://meet.example/j/1');
    expect(personal).not.toContain('https://meet.example/j/2');
    expect(plain).not.toContain('meet.example');
  });
});

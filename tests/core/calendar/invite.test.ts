import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildInvite, PRODID, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { AppError } from '../../../src/core/errors.js';
import { formatDate } from '../../../src/core/time/index.js';
import { contentLines, lineComplaints, strictComplaints, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

const HUB = { name: 'EDIH Attica', email: 'hub-attica@kairos.example' };
const MARIA = { name: 'Maria Papadopoulou', email: 'maria@example.org' };

// 15 July 2021, 11:00–12:30 in Athens (UTC+3) = 08:00–09:30Z.
const START = Date.UTC(2021, 6, 15, 8, 0);
const END = Date.UTC(2021, 6, 15, 9, 30);
const STAMP = Date.UTC(2021, 5, 1, 12, 0, 0);

function session(over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    uid: 'session-12-abc@kairos.example',
    sequence: 0,
    startMs: START,
    endMs: END,
    zone: 'Europe/Athens',
    title: 'AI for SMEs: first steps',
    description: 'A short introduction for small firms.',
    url: 'https://meet.example/j/123',
    pageUrl: 'https://kairos.example/s/12',
    status: 'CONFIRMED',
    organizer: HUB,
    ...over,
  };
}

function vevent(text: string): ICAL.Component {
  const cal = ICAL.Component.fromString(text);
  const events = cal.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  return must(events[0], 'the VEVENT');
}

function calendar(text: string): ICAL.Component {
  return ICAL.Component.fromString(text);
}

function utcMs(ev: ICAL.Component, name: 'dtstart' | 'dtend' | 'dtstamp'): { ms: number; utc: boolean } {
  const t = ev.getFirstPropertyValue(name) as ICAL.Time;
  return { ms: t.toUnixTime() * 1000, utc: t.zone?.tzid === 'UTC' };
}

describe('personal invite with a reply address', () => {
  const reply = 'rsvp+12-0123456789abcdef0123456789abcdef@events.kairos.example';
  const text = buildInvite(session(), MARIA, { method: 'REQUEST', stampMs: STAMP, replyTo: { email: reply, sentBy: 'no-reply@kairos.example' } });

  it('names the reply address as ORGANIZER, sent by the sender, and asks RSVP=TRUE', async () => {
    const ev = vevent(text);
    const org = must(ev.getFirstProperty('organizer'), 'the ORGANIZER');
    expect(String(org.getFirstValue()).toLowerCase()).toBe(`mailto:${reply}`);
    expect(org.getParameter('cn')).toBe('EDIH Attica');
    expect(String(org.getParameter('sent-by')).toLowerCase()).toBe('mailto:no-reply@kairos.example');
    expect(must(ev.getFirstProperty('attendee'), 'the ATTENDEE').getParameter('rsvp')).toBe('TRUE');
    expect(await strictComplaints(text)).toEqual([]);
    expect(lineComplaints(text)).toEqual([]);
  });

  it('writes no SENT-BY when the sender is the reply address itself', () => {
    const same = buildInvite(session(), MARIA, { method: 'REQUEST', stampMs: STAMP, replyTo: { email: reply, sentBy: reply } });
    expect(must(vevent(same).getFirstProperty('organizer'), 'the ORGANIZER').getParameter('sent-by')).toBeFalsy();
  });
});

describe('personal invite (METHOD:REQUEST)', () => {
  const text = buildInvite(session(), MARIA, { method: 'REQUEST', stampMs: STAMP });

  it('is accepted by vobject, python-icalendar and libical (including the iTIP restriction check)', async () => {
    expect(await strictComplaints(text)).toEqual([]);
  });

  it('has CRLF lines of at most 75 octets and no blank line', () => {
    expect(lineComplaints(text)).toEqual([]);
  });

  it('reads back in ical.js with method, people and times a client needs', () => {
    const cal = calendar(text);
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(cal.getFirstPropertyValue('prodid')).toBe(PRODID);
    const ev = vevent(text);
    expect(ev.getFirstPropertyValue('uid')).toBe('session-12-abc@kairos.example');
    expect(ev.getFirstPropertyValue('sequence')).toBe(0);
    expect(ev.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(ev.getFirstPropertyValue('summary')).toBe('AI for SMEs: first steps');

    const attendees = ev.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    const a = must(attendees[0], 'the ATTENDEE');
    expect(String(a.getFirstValue()).toLowerCase()).toBe('mailto:maria@example.org');
    expect(a.getParameter('cn')).toBe('Maria Papadopoulou');
    // No reply address configured: nothing reads an answer, so none is asked for.
    expect(a.getParameter('rsvp')).toBe('FALSE');
    expect(a.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(a.getParameter('role')).toBe('REQ-PARTICIPANT');

    const organizers = ev.getAllProperties('organizer');
    expect(organizers).toHaveLength(1);
    expect(String(must(organizers[0], 'the ORGANIZER').getFirstValue()).toLowerCase()).toBe('mailto:hub-attica@kairos.example');
    expect(must(organizers[0], 'the ORGANIZER').getParameter('cn')).toBe('EDIH Attica');

    expect(utcMs(ev, 'dtstart')).toEqual({ ms: START, utc: true });
    expect(utcMs(ev, 'dtend')).toEqual({ ms: END, utc: true });
    expect(utcMs(ev, 'dtstamp')).toEqual({ ms: STAMP, utc: true });
    expect(ev.hasProperty('duration')).toBe(false);
    expect(ev.getFirstPropertyValue('url')).toBe('https://meet.example/j/123');
  });

  it('writes the instants as UTC date-times and the enumerated parameters unquoted', () => {
    const lines = contentLines(text);
    expect(lines).toContain('DTSTART:20210715T080000Z');
    expect(lines).toContain('DTEND:20210715T093000Z');
    expect(lines).toContain('DTSTAMP:20210601T120000Z');
    expect(lines).toContain('ATTENDEE;RSVP=FALSE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN="Maria Papadopoulou":mailto:maria@example.org');
    expect(lines.filter((l) => /^METHOD:/.test(l))).toEqual(['METHOD:REQUEST']);
    expect(lines.some((l) => /^(X-PUBLISHED-TTL|X-WR-CALNAME)/.test(l))).toBe(false);
    expect(lines.some((l) => /^TZID|^BEGIN:VTIMEZONE/.test(l))).toBe(false);
  });

  it('states the time in the session zone and the join URL in the description', () => {
    const desc = vevent(text).getFirstPropertyValue('description') as string;
    expect(desc).toContain('A short introduction for small firms.');
    // The date is written by core/time in the reader's language; the times, zone and offset are ours to check.
    expect(desc).toContain(`When: ${formatDate(START, 'Europe/Athens', 'en')}, 11:00–12:30 (Europe/Athens, UTC+03:00)`);
    expect(formatDate(START, 'Europe/Athens', 'en')).toMatch(/Thursday/);
    expect(desc).toContain('Join online: https://meet.example/j/123');
    expect(desc).toContain('Session page: https://kairos.example/s/12');
  });

  it('writes the description in the session language', () => {
    const el = buildInvite(session({ language: 'el' }), MARIA, { method: 'REQUEST', stampMs: STAMP });
    const desc = vevent(el).getFirstPropertyValue('description') as string;
    expect(desc).toContain(`Πότε: ${formatDate(START, 'Europe/Athens', 'el')}, 11:00–12:30 (Europe/Athens, UTC+03:00)`);
    expect(desc).toContain('Πέμπτη');
    expect(desc).toContain('Σύνδεση online: https://meet.example/j/123');
  });
});

describe('update and cancellation', () => {
  const first = buildInvite(session(), MARIA, { method: 'REQUEST', stampMs: STAMP });
  // The organiser moves the session one hour later: same UID, higher SEQUENCE.
  const moved = buildInvite(session({ sequence: 1, startMs: START + 3_600_000, endMs: END + 3_600_000 }), MARIA, {
    method: 'REQUEST',
    stampMs: STAMP + 86_400_000,
  });
  const cancelled = buildInvite(session({ sequence: 2, status: 'CANCELLED', startMs: START + 3_600_000, endMs: END + 3_600_000 }), MARIA, {
    method: 'CANCEL',
    stampMs: STAMP + 2 * 86_400_000,
  });

  it('all three are valid for the strict parsers', async () => {
    expect(await strictComplaintsMany([first, moved, cancelled])).toEqual([[], [], []]);
    for (const t of [first, moved, cancelled]) expect(lineComplaints(t)).toEqual([]);
  });

  it('keeps the UID and raises the SEQUENCE, so clients update the same entry', () => {
    const evs = [first, moved, cancelled].map(vevent);
    expect(new Set(evs.map((e) => e.getFirstPropertyValue('uid')))).toEqual(new Set(['session-12-abc@kairos.example']));
    expect(evs.map((e) => e.getFirstPropertyValue('sequence'))).toEqual([0, 1, 2]);
    expect(utcMs(must(evs[1], 'the moved VEVENT'), 'dtstart').ms).toBe(START + 3_600_000);
  });

  it('cancels with METHOD:CANCEL and STATUS:CANCELLED, addressed to the same single attendee', () => {
    expect(calendar(cancelled).getFirstPropertyValue('method')).toBe('CANCEL');
    const ev = vevent(cancelled);
    expect(ev.getFirstPropertyValue('status')).toBe('CANCELLED');
    const attendees = ev.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    expect(String(must(attendees[0], 'the ATTENDEE').getFirstValue()).toLowerCase()).toBe('mailto:maria@example.org');
    expect(String(ev.getFirstPropertyValue('organizer')).toLowerCase()).toBe('mailto:hub-attica@kairos.example');
    const desc = ev.getFirstPropertyValue('description') as string;
    expect(desc.startsWith('This session has been cancelled.')).toBe(true);
    // Nobody should join a cancelled session: no join link in the cancellation.
    expect(cancelled).not.toContain('meet.example');
  });

  it('a CANCEL forces STATUS:CANCELLED even if the caller forgot to set it', () => {
    const text = buildInvite(session({ sequence: 3 }), MARIA, { method: 'CANCEL', stampMs: STAMP });
    expect(vevent(text).getFirstPropertyValue('status')).toBe('CANCELLED');
  });
});

describe('refusals', () => {
  it('never makes the recipient the organiser', () => {
    const attempt = () => buildInvite(session(), { name: 'Hub', email: 'HUB-Attica@kairos.example' }, { method: 'REQUEST', stampMs: STAMP });
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(/organiser/);
  });

  it('does not send a cancelled session as a REQUEST', () => {
    expect(() => buildInvite(session({ status: 'CANCELLED' }), MARIA, { method: 'REQUEST', stampMs: STAMP })).toThrow(AppError);
  });

  it('refuses an end before the start and a negative sequence', () => {
    expect(() => buildInvite(session({ endMs: START }), MARIA, { method: 'REQUEST', stampMs: STAMP })).toThrow(AppError);
    expect(() => buildInvite(session({ sequence: -1 }), MARIA, { method: 'REQUEST', stampMs: STAMP })).toThrow(AppError);
  });

  it('keeps a join URL that ics would refuse in the description instead of failing', async () => {
    const text = buildInvite(session({ url: 'https://meet_host.example/j/1' }), MARIA, { method: 'REQUEST', stampMs: STAMP });
    const ev = vevent(text);
    expect(ev.getFirstPropertyValue('description') as string).toContain('https://meet_host.example/j/1');
    expect(await strictComplaints(text)).toEqual([]);
  });

  it('reports an address ics cannot write as an AppError, not a crash later', () => {
    expect(() => buildInvite(session(), { name: 'X', email: 'not an address' }, { method: 'REQUEST', stampMs: STAMP })).toThrow(AppError);
  });
});

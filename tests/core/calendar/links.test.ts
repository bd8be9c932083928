/**
 * Add-to-calendar links and the plain-text time statement, for people whose mail or client
 * does not take the .ics attachment.
 */
import { describe, expect, it } from 'vitest';
import { googleCalendarLink, outlookCalendarLink, plainTextWhen, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { formatDate } from '../../../src/core/time/index.js';
import { must } from '../../helpers/must.js';

// Dates are written by core/time in the reader's language; these tests check which date, time, zone and offset.
const THU_15 = Date.UTC(2021, 6, 15, 12);
const FRI_16 = Date.UTC(2021, 6, 16, 12);
const day = (ms: number, lang = 'en') => formatDate(ms, 'UTC', lang);

function session(over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    uid: 'session-12-abc@kairos.example',
    sequence: 0,
    startMs: Date.UTC(2021, 6, 15, 8, 0),
    endMs: Date.UTC(2021, 6, 15, 9, 30),
    zone: 'Europe/Athens',
    title: 'Data spaces & you: a+b = 1/2 day',
    description: 'Bring questions.',
    url: 'https://meet.example/j/123?pwd=a+b',
    pageUrl: 'https://kairos.example/s/12',
    status: 'CONFIRMED',
    organizer: { name: 'EDIH Attica', email: 'hub@kairos.example' },
    ...over,
  };
}

describe('Google Calendar link', () => {
  const link = new URL(googleCalendarLink(session()));

  it('opens the event template with UTC start/end and the session zone', () => {
    expect(link.origin + link.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(link.searchParams.get('action')).toBe('TEMPLATE');
    expect(link.searchParams.get('dates')).toBe('20210715T080000Z/20210715T093000Z');
    expect(link.searchParams.get('ctz')).toBe('Europe/Athens');
  });

  it('carries the title exactly, and the join URL in the details and location', () => {
    expect(decodeURIComponent(must(/[?&]text=([^&]*)/.exec(link.href)?.[1], 'text='))).toBe('Data spaces & you: a+b = 1/2 day');
    expect(link.searchParams.get('location')).toBe('https://meet.example/j/123?pwd=a+b');
    expect(link.searchParams.get('details')).toContain('https://meet.example/j/123?pwd=a+b');
    expect(link.searchParams.get('details')).toContain('11:00–12:30 (Europe/Athens, UTC+03:00)');
  });
});

describe('Outlook.com link', () => {
  const href = outlookCalendarLink(session());
  const link = new URL(href);

  it('is the compose deeplink with ISO UTC start and end', () => {
    expect(link.origin + link.pathname).toBe('https://outlook.live.com/calendar/0/deeplink/compose');
    expect(link.searchParams.get('rru')).toBe('addevent');
    expect(link.searchParams.get('path')).toBe('/calendar/action/compose');
    expect(link.searchParams.get('startdt')).toBe('2021-07-15T08:00:00Z');
    expect(link.searchParams.get('enddt')).toBe('2021-07-15T09:30:00Z');
  });

  it('encodes spaces and plus signs so Outlook shows them as typed', () => {
    expect(link.search).not.toContain('+'); // Outlook shows a literal "+" for a "+"-encoded space
    expect(decodeURIComponent(must(/[?&]subject=([^&]*)/.exec(href)?.[1], 'subject='))).toBe('Data spaces & you: a+b = 1/2 day');
    expect(decodeURIComponent(must(/[?&]location=([^&]*)/.exec(href)?.[1], 'location='))).toBe('https://meet.example/j/123?pwd=a+b');
  });

  it('strips control characters and line breaks from the title', () => {
    const l = new URL(outlookCalendarLink(session({ title: 'A\r\nB\u0000C' })));
    expect(l.searchParams.get('subject')).toBe('A BC');
  });
});

describe('plain-text time', () => {
  it('states the time in the recipient zone and in the session zone', () => {
    expect(plainTextWhen(session(), 'Europe/Lisbon', 'en')).toBe(
      `Your time: ${day(THU_15)}, 09:00–10:30 (Europe/Lisbon, UTC+01:00)\n` + `Session time: ${day(THU_15)}, 11:00–12:30 (Europe/Athens, UTC+03:00)`,
    );
  });

  it('uses one line when the recipient is in the session zone', () => {
    expect(plainTextWhen(session(), 'Europe/Athens', 'en')).toBe(`When: ${day(THU_15)}, 11:00–12:30 (Europe/Athens, UTC+03:00)`);
  });

  it('shows the other date when the recipient is already in the next day', () => {
    // 23:30 in Athens is 05:30 the next morning in Tokyo.
    const late = session({ startMs: Date.UTC(2021, 6, 15, 20, 30), endMs: Date.UTC(2021, 6, 15, 21, 30) });
    const text = plainTextWhen(late, 'Asia/Tokyo', 'en');
    expect(text).toContain(`Your time: ${day(FRI_16)}, 05:30–06:30 (Asia/Tokyo, UTC+09:00)`);
    expect(day(FRI_16)).toMatch(/Friday/);
    // Ends after midnight in Athens: both ends written in full.
    expect(text).toContain(`Session time: ${day(THU_15)}, 23:30 (Europe/Athens, UTC+03:00) – ${day(FRI_16)}, 00:30 (Europe/Athens, UTC+03:00)`);
  });

  it('speaks the recipient language', () => {
    const text = plainTextWhen(session(), 'Europe/Bucharest', 'el');
    expect(text.split('\n')[0]).toBe(`Η ώρα σας: ${day(THU_15, 'el')}, 11:00–12:30 (Europe/Bucharest, UTC+03:00)`);
    expect(text.split('\n')[1]).toMatch(/^Ώρα της εκδήλωσης: /);
    expect(plainTextWhen(session(), 'Europe/Warsaw', 'pl')).toMatch(/^Państwa czas: .*10:00–11:30 \(Europe\/Warsaw, UTC\+02:00\)/);
    expect(plainTextWhen(session(), 'Europe/Warsaw', 'xx')).toMatch(/^Your time: /);
  });

  it('ignores a recipient zone that is not an IANA zone instead of guessing', () => {
    expect(plainTextWhen(session(), 'Mars/Olympus', 'en')).toBe(`When: ${day(THU_15)}, 11:00–12:30 (Europe/Athens, UTC+03:00)`);
  });
});

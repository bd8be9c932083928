/**
 * An invite carrying its session's agenda: one line per item in the reader's zone, the zone named once,
 * text escaped and lines folded like every other part of the file, read back unchanged by ical.js and
 * accepted by the strict parsers.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { agendaText, buildInvite, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { lineComplaints, strictComplaints } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

// 15 July 2021, 11:00–12:30 in Athens (UTC+3) = 08:00–09:30Z.
const START = Date.UTC(2021, 6, 15, 8, 0);
const END = Date.UTC(2021, 6, 15, 9, 30);
const min = 60_000;

const ITEMS = [
  { startMs: START, endMs: START + 15 * min, text: 'Καλωσόρισμα: Άνοιγμα — Μαρία Παπαδοπούλου (Ελληνικό Δίκτυο Έρευνας και Τεχνολογίας)' },
  { startMs: START + 15 * min, endMs: START + 45 * min, text: 'Case study: Invoices, receipts; and\\or "quotes" — Ana Pop (DIH4Society)' },
  // a line break typed into a title never starts a new line of the agenda
  { startMs: START + 45 * min, endMs: START + 90 * min, text: 'Discussion: questions\nand answers' },
];

function event(over: Partial<CalendarEvent> = {}): CalendarEvent {
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
    organizer: { name: 'EDIH Attica', email: 'hub-attica@kairos.example' },
    language: 'el',
    agenda: { zone: 'Europe/Madrid', items: ITEMS },
    ...over,
  };
}

const description = (ics: string) => String(must(ICAL.Component.fromString(ics).getFirstSubcomponent('vevent'), 'the VEVENT').getFirstPropertyValue('description'));

describe("an invite's agenda", () => {
  it('is written in the reader\'s zone, named once, escaped and folded, and read back as it was', async () => {
    const ics = buildInvite(event(), { name: 'Maria', email: 'maria@example.org' }, { method: 'REQUEST', stampMs: START - 86_400_000 });
    expect(lineComplaints(ics)).toEqual([]);
    expect(await strictComplaints(ics)).toEqual([]);
    expect(description(ics)).toContain(
      [
        'Πρόγραμμα (Europe/Madrid, UTC+02:00):',
        '10:00–10:15 Καλωσόρισμα: Άνοιγμα — Μαρία Παπαδοπούλου (Ελληνικό Δίκτυο Έρευνας και Τεχνολογίας)',
        '10:15–10:45 Case study: Invoices, receipts; and\\or "quotes" — Ana Pop (DIH4Society)',
        '10:45–11:30 Discussion: questions and answers',
      ].join('\n'),
    );
  });

  it('says the date of an item that starts on another local day, and is absent from a cancellation', () => {
    const late = { zone: 'America/New_York', items: [{ startMs: Date.UTC(2021, 6, 15, 3, 30), endMs: Date.UTC(2021, 6, 15, 4, 0), text: 'Talk: late' }, { startMs: Date.UTC(2021, 6, 15, 4, 0), endMs: Date.UTC(2021, 6, 15, 4, 30), text: 'Talk: later' }] };
    expect(agendaText(late, 'en')).toBe('Agenda (America/New York, UTC−04:00):\n23:30–00:00 Talk: late\n2021-07-15 00:00–00:30 Talk: later');
    const cancel = buildInvite({ ...event(), status: 'CANCELLED' }, { name: 'Maria', email: 'maria@example.org' }, { method: 'CANCEL', stampMs: START });
    expect(description(cancel)).not.toContain('Πρόγραμμα');
    expect(agendaText(undefined)).toBe('');
    expect(agendaText({ zone: 'Europe/Athens', items: [] })).toBe('');
  });
});

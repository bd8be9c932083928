/**
 * DTSTART/DTEND across every clock change of 2021–2027, with the fixture (computed with Python's
 * zoneinfo, independently of Luxon) as the oracle. For each change: a session at a wall time
 * 30 minutes before the changed interval and one 30 minutes after it.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildInvite, buildPublicCalendar, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { wallToInstant } from '../../../src/core/time/index.js';
import { contentLines, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { offsetLabel, zoneChanges, zoneSamples } from '../../helpers/zone-oracle.js';
import { must } from '../../helpers/must.js';

const ZONES = ['Europe/Athens', 'Europe/Madrid', 'Atlantic/Canary', 'Asia/Nicosia'];

/** "2021-03-28T03:00" read as if it were UTC: plain arithmetic on wall-clock fields, no zone rules. */
function naiveMs(local: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new Error(`not a local date-time: ${local}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
}
function naiveToLocal(ms: number): { date: string; time: string } {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}
function basicUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

interface Case {
  zone: string;
  date: string;
  time: string;
  expectedStart: number;
  offset: number;
  label: string;
}

const cases: Case[] = [];
for (const zone of ZONES) {
  const changes = must(zoneChanges[zone], `the changes of ${zone}`);
  for (const ch of changes) {
    // Before the changed interval: the old offset applies. After it: the new one.
    const before = naiveToLocal(naiveMs(ch.localFrom) - 30 * 60_000);
    const after = naiveToLocal(naiveMs(ch.localTo) + 30 * 60_000);
    cases.push({ zone, ...before, offset: ch.offsetBefore, expectedStart: naiveMs(`${before.date}T${before.time}`) - ch.offsetBefore * 60_000, label: `${zone} ${before.date} ${before.time} (before ${ch.kind})` });
    cases.push({ zone, ...after, offset: ch.offsetAfter, expectedStart: naiveMs(`${after.date}T${after.time}`) - ch.offsetAfter * 60_000, label: `${zone} ${after.date} ${after.time} (after ${ch.kind})` });
  }
}

function event(c: Case, i: number): CalendarEvent {
  return {
    uid: `session-dst-${i}@kairos.example`,
    sequence: 0,
    startMs: wallToInstant({ date: c.date, time: c.time, zone: c.zone }),
    endMs: wallToInstant({ date: c.date, time: c.time, zone: c.zone }) + 3_600_000,
    zone: c.zone,
    title: `Night session ${c.label}`,
    description: '',
    url: 'https://meet.example/j/dst',
    status: 'CONFIRMED',
    organizer: { name: 'EDIH', email: 'hub@kairos.example' },
  };
}

const STAMP = Date.UTC(2020, 11, 1);

describe('DTSTART across the clock changes of 2021–2027', () => {
  it('the fixture covers every change of the four zones (7 years × 2 changes)', () => {
    for (const zone of ZONES) expect(zoneChanges[zone]).toHaveLength(14);
    expect(cases).toHaveLength(ZONES.length * 14 * 2);
  });

  const invites = cases.map((c, i) => buildInvite(event(c, i), { name: 'P', email: 'p@example.org' }, { method: 'REQUEST', stampMs: STAMP }));

  it('wallToInstant gives the oracle instant and the invite carries it as UTC', () => {
    cases.forEach((c, i) => {
      expect(event(c, i).startMs, c.label).toBe(c.expectedStart);
      const invite = must(invites[i], c.label);
      const lines = contentLines(invite);
      expect(lines, c.label).toContain(`DTSTART:${basicUtc(c.expectedStart)}`);
      expect(lines, c.label).toContain(`DTEND:${basicUtc(c.expectedStart + 3_600_000)}`);
      const ev = ICAL.Component.fromString(invite).getFirstSubcomponent('vevent')!;
      const start = ev.getFirstPropertyValue('dtstart') as ICAL.Time;
      expect(start.zone?.tzid, c.label).toBe('UTC');
      expect(start.toUnixTime() * 1000, c.label).toBe(c.expectedStart);
    });
  });

  it('the description states the wall time in the session zone, naming the zone and its offset', () => {
    cases.forEach((c, i) => {
      const desc = ICAL.Component.fromString(must(invites[i], c.label)).getFirstSubcomponent('vevent')!.getFirstPropertyValue('description') as string;
      // "…, 02:30–03:30 (Europe/Athens, UTC+02:00)", or both ends in full when the session
      // itself spans the change: "…, 02:30 (Europe/Athens, UTC+02:00) – …, 04:30 (…, UTC+03:00)".
      const when = desc.split('\n').find((l) => l.startsWith('When: '))!;
      const zone = c.zone.replace(/_/g, ' ');
      const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(when, c.label).toMatch(new RegExp(`, ${c.time}(–\\d\\d:\\d\\d)? ${esc(`(${zone}, ${offsetLabel(c.offset)})`)}`));
    });
  });

  it('every one of these invites passes the strict parsers', async () => {
    const results = await strictComplaintsMany(invites);
    const bad = results.map((r, i) => ({ label: must(cases[i], 'a case').label, r })).filter((x) => x.r.length > 0);
    expect(bad).toEqual([]);
  });

  it('the fixture samples for these zones come out at the oracle instant in a feed', () => {
    const samples = zoneSamples.filter((s) => ZONES.includes(s.zone));
    expect(samples.length).toBeGreaterThan(0);
    const events = samples.map((s, i) => {
      const [date, time] = s.local.split('T');
      if (date === undefined || time === undefined) throw new Error(`not a local date-time: ${s.local}`);
      const startMs = wallToInstant({ date, time, zone: s.zone });
      return { ...event({ zone: s.zone, date, time, expectedStart: startMs, offset: 0, label: s.local }, i), startMs, endMs: startMs + 1_800_000 };
    });
    const lines = contentLines(buildPublicCalendar(events, { name: 'Samples', stampMs: STAMP }));
    const starts = lines.filter((l) => l.startsWith('DTSTART'));
    expect(starts).toEqual(samples.map((s) => `DTSTART:${s.utc.replace(/[-:]/g, '')}`));
  });
});

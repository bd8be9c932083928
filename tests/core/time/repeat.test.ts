/**
 * Repeat rules as calendar dates, and each date's instant at the same wall time: checked against the
 * zone-change fixture (Python zoneinfo), never against Luxon. Runs under two host zones (tests/run.mjs).
 */
import { describe, expect, it } from 'vitest';
import { daysBetween, isCalendarDate, matchesOrdinal, repeatDates, repeatInstants } from '../../../src/core/time/repeat.js';
import { oracleOffset, oracleUtc, zoneChanges } from '../../helpers/zone-oracle.js';
import { must } from '../../helpers/must.js';

const ATHENS = 'Europe/Athens';
/** The fixture's Athens change of a year: [spring gap, autumn overlap]. */
const athens = (year: number) => (zoneChanges[ATHENS] ?? []).filter((c) => c.utc.startsWith(`${year}-`));

describe('first Thursday of the month at 10:00 Europe/Athens, six times', () => {
  it.each([
    { from: '2027-02-04', dates: ['2027-02-04', '2027-03-04', '2027-04-01', '2027-05-06', '2027-06-03', '2027-07-01'] },
    { from: '2027-08-05', dates: ['2027-08-05', '2027-09-02', '2027-10-07', '2027-11-04', '2027-12-02', '2028-01-06'] },
  ])('from $from: the first Thursdays, each at 10:00 Athens, its instant following the clocks', ({ from, dates }) => {
    const got = repeatDates(from, { frequency: 'monthly-weekday', ordinal: 'first', interval: 1, count: 6 });
    expect(got).toEqual({ dates, missing: [] });
    const instants = repeatInstants(got.dates, '10:00', ATHENS);
    for (const i of instants) {
      const ms = must(i.startUtc, `the instant of ${i.date}`);
      expect(i.problem).toBeUndefined();
      // January 2028 is before the next change after the fixture's last one (October 2027): its offset still holds.
      expect(ms, i.date).toBe(oracleUtc(i.date, '10:00', ATHENS));
      expect(new Date(ms + oracleOffset(ms, ATHENS) * 60_000).toISOString().slice(0, 16), i.date).toBe(`${i.date}T10:00`);
    }
    // Summer sessions are 07:00 UTC, winter ones 08:00 UTC: never one fixed offset.
    const hours = new Set(instants.map((i) => new Date(must(i.startUtc, i.date)).getUTCHours()));
    expect(hours).toEqual(new Set([7, 8]));
  });
});

describe('weekly across the clock changes', () => {
  it.each([
    { name: 'the last Sunday of March', change: 0, from: '2027-03-18' },
    { name: 'the last Sunday of October', change: 1, from: '2027-10-21' },
  ])('keeps 10:00 Athens on each Thursday across $name; the UTC hour moves by the change', ({ change, from }) => {
    const c = must(athens(2027)[change], 'the 2027 change');
    const { dates } = repeatDates(from, { frequency: 'weekly', interval: 1, count: 4 });
    expect(dates).toEqual([from, ...[1, 2, 3].map((k) => new Date(Date.parse(`${from}T00:00:00Z`) + k * 7 * 86_400_000).toISOString().slice(0, 10))]);
    const instants = repeatInstants(dates, '10:00', ATHENS).map((i) => must(i.startUtc, i.date));
    instants.forEach((ms, k) => expect(ms, must(dates[k], 'a date')).toBe(oracleUtc(must(dates[k], 'a date'), '10:00', ATHENS)));
    const before = instants.filter((ms) => ms < Date.parse(c.utc));
    const after = instants.filter((ms) => ms >= Date.parse(c.utc));
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // One week apart in wall time is 7 days ± the change in UTC across it.
    const across = must(after[0], 'the first after') - must(before[before.length - 1], 'the last before');
    expect(across).toBe(7 * 86_400_000 - (c.offsetAfter - c.offsetBefore) * 60_000);
  });

  it('marks a wall time that falls in the spring gap or the autumn overlap, never shifting it', () => {
    const [spring, autumn] = athens(2027);
    const gapDate = must(spring, 'spring').localFrom.slice(0, 10);
    const overlapDate = must(autumn, 'autumn').localFrom.slice(0, 10);
    const weekly = repeatInstants(repeatDates('2027-03-14', { frequency: 'weekly', interval: 1, count: 4 }).dates, '03:30', ATHENS);
    expect(weekly.filter((i) => i.problem).map((i) => [i.date, i.problem])).toEqual([[gapDate, 'time_gap']]);
    const autumnWeekly = repeatInstants(repeatDates('2027-10-17', { frequency: 'weekly', interval: 1, count: 3 }).dates, '03:30', ATHENS);
    expect(autumnWeekly.filter((i) => i.problem).map((i) => [i.date, i.problem])).toEqual([[overlapDate, 'time_overlap']]);
  });

  it('every other week', () => {
    expect(repeatDates('2027-01-07', { frequency: 'weekly', interval: 2, count: 3 }).dates).toEqual(['2027-01-07', '2027-01-21', '2027-02-04']);
  });
});

describe('monthly rules', () => {
  it('the last Friday of the month, every other month', () => {
    expect(repeatDates('2027-01-29', { frequency: 'monthly-weekday', ordinal: 'last', interval: 2, count: 4 }).dates).toEqual(['2027-01-29', '2027-03-26', '2027-05-28', '2027-07-30']);
  });

  it('the third Tuesday', () => {
    expect(repeatDates('2027-01-19', { frequency: 'monthly-weekday', ordinal: 'third', interval: 1, count: 3 }).dates).toEqual(['2027-01-19', '2027-02-16', '2027-03-16']);
  });

  it('the 31st lists the months that have none instead of moving or dropping a session quietly', () => {
    expect(repeatDates('2027-01-31', { frequency: 'monthly-day', interval: 1, count: 4 })).toEqual({ dates: ['2027-01-31', '2027-03-31'], missing: ['2027-02', '2027-04'] });
    expect(repeatDates('2027-01-15', { frequency: 'monthly-day', interval: 1, count: 3 })).toEqual({ dates: ['2027-01-15', '2027-02-15', '2027-03-15'], missing: [] });
  });

  it('knows which weekday of its month a date is', () => {
    expect(matchesOrdinal('2027-02-04', 'first')).toBe(true);
    expect(matchesOrdinal('2027-02-11', 'first')).toBe(false);
    expect(matchesOrdinal('2027-02-25', 'fourth')).toBe(true);
    expect(matchesOrdinal('2027-02-25', 'last')).toBe(true);
    expect(matchesOrdinal('2027-01-28', 'last')).toBe(true);
    expect(matchesOrdinal('2027-01-21', 'last')).toBe(false);
  });
});

describe('calendar days', () => {
  it('counts days between dates, across a clock change and a year end', () => {
    expect(daysBetween('2027-03-27', '2027-03-29')).toBe(2);
    expect(daysBetween('2027-12-30', '2028-01-02')).toBe(3);
    expect(daysBetween('2027-11-02', '2027-10-30')).toBe(-3);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
  });
});

/**
 * The slot search on its own, without the app: a pure function of the range, the zone, the duration
 * and "now". Its verdicts are checked place by place with isWithinWorkingHours.
 */
import { describe, expect, it } from 'vitest';
import { PLACES, isWithinWorkingHours, wallToInstant } from '../../../src/core/time/index.js';
import { monthPartRange, suggestSlots } from '../../../src/core/time/suggest.js';

const search = { zone: 'Europe/Athens', durationMinutes: 60, stepMinutes: 30, now: Date.UTC(2021, 7, 20, 9) };

describe('suggestSlots', () => {
  it('on Wednesday 15 September 2021, 60 minutes: 11:00 to 17:00 Athens, every start inside working hours in all nine places', () => {
    const list = suggestSlots({ ...search, from: '2021-09-15', to: '2021-09-15' });
    expect(list.map((s) => s.time)).toEqual(['11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00']);
    for (const s of list) {
      expect(s.startUtc).toBe(wallToInstant({ date: s.date, time: s.time, zone: 'Europe/Athens' }));
      expect(s.weekday).toBe(3);
      for (const p of PLACES) expect(isWithinWorkingHours(s.startUtc, s.startUtc + 3_600_000, p.zone)).toBe(true);
    }
  });

  it('suggests nothing at the weekend, and nothing before now', () => {
    expect(suggestSlots({ ...search, from: '2021-09-18', to: '2021-09-19' })).toEqual([]);
    const now = wallToInstant({ date: '2021-09-15', time: '14:00', zone: 'Europe/Athens' });
    expect(suggestSlots({ ...search, now, from: '2021-09-15', to: '2021-09-15' }).map((s) => s.time)).toEqual(['14:30', '15:00', '15:30', '16:00', '16:30', '17:00']);
  });

  it('with one place only, follows that place’s working hours', () => {
    const canary = PLACES.filter((p) => p.zone === 'Atlantic/Canary');
    const list = suggestSlots({ ...search, zone: 'Atlantic/Canary', places: canary, durationMinutes: 540, from: '2021-09-15', to: '2021-09-15' });
    expect(list.map((s) => s.time)).toEqual(['09:00']);
  });
});

describe('monthPartRange', () => {
  it('early, mid and late September 2021, the whole of February 2024, and December running to its 31st', () => {
    expect(monthPartRange('2021-09', 'early')).toEqual({ from: '2021-09-01', to: '2021-09-10' });
    expect(monthPartRange('2021-09', 'mid')).toEqual({ from: '2021-09-11', to: '2021-09-20' });
    expect(monthPartRange('2021-09', 'late')).toEqual({ from: '2021-09-21', to: '2021-09-30' });
    expect(monthPartRange('2024-02', null)).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthPartRange('2021-12', 'late')).toEqual({ from: '2021-12-21', to: '2021-12-31' });
  });
});

/**
 * Working-hours suggestions: only start times inside working hours (09:00–18:00 local, Mon–Fri) in all
 * nine places, checked here place by place with isWithinWorkingHours.
 *
 * For these places the window is 11:00–18:00 Athens time, not 10:00–17:00: the Canary Islands are two
 * hours behind Athens all year (UTC+0/+1 against UTC+2/+3), so 09:00 there is 11:00 in Athens, and
 * 18:00 in Athens and Nicosia is the end of the day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACES, addDays, isWithinWorkingHours, wallToInstant } from '../../../src/core/time/index.js';
import { Browser, GR_ORGANISER, text } from '../../helpers/app.js';
import { makePollApp, tentativeSession, type PollTestApp } from './helpers.js';
import { must } from '../../helpers/must.js';

let t: PollTestApp;
beforeAll(async () => {
  t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
});
afterAll(() => t.close());

const athens = (date: string, time: string) => wallToInstant({ date, time, zone: 'Europe/Athens' });
/** The local weekday (1 = Monday) of an instant in a zone, without Luxon. */
const weekdayIn = (ms: number, zone: string) => {
  const wd = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short' }).format(new Date(ms));
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(wd) + 1;
};

describe('suggestions inside working hours in all nine places', () => {
  it('13–19 September 2021 (summer time), 60 minutes: every suggestion is inside working hours everywhere, none at the weekend', () => {
    const list = t.polls.suggest({ from: '2021-09-13', to: '2021-09-19', durationMinutes: 60, zone: 'Europe/Athens' });
    expect(list.length).toBeGreaterThan(0);
    for (const s of list) {
      for (const p of PLACES) {
        expect({ at: `${s.date} ${s.time}`, place: p.key, ok: isWithinWorkingHours(s.startUtc, s.startUtc + 60 * 60_000, p.zone) }).toEqual({ at: `${s.date} ${s.time}`, place: p.key, ok: true });
        expect(weekdayIn(s.startUtc, p.zone)).toBeLessThanOrEqual(5);
      }
    }
    expect(new Set(list.map((s) => s.date))).toEqual(new Set(['2021-09-13', '2021-09-14', '2021-09-15', '2021-09-16', '2021-09-17']));
    const times = (date: string) => list.filter((s) => s.date === date).map((s) => s.time);
    // 11:00 Athens (09:00 Canary Islands) is the first start; 17:00 Athens + 60 min ends at 18:00 Athens and Nicosia.
    expect(times('2021-09-13')).toEqual(['11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00']);
    expect(list).toHaveLength(5 * 13);
  });

  it('a weekday start of 11:00 Athens is suggested; 10:00, 10:30 and 09:30 are not (the Canary Islands are not at work yet)', () => {
    const list = t.polls.suggest({ from: '2021-09-15', to: '2021-09-15', durationMinutes: 60, zone: 'Europe/Athens' });
    const at = new Set(list.map((s) => s.startUtc));
    expect(at.has(athens('2021-09-15', '11:00'))).toBe(true);
    for (const early of ['09:30', '10:00', '10:30']) {
      expect(at.has(athens('2021-09-15', early))).toBe(false);
      // ...because of the Canary Islands alone: Madrid, Rome and Athens are already working at 10:00 Athens.
      const ms = athens('2021-09-15', early);
      expect(isWithinWorkingHours(ms, ms + 3_600_000, 'Atlantic/Canary')).toBe(false);
    }
    expect(isWithinWorkingHours(athens('2021-09-15', '10:00'), athens('2021-09-15', '11:00'), 'Europe/Madrid')).toBe(true);
    expect(at.has(athens('2021-09-15', '17:30'))).toBe(false);
  });

  it('the same window in winter time (Canary UTC+0, Athens UTC+2) and for 120 minutes', () => {
    const list = t.polls.suggest({ from: '2021-11-15', to: '2021-11-21', durationMinutes: 120, zone: 'Europe/Athens' });
    expect(new Set(list.map((s) => s.date)).size).toBe(5);
    expect(list.filter((s) => s.date === '2021-11-15').map((s) => s.time)).toEqual(['11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00']);
    for (const s of list) for (const p of PLACES) expect(isWithinWorkingHours(s.startUtc, s.startUtc + 120 * 60_000, p.zone)).toBe(true);
  });

  it('across the autumn clock change (25 Oct – 5 Nov 2021) and asked in another zone, the instants are still right', () => {
    const list = t.polls.suggest({ from: '2021-10-25', to: '2021-11-05', durationMinutes: 60, zone: 'Atlantic/Canary' });
    expect(list.length).toBe(10 * 13);
    for (const s of list) for (const p of PLACES) expect(isWithinWorkingHours(s.startUtc, s.startUtc + 3_600_000, p.zone)).toBe(true);
    expect(must(list.filter((s) => s.date === '2021-11-01')[0], 'the first suggestion on 1 November').time).toBe('09:00'); // 09:00 Canary = 11:00 Athens
    // No weekend day appears, in any place.
    for (const s of list) expect(PLACES.every((p) => weekdayIn(s.startUtc, p.zone) <= 5)).toBe(true);
  });

  it('gives exactly what checking every 30-minute step with wallToInstant and isWithinWorkingHours gives, across clock changes', () => {
    const brute = (from: string, to: string, durationMinutes: number, zone: string) => {
      const out: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) {
        for (let m = 0; m < 1440; m += 30) {
          const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          let ms: number;
          try {
            ms = wallToInstant({ date: d, time, zone });
          } catch {
            continue;
          }
          if (PLACES.every((p) => isWithinWorkingHours(ms, ms + durationMinutes * 60_000, p.zone))) out.push(`${d} ${time} ${ms}`);
        }
      }
      return out;
    };
    const cases: [string, string, number, string][] = [
      ['2021-10-25', '2021-11-02', 60, 'Europe/Athens'], // EU autumn change, 31 Oct
      ['2022-03-21', '2022-03-31', 90, 'Atlantic/Canary'], // EU spring change, 27 Mar
      ['2021-09-20', '2021-09-30', 45, 'Pacific/Auckland'], // New Zealand's change, 26 Sep: other dates than Europe's
      ['2021-10-28', '2021-11-10', 30, 'America/New_York'], // a week when Europe and the US are out of step
    ];
    for (const [from, to, d, zone] of cases) {
      const got = t.polls.suggest({ from, to, durationMinutes: d, zone }).map((s) => `${s.date} ${s.time} ${s.startUtc}`);
      expect(got.length).toBeGreaterThan(0);
      expect({ zone, got }).toEqual({ zone, got: brute(from, to, d, zone) });
    }
  });

  it('nothing in the past, nothing when the duration cannot fit, and clear errors for a bad range', () => {
    t.clock.set('2021-09-15T12:00:00Z'); // 15:00 Athens
    const today = t.polls.suggest({ from: '2021-09-15', to: '2021-09-15', durationMinutes: 60, zone: 'Europe/Athens' });
    expect(today.map((s) => s.time)).toEqual(['15:30', '16:00', '16:30', '17:00']);
    t.clock.set('2021-08-20T09:00:00Z');
    expect(t.polls.suggest({ from: '2021-09-13', to: '2021-09-17', durationMinutes: 480 })).toEqual([]);
    expect(() => t.polls.suggest({ from: '2021-09-17', to: '2021-09-13' })).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'to', code: 'poll_range_invalid' })] }));
    expect(() => t.polls.suggest({ from: '2021-09-01', to: '2021-10-15' })).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'to', code: 'poll_range_too_long' })] }));
    expect(() => t.polls.suggest({ from: '2021-02-30', to: '2021-03-01' })).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'from', code: 'date_invalid' })] }));
  });

  it('on the organiser page: a GET lists the suggestions and changes nothing; "Add" makes one a candidate', async () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const before = JSON.stringify(t.db.prepare('SELECT * FROM poll_slots').all());
    const page = await b.get(`/organiser/sessions/${s.id}/poll?from=2021-09-13&to=2021-09-14&durationMinutes=60&zone=Europe/Athens`);
    expect(page.statusCode).toBe(200);
    expect(JSON.stringify(t.db.prepare('SELECT * FROM poll_slots').all())).toBe(before);
    expect(page.body).toContain('data-date="2021-09-13" data-time="11:00"');
    expect(page.body).not.toContain('data-time="10:30"');
    expect(text(page.body)).toContain('Monday, 13 September 2021 (Europe/Athens)');
    const add = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2021-09-13', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60', back: 'from=2021-09-13&to=2021-09-14&durationMinutes=60&zone=Europe%2FAthens' });
    expect(add.statusCode).toBe(303);
    expect(add.headers.location).toContain('from=2021-09-13');
    const again = await b.get(add.headers.location as string);
    expect(again.body).toMatch(/data-date="2021-09-13" data-time="11:00">[^<]*<span class="muted">\(already a candidate\)/);
    // The default range follows the tentative session's rough time: mid-September.
    const plain = await b.get(`/organiser/sessions/${s.id}/poll`);
    expect(plain.body).toContain('id="poll-suggest-from" name="from" type="date" value="2021-09-11"');
    expect(plain.body).toContain('id="poll-suggest-to" name="to" type="date" value="2021-09-20"');
  });
});

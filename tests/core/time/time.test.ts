import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import {
  PLACES,
  formatInZone,
  instantToWall,
  isWithinWorkingHours,
  placeTimes,
  validateZone,
  wallToInstant,
} from '../../../src/core/time/index.js';
import { zoneChanges } from '../../helpers/zone-oracle.js';
import { must } from '../../helpers/must.js';


const iso = (ms: number) => new Date(ms).toISOString();
const errorOf = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

describe('wall time → instant (the values the issue names)', () => {
  it('10:00 Europe/Athens on 2025-10-26 is 08:00Z (after the autumn change)', () => {
    expect(iso(wallToInstant({ date: '2025-10-26', time: '10:00', zone: 'Europe/Athens' }))).toBe('2025-10-26T08:00:00.000Z');
  });
  it('10:00 Europe/Athens on 2026-03-29 is 07:00Z (after the spring change)', () => {
    expect(iso(wallToInstant({ date: '2026-03-29', time: '10:00', zone: 'Europe/Athens' }))).toBe('2026-03-29T07:00:00.000Z');
  });
  it('10:00 Atlantic/Canary on 2026-03-29 is 09:00Z', () => {
    expect(iso(wallToInstant({ date: '2026-03-29', time: '10:00', zone: 'Atlantic/Canary' }))).toBe('2026-03-29T09:00:00.000Z');
  });
  it('03:30 Europe/Athens on 2026-03-29 is refused: it falls in the spring-forward gap', () => {
    const e = errorOf(() => wallToInstant({ date: '2026-03-29', time: '03:30', zone: 'Europe/Athens' }));
    expect(e.code).toBe('time_gap');
    expect(e.field).toBe('time');
    expect(e.message).toContain('does not exist');
  });
  it('03:30 Europe/Athens on 2025-10-26 is refused: it happens twice in the autumn overlap', () => {
    const e = errorOf(() => wallToInstant({ date: '2025-10-26', time: '03:30', zone: 'Europe/Athens' }));
    expect(e.code).toBe('time_overlap');
    expect(e.field).toBe('time');
    expect(e.message).toContain('twice');
  });
});

describe('every offset change of the nine zones, 2021–2027 (independent oracle)', () => {
  const pad = (n: number) => String(n).padStart(2, '0');
  const shift = (local: string, minutes: number) => {
    const d = new Date(Date.parse(local + ':00Z') + minutes * 60_000);
    return { date: d.toISOString().slice(0, 10), time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` };
  };
  const utcOf = (local: string, offset: number) => Date.parse(local + ':00Z') - offset * 60_000;

  for (const [zone, changes] of Object.entries(zoneChanges)) {
    it(`${zone}: ${changes.length} changes refused inside, exact outside`, () => {
      expect(changes.length).toBeGreaterThanOrEqual(14);
      for (const c of changes) {
        // Half way through the gap or overlap: refused with the right reason.
        const inside = shift(c.localFrom, 30);
        const e = errorOf(() => wallToInstant({ ...inside, zone }));
        expect(e.code).toBe(c.kind === 'gap' ? 'time_gap' : 'time_overlap');
        // One minute before the interval: the old offset applies.
        const before = shift(c.localFrom, -1);
        expect(wallToInstant({ ...before, zone })).toBe(utcOf(`${before.date}T${before.time}`, c.offsetBefore));
        // At the end of the interval: the new offset applies.
        const after = shift(c.localTo, 0);
        expect(wallToInstant({ ...after, zone })).toBe(utcOf(`${after.date}T${after.time}`, c.offsetAfter));
        // And back: the instant of the change reads as localTo (gap) or localFrom (overlap) in the zone.
        const wall = instantToWall(Date.parse(c.utc), zone);
        expect(`${wall.date}T${wall.time}`).toBe(c.kind === 'gap' ? c.localTo : c.localFrom);
      }
    });
  }

  it('covers all nine places of the network', () => {
    for (const p of PLACES) expect(Object.keys(zoneChanges)).toContain(p.zone);
  });
});

describe('zones', () => {
  it('accepts IANA names and returns their canonical spelling', () => {
    expect(validateZone('Europe/Athens')).toBe('Europe/Athens');
    expect(validateZone('europe/athens')).toBe('Europe/Athens');
    expect(validateZone('Atlantic/Canary')).toBe('Atlantic/Canary');
  });
  it.each(['Etc/GMT+2', 'Etc/UTC', '+02:00', 'GMT+2', 'EET', 'Mars/Olympus', '', 'Europe/Atlantis'])('refuses %j, naming the field', (zone) => {
    const e = errorOf(() => validateZone(zone, 'zone'));
    expect(e.field).toBe('zone');
    expect(e.status).toBe(400);
  });
  it('refuses impossible dates and badly written times, naming the field', () => {
    expect(errorOf(() => wallToInstant({ date: '2026-02-30', time: '10:00', zone: 'Europe/Rome' })).field).toBe('date');
    expect(errorOf(() => wallToInstant({ date: '2026-02-10', time: '24:00', zone: 'Europe/Rome' })).field).toBe('time');
    expect(errorOf(() => wallToInstant({ date: '10/02/2026', time: '10:00', zone: 'Europe/Rome' })).field).toBe('date');
  });
});

describe('formatting names the zone', () => {
  const ms = Date.parse('2021-07-15T08:00:00Z');
  it('English', () => {
    expect(formatInZone(ms, 'Europe/Athens', 'en')).toBe('Thursday, 15 July 2021, 11:00 (Europe/Athens, UTC+03:00)');
    expect(formatInZone(ms, 'Atlantic/Canary', 'en')).toBe('Thursday, 15 July 2021, 09:00 (Atlantic/Canary, UTC+01:00)');
  });
  it('Greek', () => {
    expect(formatInZone(ms, 'Asia/Nicosia', 'el')).toBe('Πέμπτη 15 Ιουλίου 2021, 11:00 (Asia/Nicosia, UTC+03:00)');
  });
  it('a zone west of UTC and one across the date line', () => {
    expect(formatInZone(ms, 'America/New_York', 'en')).toBe('Thursday, 15 July 2021, 04:00 (America/New York, UTC−04:00)');
    expect(formatInZone(ms, 'Pacific/Auckland', 'en')).toBe('Thursday, 15 July 2021, 20:00 (Pacific/Auckland, UTC+12:00)');
  });
});

describe('the time in every participating country', () => {
  it('15 July 2021 11:00 Athens, two hours: local times, offsets, all within working hours', () => {
    const rows = placeTimes(Date.parse('2021-07-15T08:00:00Z'), 120, 'Europe/Athens');
    const byKey = Object.fromEntries(rows.map((r) => [r.place.key, r]));
    const at = (key: string) => must(byKey[key], `the row of ${key}`);
    expect(rows.map((r) => r.place.key)).toEqual(['athens', 'bucharest', 'vilnius', 'rome', 'madrid', 'canary', 'warsaw', 'sofia', 'nicosia']);
    expect([at('athens').time, at('athens').endTime, at('athens').offset]).toEqual(['11:00', '13:00', 'UTC+03:00']);
    expect([at('rome').time, at('madrid').time, at('warsaw').time]).toEqual(['10:00', '10:00', '10:00']);
    expect([at('canary').time, at('canary').offset]).toEqual(['09:00', 'UTC+01:00']);
    expect([at('nicosia').time, at('sofia').time, at('vilnius').time, at('bucharest').time]).toEqual(['11:00', '11:00', '11:00', '11:00']);
    expect(rows.every((r) => r.workingHours)).toBe(true);
  });
  it('a 09:00 Athens start is 07:00 in the Canary Islands: outside working hours there only', () => {
    const rows = placeTimes(Date.parse('2021-09-14T06:00:00Z'), 60, 'Europe/Athens');
    const out = rows.filter((r) => !r.workingHours).map((r) => r.place.key);
    expect(out).toEqual(['rome', 'madrid', 'canary', 'warsaw']);
  });
  it('a weekend is never working hours; a session that ends after 18:00 is not either', () => {
    expect(isWithinWorkingHours(Date.parse('2021-09-18T08:00:00Z'), Date.parse('2021-09-18T09:00:00Z'), 'Europe/Athens')).toBe(false);
    expect(isWithinWorkingHours(Date.parse('2021-09-14T14:00:00Z'), Date.parse('2021-09-14T15:30:00Z'), 'Europe/Athens')).toBe(false);
    expect(isWithinWorkingHours(Date.parse('2021-09-14T14:00:00Z'), Date.parse('2021-09-14T15:00:00Z'), 'Europe/Athens')).toBe(true);
  });
  it('marks a day shift for places where the local date differs', () => {
    const rows = placeTimes(Date.parse('2026-01-15T22:30:00Z'), 60, 'Atlantic/Canary');
    expect(rows.find((r) => r.place.key === 'athens')!.dayShift).toBe(1);
    expect(rows.find((r) => r.place.key === 'canary')!.dayShift).toBe(0);
  });
});

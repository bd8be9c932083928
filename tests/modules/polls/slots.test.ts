/**
 * Candidate slots: stored as the organiser's wall time and zone, shown in all nine places with
 * working-hours marks; DST gaps and overlaps refused naming the field. The oracle for offsets is the
 * fixture computed with Python zoneinfo (tests/fixtures/zone-changes-2021-2027.json), not Luxon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { PLACES } from '../../../src/core/time/index.js';
import { Browser, GR_ORGANISER, text } from '../../helpers/app.js';
import { makePollApp, tentativeSession, type PollTestApp } from './helpers.js';
import { oracleOffset } from '../../helpers/zone-oracle.js';
import { must } from '../../helpers/must.js';

/** Local HH:MM of an instant in a zone, from the fixture's offsets (independent of Luxon). */
function oracleTime(ms: number, zone: string): { time: string; offset: number } {
  const offset = oracleOffset(ms, zone);
  const local = new Date(ms + offset * 60_000);
  return { time: `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`, offset };
}

let t: PollTestApp;
beforeAll(async () => {
  t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
});
afterAll(() => t.close());

async function organiserBrowser() {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
  return b;
}

describe('candidate slots in every zone', () => {
  it('a slot on the DST-change weekend (Sun 31 Oct 2021 10:00 Athens) is 08:00Z and shown right in all nine places', async () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2021-10-20', deadlineTime: '17:00' }, t.gr);
    const slot = t.polls.addSlot(s.id, { date: '2021-10-31', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 }, t.gr);
    expect(slot).toMatchObject({ startDate: '2021-10-31', startTime: '10:00', zone: 'Europe/Athens' });
    expect(new Date(slot.startUtc).toISOString()).toBe('2021-10-31T08:00:00.000Z');

    const view = t.polls.slotView(slot, 'Atlantic/Canary', 'en');
    expect(view.places.map((p) => p.place.zone)).toEqual(PLACES.map((p) => p.zone));
    for (const p of view.places) {
      const o = oracleTime(slot.startUtc, p.place.zone);
      expect(`${p.place.key} ${p.time}`).toBe(`${p.place.key} ${o.time}`);
      // a Sunday: outside working hours everywhere
      expect(p.workingHours).toBe(false);
    }
    expect(view.places.find((p) => p.place.key === 'canary')!.time).toBe('08:00');
    expect(view.places.find((p) => p.place.key === 'athens')!.time).toBe('10:00');
    expect(view.inViewerZone).toBe('Sunday, 31 October 2021, 08:00 (Atlantic/Canary, UTC+00:00)');
    expect(view.inSlotZone).toBe('Sunday, 31 October 2021, 10:00 (Europe/Athens, UTC+02:00)');

    // The organiser page shows the row with every place and the warning naming them.
    const b = await organiserBrowser();
    const page = await b.get(`/organiser/sessions/${s.id}/poll`);
    expect(page.statusCode).toBe(200);
    const row = new RegExp(`<tr id="slot-${slot.id}"[\\s\\S]*?</tr>`).exec(page.body)![0];
    for (const p of PLACES) {
      const cell = must(new RegExp(`data-place="${p.key}">([^<]*)`).exec(row)?.[1], `the cell of ${p.key}`).trim();
      expect(`${p.key} ${cell}`).toBe(`${p.key} ${oracleTime(slot.startUtc, p.zone).time}`);
    }
    expect(text(row)).toContain('Outside working hours (09:00–18:00, Mon–Fri) in: Athens 10:00, Bucharest 10:00, Vilnius 10:00, Rome 09:00, Madrid 09:00, Canary Islands 08:00');
  });

  it('a weekday slot outside working hours only on the Canary Islands is flagged for that place only', async () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    const wed = t.polls.addSlot(s.id, { date: '2021-09-15', time: '10:00', durationMinutes: 120 }, t.gr);
    const tue = t.polls.addSlot(s.id, { date: '2021-09-14', time: '11:00', durationMinutes: 120 }, t.gr);
    expect(wed.zone).toBe('Europe/Athens'); // the poll's zone when none is given
    const w = t.polls.slotView(wed, 'Europe/Athens', 'en');
    expect(w.outside.map((p) => `${p.place.key} ${p.time}`)).toEqual(['canary 08:00']);
    expect(w.countriesInHours).toBe(7); // Spain counts only when Madrid and the Canary Islands both are
    expect(w.countriesTotal).toBe(8);
    const u = t.polls.slotView(tue, 'Europe/Athens', 'en');
    expect(u.outside).toEqual([]);
    expect(u.countriesInHours).toBe(8);
    const b = await organiserBrowser();
    const page = text((await b.get(`/organiser/sessions/${s.id}/poll`)).body);
    expect(page).toContain('Outside working hours (09:00–18:00, Mon–Fri) in: Canary Islands 08:00');
    expect(page).toContain('Within working hours everywhere');
  });

  it('a slot given in another zone keeps that wall time and zone (the truth) and derives the instant', () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    const slot = t.polls.addSlot(s.id, { date: '2021-09-16', time: '09:30', zone: 'Atlantic/Canary', durationMinutes: 90 }, t.gr);
    expect(slot).toMatchObject({ startDate: '2021-09-16', startTime: '09:30', zone: 'Atlantic/Canary', durationMinutes: 90 });
    expect(new Date(slot.startUtc).toISOString()).toBe('2021-09-16T08:30:00.000Z');
    expect(slot.endUtc - slot.startUtc).toBe(90 * 60_000);
  });
});

describe('refused slots', () => {
  it('a wall time in the spring-forward gap is refused, naming the time field', async () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    const err = (() => {
      try {
        t.polls.addSlot(s.id, { date: '2022-03-27', time: '03:30', zone: 'Europe/Athens', durationMinutes: 60 }, t.gr);
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.errors.map((e) => [e.field, e.code])).toEqual([['time', 'time_gap']]);

    // Through the form: shown again with the message beside the time field, nothing stored.
    const b = await organiserBrowser();
    await b.get(`/organiser/sessions/${s.id}/poll`);
    const res = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2022-03-27', time: '03:30', zone: 'Europe/Athens', durationMinutes: '60' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="poll-slot-time-error"');
    expect(text(res.body)).toContain('03:30 does not exist on 2022-03-27 in Europe/Athens');
    expect(res.body).toContain('value="03:30"');
    expect(t.polls.slots(t.polls.forSession(s.id)!)).toHaveLength(0);
  });

  it('a wall time in the autumn overlap is refused, naming the time field', async () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    const b = await organiserBrowser();
    await b.get(`/organiser/sessions/${s.id}/poll`);
    const res = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2021-10-31', time: '03:30', zone: 'Europe/Athens', durationMinutes: '60' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="poll-slot-time-error"');
    expect(text(res.body)).toContain('03:30 happens twice on 2021-10-31 in Europe/Athens');
  });

  it('refuses a slot in the past, a duplicate, and a bad zone, each beside its field', async () => {
    const s = tentativeSession(t);
    const b = await organiserBrowser();
    await b.get(`/organiser/sessions/${s.id}/poll`);
    expect((await b.post(`/organiser/sessions/${s.id}/poll`, { zone: 'Europe/Athens', deadlineDate: '2021-09-10', deadlineTime: '17:00', reminderHours: '48' })).statusCode).toBe(303);
    await b.get(`/organiser/sessions/${s.id}/poll`);
    const past = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2021-08-19', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60' });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('id="poll-slot-date-error"');
    const ok = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2021-09-14', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60' });
    expect(ok.statusCode).toBe(303);
    await b.get(`/organiser/sessions/${s.id}/poll`);
    // the same instant written in another zone is the same slot
    const dup = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2021-09-14', time: '09:00', zone: 'Atlantic/Canary', durationMinutes: '60' });
    expect(dup.statusCode).toBe(409);
    expect(text(dup.body)).toContain('This date is already a candidate.');
    const zone = await b.post(`/organiser/sessions/${s.id}/poll/slots`, { date: '2021-09-15', time: '11:00', zone: 'Etc/GMT+2', durationMinutes: '60' });
    expect(zone.statusCode).toBe(400);
    expect(zone.body).toContain('id="poll-slot-zone-error"');
    expect(t.polls.slots(t.polls.forSession(s.id)!)).toHaveLength(1);
  });

  it('only a tentative session can have a poll; a deadline in a DST gap or the past is refused', async () => {
    const scheduled = t.services.sessions.create(
      { title: 'Fixed', hubId: t.gr.hubId, date: '2021-09-20', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60 },
      t.admin,
    );
    expect(() => t.polls.create(scheduled.id, { zone: 'Europe/Athens' }, t.gr)).toThrow(expect.objectContaining({ code: 'poll_session_not_tentative' }));
    const s = tentativeSession(t);
    expect(() => t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2022-03-27', deadlineTime: '03:15' }, t.gr)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'deadlineTime', code: 'time_gap' })] }),
    );
    expect(() => t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2021-08-01', deadlineTime: '12:00' }, t.gr)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'deadlineDate', code: 'poll_deadline_past' })] }),
    );
    // another hub's organiser cannot touch this session's poll (the GR hub organises it; RO co-hosts, so use a session without co-hosts)
    const solo = tentativeSession(t, { coHostIds: [] });
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login('ana@dih4society.test', 'romanian-password-123');
    expect((await b.get(`/organiser/sessions/${solo.id}/poll`)).statusCode).toBe(403);
    expect((await new Browser(t.app).get(`/organiser/sessions/${solo.id}/poll`)).statusCode).toBe(303);
  });
});

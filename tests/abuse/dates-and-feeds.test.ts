/**
 * Finding 5: a session dated 1969-12-31 was accepted (any date from 1900 was), and then the hub,
 * series and session calendar files answered 500, with nothing in the log. Through a real port:
 *
 *  - session dates (API and organiser form) and poll candidate slots are accepted from 2000-01-01
 *    to 2100-12-31 only, otherwise a 400 naming the field, and nothing stored is changed;
 *  - a row that is already bad (old data, written here by SQL) is left out of every file and feed
 *    it belongs to, which still answer 200 with the other events, and the error is logged with
 *    the session's id and the request id;
 *  - every 5xx is logged with its request id.
 */
import { Writable } from 'node:stream';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t as tr } from '../../src/core/i18n/index.js';
import type { Organiser } from '../../src/modules/organisers/repository.js';
import type { Session } from '../../src/modules/sessions/repository.js';
import { ADMIN, makeApp, text, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import { must } from '../helpers/must.js';

/** Log lines as pino wrote them (JSON), kept for the assertions. */
const logLines: Record<string, unknown>[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let t: TestApp;
let base: string;
let admin: Organiser;
let apiToken: string;

beforeAll(async () => {
  // The real app, with a logger writing to a stream the test reads.
  t = await makeApp({ env: { REGISTRATION_RATE_PER_IP: '100', REQUEST_LOG: 'true' }, logger: { level: 'info', stream: logStream } });
  base = await listen(t);
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  apiToken = t.services.auth.createToken(admin.id, 'test').token;
});
afterAll(async () => {
  await t?.close();
});

const hubId = (slug: string) => t.services.repos.hubs.getBySlug(slug)!.id;
const sessionBody = (extra: Record<string, unknown>) => ({
  title: 'Interoperability clinic',
  hubId: hubId('gr-digigov-innohub'),
  time: '10:00',
  zone: 'Europe/Athens',
  durationMinutes: 60,
  ...extra,
});
const fieldsOf = (res: { json<T>(): T }) => res.json<{ fields: { field: string; code: string }[] }>().fields;

describe('session dates and poll slots from 2000-01-01 to 2100-12-31', () => {
  it('the API refuses 1969-12-31, 1999-12-31 and 2101-01-01 with a 400 naming `date`, and takes the first and last day of the range', async () => {
    const api = new HttpClient(base);
    for (const [date, status] of [['1969-12-31', 'completed'], ['1999-12-31', 'completed'], ['2101-01-01', 'scheduled']]) {
      const res = await api.json('POST', '/api/v1/sessions', sessionBody({ date, status }), apiToken);
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res)).toEqual([expect.objectContaining({ field: 'date', code: 'date_out_of_range' })]);
    }
    expect((await api.json('POST', '/api/v1/sessions', sessionBody({ date: '2000-01-01', status: 'completed' }), apiToken)).statusCode).toBe(201);
    const last = await api.json('POST', '/api/v1/sessions', sessionBody({ date: '2100-12-31', status: 'scheduled' }), apiToken);
    expect(last.statusCode).toBe(201);
    // Moving an existing session out of the range is refused and leaves it as it was.
    const id = last.json<{ id: number }>().id;
    const moved = await api.json('PATCH', `/api/v1/sessions/${id}`, { date: '1969-12-31', status: 'completed' }, apiToken);
    expect(moved.statusCode).toBe(400);
    expect(fieldsOf(moved).map((f) => f.field)).toEqual(['date']);
    expect(t.services.repos.sessions.get(id)).toMatchObject({ startDate: '2100-12-31', status: 'scheduled' });
    // A tentative session's rough month follows the same range.
    const rough = await api.json('POST', '/api/v1/sessions', sessionBody({ status: 'tentative', time: undefined, approxMonth: '1969-12' }), apiToken);
    expect(rough.statusCode).toBe(400);
    expect(fieldsOf(rough).map((f) => f.field)).toEqual(['approxMonth']);
  });

  it('the organiser form shows itself again with the message beside the date, in the organiser’s language', async () => {
    const browser = new HttpClient(base, { 'accept-language': 'it' });
    expect((await browser.login(ADMIN.email, ADMIN.password)).statusCode).toBe(303);
    await browser.get('/organiser/sessions/new');
    const res = await browser.post('/organiser/sessions', {
      title: 'Past seminar',
      hubId: String(hubId('gr-digigov-innohub')),
      status: 'completed',
      date: '1969-12-31',
      time: '10:00',
      zone: 'Europe/Athens',
      durationMinutes: '60',
      language: 'en',
    });
    expect(res.statusCode).toBe(400);
    expect(text(res.body)).toContain(tr('it', 'err.date_out_of_range', { min: '2000-01-01', max: '2100-12-31' }));
    // What was typed is kept.
    expect(res.body).toContain('value="Past seminar"');
  });

  it('a poll slot after 2100 is refused beside its date field', async () => {
    const gr = hubId('gr-digigov-innohub');
    const tentative = t.services.sessions.create({ title: 'Date to be found', hubId: gr, status: 'tentative', approxMonth: '2026-05', zone: 'Europe/Athens', durationMinutes: 60 }, admin);
    t.services.polls.create(tentative.id, { zone: 'Europe/Athens', deadlineDate: '2026-03-01', deadlineTime: '17:00' }, admin);
    const browser = new HttpClient(base, { 'accept-language': 'en' });
    await browser.login(ADMIN.email, ADMIN.password);
    await browser.get(`/organiser/sessions/${tentative.id}/poll`);
    const res = await browser.post(`/organiser/sessions/${tentative.id}/poll/slots`, { date: '2101-05-04', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60' });
    expect(res.statusCode).toBe(400);
    expect(text(res.body)).toContain(tr('en', 'err.date_out_of_range', { min: '2000-01-01', max: '2100-12-31' }));
    expect(t.services.polls.forSession(tentative.id)).toBeDefined();
  });
});

describe('a feed with one event that cannot be built', () => {
  let good: Session;
  let bad: Session;
  let broken: Session;
  let other: Session;
  let seriesId: number;
  let personalToken: string;
  let badToken: string;

  beforeAll(() => {
    const gr = hubId('gr-digigov-innohub');
    const ro = hubId('dih4society');
    seriesId = must(t.services.repos.series.list()[0], 'the series').id;
    const make = (title: string, extra: Record<string, unknown>) =>
      t.services.sessions.create({ title, hubId: gr, seriesId, date: '2026-05-20', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false, ...extra }, admin);
    good = make('Good session', {});
    bad = make('Session with damaged data', { coHostIds: [ro] });
    other = t.services.sessions.create({ title: 'Romanian session', hubId: ro, date: '2026-05-21', time: '10:00', zone: 'Europe/Bucharest', durationMinutes: 60 }, admin);
    const person = { name: 'Ioana', email: 'ioana@example.org', orgType: 'public', country: 'RO', zone: 'Europe/Bucharest', language: 'en', consent: true };
    const a = t.services.registrations.register(good.id, person, 'api').registration;
    const b = t.services.registrations.register(bad.id, person, 'api').registration;
    personalToken = t.services.registrations.tokenFor(a);
    badToken = t.services.registrations.tokenFor(b);
    // Old data, as an earlier version let in: 31 December 1969, before the epoch.
    const start = Date.UTC(1969, 11, 31, 8, 0);
    t.db.prepare("UPDATE sessions SET start_date = '1969-12-31', start_time = '10:00', start_utc = ?, end_utc = ?, status = 'completed' WHERE id = ?").run(start, start + 3_600_000, bad.id);
    // Feeds hold only the last 12 months and the future, so the 1969 session never reaches one; a
    // session damaged inside that window (it ends before it starts) does, and must be left out there.
    broken = make('Session that ends before it starts', { coHostIds: [ro] });
    t.db.prepare('UPDATE sessions SET end_utc = start_utc - 3600000 WHERE id = ?').run(broken.id);
  });

  const uidsOf = (ics: string) => ICAL.Component.fromString(ics).getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid')));
  const leftOutLogs = () => logLines.filter((l) => (l.sessionId === bad.id || l.sessionId === broken.id) && l.level === 50);

  it('the hub feeds (organiser and co-host), the series feed and the session’s own file answer 200 with every other event; the bad one is left out and logged with its id and the request id', async () => {
    const client = new HttpClient(base);
    const before = leftOutLogs().length;
    const gr = await client.get(`/hubs/${good.hubId}/calendar.ics`);
    const ro = await client.get(`/hubs/${other.hubId}/calendar.ics`);
    const series = await client.get(`/series/${seriesId}/calendar.ics`);
    const own = await client.get(`/sessions/${bad.id}/calendar.ics`);
    for (const res of [gr, ro, series, own]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/calendar');
      expect(uidsOf(res.body)).not.toContain(bad.calendarUid);
      expect(uidsOf(res.body)).not.toContain(broken.calendarUid);
    }
    expect(uidsOf(gr.body)).toContain(good.calendarUid);
    expect(uidsOf(ro.body)).toContain(other.calendarUid);
    expect(uidsOf(series.body)).toContain(good.calendarUid);
    expect(uidsOf(own.body)).toEqual([]);
    const logged = leftOutLogs().slice(before);
    expect(logged.length).toBeGreaterThanOrEqual(4);
    // The session's own file, and each of the three feeds that hold the damaged session.
    expect(logged.filter((l) => l.sessionId === bad.id).length).toBeGreaterThanOrEqual(1);
    expect(logged.filter((l) => l.sessionId === broken.id).length).toBeGreaterThanOrEqual(3);
    for (const l of logged) expect(l.reqId).toBeTruthy();
    // The log names the session, never the person.
    expect(JSON.stringify(logged)).not.toContain('ioana@example.org');
  });

  it('the personal feed of someone registered for both answers 200 with the good one', async () => {
    const client = new HttpClient(base);
    const res = await client.get(`/r/${personalToken}/calendar.ics`);
    expect(res.statusCode).toBe(200);
    expect(uidsOf(res.body)).toEqual([good.calendarUid]);
    expect(leftOutLogs().some((l) => typeof l.reqId === 'string' || typeof l.reqId === 'number')).toBe(true);
  });

  it('pages listing the session still answer', async () => {
    const client = new HttpClient(base, { 'accept-language': 'en' });
    expect((await client.get('/')).statusCode).toBe(200);
    expect((await client.get(`/sessions/${good.id}`)).statusCode).toBe(200);
  });

  it('a 5xx (the personal invite of the damaged session) is logged with its request id', async () => {
    const client = new HttpClient(base);
    const before = logLines.length;
    const res = await client.get(`/r/${badToken}/invite.ics`);
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    const errors = logLines.slice(before).filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(must(errors[0], 'the logged error').reqId).toBeTruthy();
    expect(must(errors[0], 'the logged error').err).toBeDefined();
    // The request's own log lines carry the same id.
    expect(logLines.slice(before).filter((l) => l.reqId === must(errors[0], 'the logged error').reqId).length).toBeGreaterThan(1);
  });

  it('a 5xx a route answers itself (readiness of an unmigrated database) is logged with its request id too', async () => {
    const version = t.db.pragma('user_version', { simple: true }) as number;
    t.db.pragma('user_version = 0');
    try {
      const before = logLines.length;
      const res = await new HttpClient(base).get('/healthz');
      expect(res.statusCode).toBe(503);
      const errors = logLines.slice(before).filter((l) => l.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ statusCode: 503 });
      expect(must(errors[0], 'the logged error').reqId).toBeTruthy();
    } finally {
      t.db.pragma(`user_version = ${version}`);
    }
  });
});

/**
 * Repeating sessions kept on wall time: the organiser's form (preview, create, refusals beside the
 * fields), the API's `repeat`, the series page, and "this and following" edits with their SEQUENCE
 * and update mail through a real SMTP sink. Every instant is checked against the zone-change fixture
 * (Python zoneinfo), never against Luxon. Runs under two host zones (tests/run.mjs).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t as tr } from '../../../src/core/i18n/index.js';
import type { Organiser } from '../../../src/modules/organisers/repository.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { ADMIN, Browser, GR_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';
import { sessionForm } from '../../helpers/sessions.js';
import { oracleOffset, oracleUtc, zoneChanges } from '../../helpers/zone-oracle.js';

const ATHENS = 'Europe/Athens';
let t: TestApp;
let mail: TestMail;
let token: string;
let eleni: Organiser;

beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
  mail = await withMail(t);
  eleni = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
  token = t.services.auth.createToken(eleni.id, 'repeat test').token;
});
afterAll(async () => {
  await mail.close();
  await t.close();
});

/** Sends what is due once the clock has moved a little (as the dispatcher would a minute later). */
async function send(): Promise<void> {
  t.clock.advance(60_000);
  await mail.drain();
}

const grHub = () => t.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id;
const count = (table: 'sessions' | 'series') => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
/** The local wall time of an instant in Athens, by the fixture's offset: "YYYY-MM-DD HH:MM". */
const athensWall = (ms: number) => new Date(ms + oracleOffset(ms, ATHENS) * 60_000).toISOString().slice(0, 16).replace('T', ' ');

async function organiserBrowser(): Promise<Browser> {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  expect((await b.login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(303);
  await b.get('/organiser/sessions/new');
  return b;
}

const repeatForm = (extra: Record<string, string> = {}) => ({
  ...sessionForm(t, { title: 'Digital twins clinic', coHostIds: [], date: '2027-02-04', time: '10:00', zone: ATHENS, durationMinutes: '60' }),
  repeatFrequency: 'monthly-weekday',
  repeatOrdinal: 'first',
  repeatInterval: '1',
  repeatCount: '6',
  ...extra,
});

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, ...(body === undefined ? {} : { payload: body as object }), headers: { authorization: `Bearer ${token}` } });

interface SessionJson {
  id: number;
  slug: string;
  calendarUid: string;
  seriesId: number;
  sequence: number;
  startUtc: string;
  wallTime: { date: string; time: string; zone: string };
  repeat?: { seriesId: number; sessions: SessionJson[] };
}
interface ErrorJson {
  field?: string;
  message: string;
  fields?: { field: string; message: string }[];
}
const fieldsOf = (e: ErrorJson) => e.fields?.map((f) => f.field) ?? [e.field];

/** Each session at 10:00 Athens on its date, its instant the fixture's. */
function expectWallTime(list: Session[], dates: string[], time = '10:00') {
  expect(list.map((s) => s.startDate)).toEqual(dates);
  for (const s of list) {
    const ms = must(s.startUtc, `the instant of ${s.startDate}`);
    expect(ms, s.startDate ?? '').toBe(oracleUtc(must(s.startDate, 'date'), time, ATHENS));
    expect(athensWall(ms)).toBe(`${s.startDate} ${time}`);
    expect(s.startTime).toBe(time);
    expect(s.zone).toBe(ATHENS);
  }
}

describe('the new-session form with a repeat', () => {
  it('previews every first Thursday from February to July 2027 in the organiser zone, storing nothing', async () => {
    const b = await organiserBrowser();
    expect(text(b.lastPage)).toContain('Repeat');
    expect(b.lastPage).toContain('name="action" value="preview"');
    expect(b.lastPage).not.toContain('undefined');
    const before = [count('sessions'), count('series')];
    const res = await b.post('/organiser/sessions', { ...repeatForm(), action: 'preview' });
    expect(res.statusCode).toBe(200);
    expect([count('sessions'), count('series')]).toEqual(before);
    const page = text(res.body);
    expect(page).toContain('6 dates');
    for (const d of ['Thursday, 4 February 2027, 10:00 (Europe/Athens, UTC+02:00)', 'Thursday, 1 April 2027, 10:00 (Europe/Athens, UTC+03:00)', 'Thursday, 1 July 2027, 10:00 (Europe/Athens, UTC+03:00)']) {
      expect(page).toContain(d);
    }
    // What was typed stays in the form.
    expect(res.body).toMatch(/<option value="monthly-weekday" selected>/);
    expect(res.body).toContain('name="repeatCount" type="number" value="6"');
    expect(res.body).not.toContain('undefined');
  });

  it('creates one series and six sessions, each at 10:00 Athens (07:00 UTC in summer, 08:00 in winter), and shows them on the series page', async () => {
    const b = await organiserBrowser();
    const [sessionsBefore, seriesBefore] = [count('sessions'), count('series')];
    const res = await b.post('/organiser/sessions', repeatForm());
    expect(res.statusCode).toBe(303);
    const seriesId = Number(must(/^\/organiser\/series\/(\d+)\?msg=org\.repeat\.created$/.exec(String(res.headers.location)), 'the series page')[1]);
    expect([count('sessions'), count('series')]).toEqual([sessionsBefore + 6, seriesBefore + 1]);
    const list = t.services.sessions.listBySeries(seriesId);
    expectWallTime(list, ['2027-02-04', '2027-03-04', '2027-04-01', '2027-05-06', '2027-06-03', '2027-07-01']);
    expect(list.map((s) => new Date(s.startUtc!).getUTCHours())).toEqual([8, 8, 7, 7, 7, 7]);
    expect(new Set(list.map((s) => s.slug)).size).toBe(6);
    expect(new Set(list.map((s) => s.calendarUid)).size).toBe(6);
    expect(t.services.sessions.series(seriesId)?.title).toBe('Digital twins clinic');

    const page = await b.get(res.headers.location as string);
    expect(page.statusCode).toBe(200);
    const shown = text(page.body);
    expect(shown).toContain('The repeating sessions have been created');
    expect(shown).toContain('Series: Digital twins clinic');
    expect(shown).toContain('6 sessions');
    for (const s of list) expect(page.body).toContain(`href="/sessions/${s.id}"`);
    expect(shown).toContain('Thursday, 1 July 2027, 10:00 (Europe/Athens, UTC+03:00)');

    // Registration stays per session: one person in the third session is in that one only.
    const third = must(list[2], 'the third session');
    t.services.registrations.register(third.id, { name: 'Maria K', email: 'maria@example.gr', organisation: 'Dimos', orgType: 'public', hubId: '', country: 'GR', language: 'en', zone: ATHENS, consent: 'on' }, 'api');
    const counts = list.map((s) => (t.db.prepare('SELECT count(*) AS n FROM registrations WHERE session_id = ?').get(s.id) as { n: number }).n);
    expect(counts).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('refuses a weekly 03:30 Athens across the March change, naming the date beside the time, and stores nothing', async () => {
    const b = await organiserBrowser();
    const gap = must((zoneChanges[ATHENS] ?? []).find((c) => c.utc.startsWith('2027-03')), 'the March 2027 change');
    const gapDate = gap.localFrom.slice(0, 10);
    const before = [count('sessions'), count('series')];
    const res = await b.post('/organiser/sessions', repeatForm({ date: '2027-03-14', time: '03:30', repeatFrequency: 'weekly', repeatCount: '4' }));
    expect(res.statusCode).toBe(400);
    expect([count('sessions'), count('series')]).toEqual(before);
    const error = must(/<p class="error" id="f-time-error">([^<]*)<\/p>/.exec(res.body), 'the message beside the time')[1];
    expect(error).toContain(gapDate);
    expect(error).toContain('does not exist in Europe/Athens');
    // The error summary at the top links to the field.
    expect(res.body).toContain('id="form-errors"');
    expect(res.body).toContain('<a href="#f-time">');
    expect(res.body).toContain('value="03:30"');
  });

  it('says so in the organiser language (Greek), with the date', async () => {
    const b = new Browser(t.app, { 'accept-language': 'el' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/sessions/new?lang=el');
    const res = await b.post('/organiser/sessions?lang=el', repeatForm({ date: '2027-03-14', time: '03:30', repeatFrequency: 'weekly', repeatCount: '4' }));
    expect(res.statusCode).toBe(400);
    const error = must(/<p class="error" id="f-time-error">([^<]*)<\/p>/.exec(res.body), 'the message beside the time')[1];
    expect(error).toBe(tr('el', 'err.repeat_gap', { time: '03:30', zone: ATHENS, gaps: '2027-03-28' }));
    expect(text(res.body)).toContain(tr('el', 'org.repeat.legend'));
  });

  it('refuses a count of 100 and a monthly 31st, each beside its field', async () => {
    const b = await organiserBrowser();
    const before = count('sessions');
    const many = await b.post('/organiser/sessions', repeatForm({ repeatCount: '100' }));
    expect(many.statusCode).toBe(400);
    expect(many.body).toMatch(/<p class="error" id="f-repeatCount-error">Write a whole number of sessions from 2 to 52\.<\/p>/);
    const day31 = await b.post('/organiser/sessions', repeatForm({ date: '2027-01-31', repeatFrequency: 'monthly-day', repeatCount: '4' }));
    expect(day31.statusCode).toBe(400);
    const error = must(/<p class="error" id="f-repeatFrequency-error">([^<]*)<\/p>/.exec(day31.body), 'the message beside the rule')[1];
    expect(error).toContain('2027-02, 2027-04');
    const wrongOrdinal = await b.post('/organiser/sessions', repeatForm({ date: '2027-02-11' }));
    expect(wrongOrdinal.statusCode).toBe(400);
    expect(wrongOrdinal.body).toMatch(/<p class="error" id="f-repeatOrdinal-error">The date of the first session, 2027-02-11, is not the chosen weekday of its month/);
    expect(count('sessions')).toBe(before);
  });
});

describe('the API', () => {
  it('creates a six-session first-Thursday repeat from August 2027 into January 2028', async () => {
    const res = await api('POST', '/sessions', {
      title: 'Cloud for municipalities',
      hubId: grHub(),
      date: '2027-08-05',
      time: '10:00',
      zone: ATHENS,
      durationMinutes: 90,
      repeat: { frequency: 'monthly-weekday', ordinal: 'first', count: 6 },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<SessionJson>();
    const made = must(body.repeat, 'the repeat');
    expect(made.sessions).toHaveLength(6);
    expect(res.headers.location).toBe(`/api/v1/sessions/${must(made.sessions[0], 'the first session').id}`);
    const dates = ['2027-08-05', '2027-09-02', '2027-10-07', '2027-11-04', '2027-12-02', '2028-01-06'];
    expect(made.sessions.map((s) => s.wallTime)).toEqual(dates.map((date) => ({ date, time: '10:00', zone: ATHENS })));
    expect(made.sessions.map((s) => Date.parse(s.startUtc))).toEqual(dates.map((d) => oracleUtc(d, '10:00', ATHENS)));
    expect(made.sessions.map((s) => s.startUtc.slice(11, 16))).toEqual(['07:00', '07:00', '07:00', '08:00', '08:00', '08:00']);
    expectWallTime(t.services.sessions.listBySeries(made.seriesId), dates);
    const series = (await api('GET', '/series')).json<{ id: number; sessionIds: number[] }[]>().find((s) => s.id === made.seriesId);
    expect(series?.sessionIds).toEqual(made.sessions.map((s) => s.id));
  });

  it('documents the repeat object and the edit scope in OpenAPI', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const post = JSON.stringify(doc.paths['/api/v1/sessions']?.post);
    for (const word of ['repeat', 'monthly-weekday', 'ordinal', '"maximum":52']) expect(post).toContain(word);
    expect(JSON.stringify(doc.paths['/api/v1/sessions/{id}']?.patch)).toContain('following');
  });

  it.each([
    { name: 'the last Sunday of March', from: '2027-03-18', dates: ['2027-03-18', '2027-03-25', '2027-04-01', '2027-04-08'] },
    { name: 'the last Sunday of October', from: '2027-10-21', dates: ['2027-10-21', '2027-10-28', '2027-11-04', '2027-11-11'] },
  ])('repeats weekly across $name at the same wall time', async ({ from, dates }) => {
    const res = await api('POST', '/sessions', { title: `Weekly office hours ${from}`, hubId: grHub(), date: from, time: '10:00', zone: ATHENS, durationMinutes: 60, repeat: { frequency: 'weekly', count: 4 } });
    expect(res.statusCode).toBe(201);
    const made = must(res.json<SessionJson>().repeat, 'the repeat');
    expectWallTime(t.services.sessions.listBySeries(made.seriesId), dates);
    expect(new Set(made.sessions.map((s) => s.startUtc.slice(11, 16))).size).toBe(2);
  });

  it('refuses a rule hitting the gap with 400 naming time and the date, storing nothing', async () => {
    const before = [count('sessions'), count('series')];
    const res = await api('POST', '/sessions', { title: 'Night shift', hubId: grHub(), date: '2027-03-14', time: '03:30', zone: ATHENS, durationMinutes: 60, repeat: { frequency: 'weekly', count: 4 } });
    expect(res.statusCode).toBe(400);
    const e = res.json<ErrorJson>();
    expect(fieldsOf(e)).toContain('time');
    expect(e.message).toContain('2027-03-28');
    expect([count('sessions'), count('series')]).toEqual(before);
  });

  it.each([
    { repeat: { frequency: 'weekly', count: 0 }, field: 'repeat.count' },
    { repeat: { frequency: 'weekly', count: 100 }, field: 'repeat.count' },
    { repeat: { frequency: 'yearly', count: 3 }, field: 'repeat.frequency' },
    { repeat: { frequency: 'monthly-weekday', ordinal: 'fifth', count: 3 }, field: 'repeat.ordinal' },
    { repeat: { frequency: 'weekly', count: 3, every: 2 }, field: 'repeat.every' },
  ])('answers 400 naming $field for $repeat', async ({ repeat, field }) => {
    const before = count('sessions');
    const res = await api('POST', '/sessions', { title: 'Bad rule', hubId: grHub(), date: '2027-05-06', time: '10:00', zone: ATHENS, durationMinutes: 60, repeat });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json<ErrorJson>())).toContain(field);
    expect(count('sessions')).toBe(before);
  });
});

describe('"this and following"', () => {
  let list: Session[];
  const people: string[] = [];

  beforeEach(async () => {
    // Every first Thursday from January 2027: the third (March) is in winter time, the 4th–6th in summer time.
    const made = t.services.sessions.createRepeating(
      { title: `Data spaces clinic ${people.length}`, hubId: grHub(), date: '2027-01-07', time: '10:00', zone: ATHENS, durationMinutes: 60, joinUrl: 'https://meet.example.org/clinic', doubleOptIn: false },
      { frequency: 'monthly-weekday', ordinal: 'first', count: 6 },
      eleni,
    );
    list = made.sessions;
    people.length = 0;
    for (const [i, s] of list.entries()) {
      const email = `follower${s.id}-${i + 1}@example.org`;
      const { outcome } = t.services.registrations.register(s.id, { name: `Follower ${i + 1}`, email, organisation: 'Dimos', orgType: 'public', hubId: '', country: 'GR', language: 'en', zone: ATHENS, consent: 'on' }, 'api');
      expect(outcome).toBe('confirmed');
      people.push(email);
    }
    await send();
    mail.sink.clear();
  });

  const current = () => list.map((s) => t.services.sessions.get(s.id));

  it('offers the choice on the edit page of a session in a series', async () => {
    const b = await organiserBrowser();
    const page = await b.get(`/organiser/sessions/${must(list[2], 'session 3').id}/edit`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Only this session');
    expect(text(page.body)).toContain('This and the following sessions');
    expect(text(page.body)).toContain('the 3 following sessions');
    expect(page.body).toContain(`href="/organiser/series/${must(list[2], 'session 3').seriesId}"`);
    expect(page.body).not.toContain('undefined');
    // An edit makes no repeat: the form offers none.
    expect(page.body).not.toContain('name="repeatFrequency"');
  });

  it('moves the 3rd to 6th to 11:30 Athens across the clock change, leaves the 1st and 2nd, raises SEQUENCE and mails only their registrants', async () => {
    const b = await organiserBrowser();
    const third = must(list[2], 'session 3');
    await b.get(`/organiser/sessions/${third.id}/edit`);
    const res = await b.post(`/organiser/sessions/${third.id}`, {
      ...sessionForm(t, { title: third.title, description: '', coHostIds: [], date: '2027-03-04', time: '11:30', zone: ATHENS, durationMinutes: '60', joinUrl: 'https://meet.example.org/clinic', capacity: '' }),
      scope: 'following',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${third.id}?msg=org.savedFollowing`);
    const after = current();
    expectWallTime(after.slice(0, 2), ['2027-01-07', '2027-02-04'], '10:00');
    expectWallTime(after.slice(2), ['2027-03-04', '2027-04-01', '2027-05-06', '2027-06-03'], '11:30');
    // 11:30 Athens is 09:30 UTC in March (winter) and 08:30 UTC from April (summer).
    expect(after.map((s) => new Date(s.startUtc!).toISOString().slice(11, 16))).toEqual(['08:00', '08:00', '09:30', '08:30', '08:30', '08:30']);
    expect(after.map((s) => s.sequence)).toEqual([0, 0, 1, 1, 1, 1]);

    await send();
    const updated = mail.sink.messages.filter((m) => m.parsed.subject?.startsWith('Updated:'));
    expect(updated.flatMap((m) => m.envelope.rcptTo).sort()).toEqual(people.slice(2).sort());
    for (const m of updated) expect(m.parsed.text).toContain('11:30 (Europe/Athens');
  });

  it('keeps the wall time with "only this session"', async () => {
    const b = await organiserBrowser();
    const third = must(list[2], 'session 3');
    await b.get(`/organiser/sessions/${third.id}/edit`);
    const res = await b.post(`/organiser/sessions/${third.id}`, {
      ...sessionForm(t, { title: third.title, description: '', coHostIds: [], date: '2027-03-04', time: '11:30', zone: ATHENS, durationMinutes: '60', joinUrl: 'https://meet.example.org/clinic', capacity: '' }),
      scope: 'this',
    });
    expect(res.statusCode).toBe(303);
    expect(current().map((s) => s.startTime)).toEqual(['10:00', '10:00', '11:30', '10:00', '10:00', '10:00']);
    expect(current().map((s) => s.sequence)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('moves the later sessions by as many days as the date moved (API, scope=following)', async () => {
    const fourth = must(list[3], 'session 4');
    const res = await api('PATCH', `/sessions/${fourth.id}?scope=following`, { date: '2027-04-03', title: 'Data spaces clinic (Saturdays)' });
    expect(res.statusCode).toBe(200);
    const after = current();
    expectWallTime(after, ['2027-01-07', '2027-02-04', '2027-03-04', '2027-04-03', '2027-05-08', '2027-06-05']);
    expect(after.map((s) => s.title.endsWith('(Saturdays)'))).toEqual([false, false, false, true, true, true]);
  });

  it('refuses up front when a moved session would fall in the gap, listing the date, and changes nothing', async () => {
    // Weekly on Thursdays from 4 March: moving the 2nd to Sunday 14 March at 03:30 would put the 4th on 28 March, in the gap.
    const made = t.services.sessions.createRepeating(
      { title: 'Early birds', hubId: grHub(), date: '2027-03-04', time: '10:00', zone: ATHENS, durationMinutes: 60 },
      { frequency: 'weekly', count: 6 },
      eleni,
    );
    const second = must(made.sessions[1], 'the second session');
    const before = made.sessions.map((s) => t.services.sessions.get(s.id));
    const b = await organiserBrowser();
    await b.get(`/organiser/sessions/${second.id}/edit`);
    const res = await b.post(`/organiser/sessions/${second.id}`, {
      ...sessionForm(t, { title: 'Early birds', description: '', coHostIds: [], date: '2027-03-14', time: '03:30', zone: ATHENS, durationMinutes: '60', joinUrl: '', capacity: '' }),
      scope: 'following',
    });
    expect(res.statusCode).toBe(400);
    const error = must(/<p class="error" id="f-time-error">([^<]*)<\/p>/.exec(res.body), 'the message beside the time')[1];
    expect(error).toContain('2027-03-28');
    expect(res.body).toContain('id="f-scope-following" name="scope" value="following" checked');
    expect(made.sessions.map((s) => t.services.sessions.get(s.id))).toEqual(before);
    await send();
    expect(mail.sink.messages.filter((m) => m.parsed.subject?.startsWith('Updated:'))).toEqual([]);
  });
});

describe('who may', () => {
  it('lets an administrator see the series page of any series, with edit links', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(ADMIN.email, ADMIN.password);
    const seriesId = must(t.services.sessions.seriesList()[0], 'a series').id;
    const page = await b.get(`/organiser/series/${seriesId}`);
    expect(page.statusCode).toBe(200);
    expect((await b.get('/organiser/series/99999')).statusCode).toBe(404);
  });
});

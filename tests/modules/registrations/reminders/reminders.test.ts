import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher, createSmtpTransport } from '../../../../src/core/outbox/index.js';
import { reminderInstant } from '../../../../src/modules/registrations/reminders.js';
import { ADMIN, Browser, makeApp, type TestApp } from '../../../helpers/app.js';
import { SmtpSink } from '../../../helpers/smtp-sink.js';
import { createEmailKinds } from '../../../../src/email-kinds.js';
import { must } from '../../../helpers/must.js';

// Reminders are queued with the registration and sent by the real dispatcher to a real SMTP
// server; the clock is moved, never waited for.
let t: TestApp;
let sink: SmtpSink;
let dispatcher: Dispatcher;
let admin: NonNullable<ReturnType<TestApp['services']['repos']['organisers']['get']>>;

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await makeApp({ now: '2026-03-20T12:00:00Z' });
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock: t.clock, config: t.config, transport: createSmtpTransport(sink.url) });
});
afterAll(async () => {
  await dispatcher.stop();
  await t.close();
  await sink.close();
});
beforeEach(() => {
  t.clock.set('2026-03-20T12:00:00Z');
  sink.clear();
});

const hub = () => t.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id;
function session(extra: Record<string, unknown> = {}) {
  return t.services.sessions.create(
    { title: 'Reminder test', hubId: hub(), date: '2026-04-01', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false, joinUrl: 'https://meet.example.org/r', ...extra },
    admin,
  );
}
function register(sessionId: number, n: string, zone: string, language = 'en', extra: Record<string, unknown> = {}) {
  return t.services.registrations.register(sessionId, { name: n, email: `${n}@example.org`, orgType: 'public', country: 'GR', zone, language, consent: true, ...extra }, 'api').registration;
}
/** Runs the dispatcher until nothing more is due now; returns the subjects and recipients that arrived. */
async function deliverNow() {
  const before = sink.messages.length;
  for (let i = 0; i < 10; i++) {
    const r = await dispatcher.runOnce();
    if (r.claimed === 0) break;
  }
  return sink.messages.slice(before).map((m) => ({ to: must(m.envelope.rcptTo[0], 'the recipient'), subject: m.parsed.subject ?? '', text: m.parsed.text ?? '' }));
}
const reminders = (arrived: { to: string; subject: string }[]) => arrived.filter((m) => m.subject.startsWith('Reminder') || m.subject.startsWith('Υπενθύμιση')).map((m) => m.to).sort();
const dueOf = (sessionId: number) =>
  t.db.prepare("SELECT recipient_email AS email, not_before AS at, status FROM outbox WHERE session_id = ? AND kind = 'reminder' ORDER BY not_before, recipient_email").all(sessionId) as { email: string; at: number; status: string }[];
const iso = (ms: number) => new Date(ms).toISOString();

describe('the quiet-hours rule', () => {
  it('moves a day-or-more reminder due at night to 20:00 the evening before, in the recipient\'s zone', () => {
    const start = Date.parse('2026-04-01T07:00:00Z'); // 10:00 Athens
    expect(iso(reminderInstant(start, 1440, 'Europe/Athens'))).toBe('2026-03-31T07:00:00.000Z'); // 10:00 local: unchanged
    expect(iso(reminderInstant(start, 1440, 'America/New_York'))).toBe('2026-03-31T00:00:00.000Z'); // 03:00 EDT → 20:00 EDT on 30 March
    expect(iso(reminderInstant(Date.parse('2026-04-01T20:30:00Z'), 1440, 'Europe/Athens'))).toBe('2026-03-31T17:00:00.000Z'); // 23:30 → 20:00 same evening
    expect(iso(reminderInstant(start, 60, 'America/New_York'))).toBe('2026-04-01T06:00:00.000Z'); // an hour before stays, even at 02:00 local
  });
});

describe('reminders at a real SMTP server', () => {
  it('arrive at the right instants for recipients in different zones, across the DST change between registration and session', async () => {
    // Registered on 20 March (Athens UTC+2, Canary UTC+0); the session is after the EU change of 29 March.
    const s = session();
    expect(iso(s.startUtc!)).toBe('2026-04-01T07:00:00.000Z');
    register(s.id, 'athens', 'Europe/Athens');
    register(s.id, 'canary', 'Atlantic/Canary');
    register(s.id, 'newyork', 'America/New_York');
    register(s.id, 'nicosia', 'Asia/Nicosia', 'el');
    await deliverNow(); // confirmations
    expect(dueOf(s.id).map((r) => `${r.email} ${iso(r.at)}`)).toEqual([
      'newyork@example.org 2026-03-31T00:00:00.000Z', // 03:00 EDT is quiet: 20:00 EDT the evening before
      'athens@example.org 2026-03-31T07:00:00.000Z', // 10:00 EEST
      'canary@example.org 2026-03-31T07:00:00.000Z', // 08:00 WEST (quiet ends at 08:00)
      'nicosia@example.org 2026-03-31T07:00:00.000Z', // 10:00 EEST
      'athens@example.org 2026-04-01T06:00:00.000Z',
      'canary@example.org 2026-04-01T06:00:00.000Z',
      'newyork@example.org 2026-04-01T06:00:00.000Z',
      'nicosia@example.org 2026-04-01T06:00:00.000Z',
    ]);
    t.clock.set('2026-03-30T23:59:00Z');
    expect(reminders(await deliverNow())).toEqual([]);
    t.clock.set('2026-03-31T00:00:00Z');
    expect(reminders(await deliverNow())).toEqual(['newyork@example.org']);
    t.clock.set('2026-03-31T06:59:59Z');
    expect(reminders(await deliverNow())).toEqual([]);
    t.clock.set('2026-03-31T07:00:00Z');
    const day = await deliverNow();
    expect(reminders(day)).toEqual(['athens@example.org', 'canary@example.org', 'nicosia@example.org']);
    // in the recipient's language and zone, with the session's zone too
    const canary = day.find((m) => m.to === 'canary@example.org')!;
    expect(canary.text).toContain('Wednesday, 1 April 2026, 08:00 (Atlantic/Canary, UTC+01:00)');
    expect(canary.text).toContain('Wednesday, 1 April 2026, 10:00 (Europe/Athens, UTC+03:00)');
    const nicosia = day.find((m) => m.to === 'nicosia@example.org')!;
    expect(nicosia.subject).toContain('Υπενθύμιση');
    expect(nicosia.text).toContain('Τετάρτη 1 Απριλίου 2026, 10:00 (Asia/Nicosia, UTC+03:00)');
    t.clock.set('2026-04-01T06:00:00Z');
    const hour = await deliverNow();
    expect(reminders(hour)).toEqual(['athens@example.org', 'canary@example.org', 'newyork@example.org', 'nicosia@example.org']);
    // the join link in the reminder goes through Kairos
    expect(must(hour[0], 'the first reminder').text).toMatch(/http:\/\/kairos\.test\/join\/\d+\.[A-Za-z0-9_-]{32}/);
    // each reminder exactly once
    t.clock.set('2026-04-01T06:30:00Z');
    expect(await deliverNow()).toEqual([]);
  });

  it('moving the session re-times unsent reminders; the new time is in the email', async () => {
    const s = session({ date: '2026-04-10' });
    register(s.id, 'mover', 'Europe/Madrid');
    await deliverNow();
    t.services.sessions.update(s.id, { date: '2026-04-12', time: '16:00' }, admin); // 13:00Z
    const due = dueOf(s.id).filter((r) => r.status === 'queued').map((r) => iso(r.at));
    expect(due).toEqual(['2026-04-11T13:00:00.000Z', '2026-04-12T12:00:00.000Z']);
    t.clock.set('2026-04-09T07:00:00Z'); // the old 1-day time: nothing
    const old = await deliverNow();
    expect(reminders(old)).toEqual([]);
    t.clock.set('2026-04-11T13:00:00Z');
    const day = await deliverNow();
    expect(reminders(day)).toEqual(['mover@example.org']);
    expect(day.find((m) => m.subject.startsWith('Reminder'))!.text).toContain('Sunday, 12 April 2026, 15:00 (Europe/Madrid, UTC+02:00)');
  });

  it('cancelling the session or the registration withdraws unsent reminders; nothing is sent after the start', async () => {
    const s = session({ date: '2026-04-20' });
    const keep = register(s.id, 'keeper', 'Europe/Athens');
    const leaver = register(s.id, 'leaver', 'Europe/Athens');
    await deliverNow();
    t.services.registrations.cancel(leaver);
    t.clock.set('2026-04-19T07:00:00Z');
    expect(reminders(await deliverNow())).toEqual(['keeper@example.org']);
    t.services.sessions.cancel(s.id, admin);
    t.clock.set('2026-04-20T06:00:00Z');
    const after = await deliverNow();
    expect(reminders(after)).toEqual([]);
    expect(dueOf(s.id).filter((r) => r.status === 'queued')).toEqual([]);
    expect(keep.id).toBeGreaterThan(0);
  });

  it('a registration made after a reminder\'s time gets no stale reminder; a queued one never goes out after the start', async () => {
    const s = session({ date: '2026-03-21', time: '10:00' }); // tomorrow 08:00Z; the 1-day time has passed
    register(s.id, 'late', 'Europe/Athens');
    expect(dueOf(s.id).map((r) => iso(r.at))).toEqual(['2026-03-21T07:00:00.000Z']);
    await deliverNow();
    // the dispatcher was down until after the start: the reminder expires unsent
    t.clock.set('2026-03-21T08:00:00Z');
    expect(reminders(await deliverNow())).toEqual([]);
    expect(must(dueOf(s.id)[0], 'the reminder').status).toBe('expired');
  });

  it('a session moved into the past sends nothing', async () => {
    const s = session({ date: '2026-03-25' });
    register(s.id, 'past', 'Europe/Athens');
    await deliverNow();
    t.clock.set('2026-03-26T09:00:00Z');
    // recording when a session really took place: allowed for a completed session
    t.services.sessions.update(s.id, { status: 'completed' }, admin);
    expect(reminders(await deliverNow())).toEqual([]);
    expect(dueOf(s.id).filter((r) => r.status === 'queued')).toEqual([]);
  });
});

describe('attendance through the join link', () => {
  it('records the first join inside the window once and redirects; before the window it only says when it opens', async () => {
    const s = session({ date: '2026-04-02' }); // 07:00Z – 08:00Z
    const reg = register(s.id, 'joiner', 'Atlantic/Canary');
    const link = `/join/${t.services.attendance.joinToken(reg)}`;
    const b = new Browser(t.app);
    t.clock.set('2026-04-02T06:40:00Z'); // 20 minutes before: too early
    const early = await b.get(link);
    expect(early.statusCode).toBe(200);
    expect(early.body).toContain('07:45 (Atlantic/Canary, UTC+01:00)'); // 06:45Z, 15 minutes before the 08:00 local start
    expect(t.services.repos.registrations.get(reg.id)!.attendedAt).toBeNull();
    t.clock.set('2026-04-02T06:50:00Z');
    const first = await b.get(link);
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('https://meet.example.org/r');
    t.clock.set('2026-04-02T07:20:00Z');
    expect((await b.get(link)).statusCode).toBe(302);
    expect(t.services.repos.registrations.get(reg.id)!.attendedAt).toBe(Date.parse('2026-04-02T06:50:00Z'));
    t.clock.set('2026-04-02T08:01:00Z');
    expect((await b.get(link)).statusCode).toBe(200);
    // a forged or altered link is 404
    expect((await b.get(link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA'))).statusCode).toBe(404);
    expect((await b.get(`/join/${reg.id + 1}.${link.split('.')[1]}`)).statusCode).toBe(404);
  });

  it('imports a participants CSV (matched by email) and shows attendance per country and hub', async () => {
    const s = session({ date: '2026-04-03' });
    const a = register(s.id, 'csv-a', 'Europe/Athens', 'en', { country: 'GR' });
    register(s.id, 'csv-b', 'Europe/Rome', 'en', { country: 'IT' });
    // The meeting tool's participants list, once the session is over.
    t.clock.set(s.endUtc!);
    const result = t.services.attendance.importCsv(s.id, 'Name (original name),User Email,Join time\r\n"A, person",CSV-A@Example.org,04/03/2026\r\nStranger,nobody@example.org,04/03/2026\r\n');
    expect(result).toMatchObject({ rows: 2, matched: 1, newlyMarked: 1, unmatched: 1, emailColumn: 'User Email' });
    expect(t.services.repos.registrations.get(a.id)!.attendanceSource).toBe('import');
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(ADMIN.email, ADMIN.password);
    const page = await b.get(`/organiser/sessions/${s.id}/attendance`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 of 2 confirmed people attended.');
    expect(page.body).toMatch(/<desc id="by-country-desc">[^<]*Greece: 1\/1[^<]*Italy: 0\/1/);
    const bad = await b.post(`/organiser/sessions/${s.id}/attendance/import`, { csv: 'name,joined\nx,y\n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('No column whose title contains “email”.');
  });
});

describe('follow-ups', () => {
  it('the attendee and absentee follow-ups reach the right people, and nobody without consent', async () => {
    const next = session({ date: '2026-05-05', title: 'Next case study', seriesId: must(t.services.repos.series.list()[0], 'the series').id });
    const s = session({ date: '2026-04-04', seriesId: must(t.services.repos.series.list()[0], 'the series').id });
    const came = register(s.id, 'came', 'Europe/Athens', 'en', { followupConsent: true });
    const cameNoConsent = register(s.id, 'came-noconsent', 'Europe/Athens', 'en', { followupConsent: false });
    register(s.id, 'missed', 'Europe/Warsaw', 'el', { followupConsent: true });
    register(s.id, 'missed-noconsent', 'Europe/Warsaw', 'en', { followupConsent: false });
    await deliverNow();
    t.clock.set('2026-04-04T07:05:00Z');
    for (const r of [came, cameNoConsent]) t.services.attendance.join(t.services.attendance.joinToken(r));
    await deliverNow();
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(ADMIN.email, ADMIN.password);
    await b.get(`/organiser/sessions/${s.id}/followups`);
    await b.post(`/organiser/sessions/${s.id}/followups/attendees`, { subject: 'Thank you for joining', body: 'Slides: https://example.org/slides', inviteNext: 'on' });
    await b.post(`/organiser/sessions/${s.id}/followups/absentees`, { subject: 'Sorry we missed you', body: 'Recording: https://example.org/rec' });
    // not before the end
    expect((await b.post(`/organiser/sessions/${s.id}/followups/attendees/send`, {})).statusCode).toBe(409);
    t.clock.set('2026-04-04T09:00:00Z');
    const preview = await b.get(`/organiser/sessions/${s.id}/followups/attendees/preview`);
    expect(preview.body).toContain('Thank you for joining');
    expect(await deliverNow()).toEqual([]); // a preview sends nothing
    await b.get(`/organiser/sessions/${s.id}/followups`);
    expect((await b.post(`/organiser/sessions/${s.id}/followups/attendees/send`, {})).statusCode).toBe(303);
    await b.get(`/organiser/sessions/${s.id}/followups`);
    expect((await b.post(`/organiser/sessions/${s.id}/followups/absentees/send`, {})).statusCode).toBe(303);
    const sent = await deliverNow();
    expect(sent.map((m) => `${m.to}: ${m.subject}`).sort()).toEqual(['came@example.org: Thank you for joining', 'missed@example.org: Sorry we missed you']);
    const thanks = sent.find((m) => m.to === 'came@example.org')!;
    expect(thanks.text).toContain('Slides: https://example.org/slides');
    expect(thanks.text).toContain('Next case study');
    const link = /http:\/\/kairos\.test\/sessions\/(\d+)\?prefill=([A-Za-z0-9_-]+)/.exec(thanks.text)!;
    expect(Number(link[1])).toBe(next.id);
    // one click: the registration form of the next session comes filled in, consent still unticked
    const form = await new Browser(t.app).get(`/sessions/${next.id}?prefill=${link[2]}`);
    expect(form.body).toContain('value="came@example.org"');
    expect(form.body).not.toMatch(/id="f-consent"[^>]*checked/);
    // sending again sends nothing twice
    await b.get(`/organiser/sessions/${s.id}/followups`);
    await b.post(`/organiser/sessions/${s.id}/followups/attendees/send`, {});
    expect(await deliverNow()).toEqual([]);
  });
});

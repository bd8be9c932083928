/**
 * A registrant's own calendar under their personal link: the invite as a file
 * (/r/:token/invite.ics) and the subscription feed of all their sessions (/r/:token/calendar.ics),
 * over HTTP on the real app (temporary database, ManualClock), compared with the invite their
 * email carried (real dispatcher, real SMTP sink). Expected instants come from the zone-change
 * fixture, not from Luxon.
 *
 * The app is built with `buildApp` as `makeApp` does; the plugin is registered here only if
 * `buildApp` does not register it yet (makeApp cannot be used for that: it readies the app).
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../../../src/core/outbox/index.js';
import { t as tr, type MessageKey } from '../../../../src/core/i18n/index.js';
import type { Organiser } from '../../../../src/modules/organisers/repository.js';
import type { Registration } from '../../../../src/modules/registrations/repository.js';
import type { Session } from '../../../../src/modules/sessions/repository.js';
import { ADMIN, Browser, makeApp, text, type TestApp } from '../../../helpers/app.js';
import { contentLines, lineComplaints, strictComplaints, strictComplaintsMany } from '../../../helpers/ics-validate.js';
import type { SmtpSink } from '../../../helpers/smtp-sink.js';
import { withMail, type TestMail } from '../../../helpers/mail.js';
import { oracleUtc } from '../../../helpers/zone-oracle.js';
import { must } from '../../../helpers/must.js';

const ROOM = 'https://meet.example.org/room/secret-room-7?pwd=hunter2';

async function startApp(now = '2026-01-12T09:00:00Z'): Promise<TestApp> {
  return makeApp({ now });
}

// ------------------------------------------------------------------ oracle (fixture, no Luxon)

const basicUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

// ------------------------------------------------------------------ app and helpers

let t: TestApp;
let admin: Organiser;
let sink: SmtpSink;
let mail: TestMail;
let dispatcher: Dispatcher;

beforeAll(async () => {
  t = await startApp();
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  mail = await withMail(t);
  ({ sink, dispatcher } = mail);
});
afterAll(async () => {
  await mail?.close();
  await t?.close();
});

const hubId = (slug: string) => t.services.repos.hubs.getBySlug(slug)!.id;
const fresh = (id: number): Session => t.services.repos.sessions.get(id)!;
const reg = (id: number): Registration => t.services.repos.registrations.get(id)!;
const tokenOf = (r: Registration) => t.services.registrations.tokenFor(r);
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const parse = (ics: string) => ICAL.Component.fromString(ics);
const vevents = (ics: string) => parse(ics).getAllSubcomponents('vevent');
const uids = (ics: string) => vevents(ics).map((e) => String(e.getFirstPropertyValue('uid')));
const eventOf = (ics: string, uid: string) => vevents(ics).find((e) => e.getFirstPropertyValue('uid') === uid)!;

function newSession(extra: Record<string, unknown> = {}): Session {
  return t.services.sessions.create(
    {
      title: 'Open data for regional development',
      hubId: hubId('gr-digigov-innohub'),
      date: '2026-06-10',
      time: '11:00',
      zone: 'Europe/Athens',
      durationMinutes: 60,
      joinUrl: ROOM,
      doubleOptIn: false,
      ...extra,
    },
    admin,
  );
}

function register(sessionId: number, email: string, extra: Record<string, string> = {}): Registration {
  return t.services.registrations.register(
    sessionId,
    { name: `Someone ${email.split('@')[0]}`, email, organisation: 'Δήμος', orgType: 'public', hubId: '', country: 'GR', language: 'en', zone: 'Europe/Athens', consent: 'on', ...extra },
    'api',
  ).registration;
}

/** The invite the person's latest email carried (runs the dispatcher first). */
async function emailedInvite(email: string): Promise<string> {
  t.clock.advance(60_000);
  const r = await dispatcher.runOnce();
  expect(r.failed).toBe(0);
  const m = [...sink.messages].reverse().find((x) => x.envelope.rcptTo.includes(email) && x.parsed.attachments.some((a) => a.contentType === 'text/calendar'));
  expect(m, `an invite emailed to ${email}`).toBeDefined();
  return m!.parsed.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8');
}

/** The properties an invite file and the emailed invite must share. */
function essentials(ics: string) {
  const cal = parse(ics);
  const ev = cal.getFirstSubcomponent('vevent')!;
  return {
    method: cal.getFirstPropertyValue('method'),
    uid: ev.getFirstPropertyValue('uid'),
    sequence: Number(ev.getFirstPropertyValue('sequence')),
    summary: ev.getFirstPropertyValue('summary'),
    status: ev.getFirstPropertyValue('status'),
    url: ev.getFirstPropertyValue('url'),
    organizer: String(ev.getFirstPropertyValue('organizer')).toLowerCase(),
    attendees: ev.getAllProperties('attendee').map((a) => String(a.getFirstValue()).toLowerCase()),
    dtstart: contentLines(ics).find((l) => l.startsWith('DTSTART')),
    dtend: contentLines(ics).find((l) => l.startsWith('DTEND')),
  };
}

// ------------------------------------------------------------------ the invite file

describe('GET /r/:token/invite.ics', () => {
  let s: Session;
  let maria: Registration;
  let nikos: Registration;

  beforeAll(() => {
    s = newSession();
    maria = register(s.id, 'maria.p@example.org', { name: 'Μαρία Παπαδοπούλου', language: 'el', zone: 'Asia/Nicosia', country: 'CY' });
    nikos = register(s.id, 'nikos.a@example.org', { name: 'Nikos A' });
  });

  it('is the person\'s own REQUEST: session UID and SEQUENCE, the hub as ORGANIZER, only them as ATTENDEE, their join link, UTC times', async () => {
    const res = await get(`/r/${tokenOf(maria)}/invite.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(res.headers['cache-control']).toBe('no-store, private');
    expect(res.headers['x-robots-tag']).toContain('noindex');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.ics"$/);
    const ics = res.body;
    const cal = parse(ics);
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    const evs = cal.getAllSubcomponents('vevent');
    expect(evs).toHaveLength(1);
    const ev = must(evs[0], 'the VEVENT');
    expect(ev.getFirstPropertyValue('uid')).toBe(s.calendarUid);
    expect(Number(ev.getFirstPropertyValue('sequence'))).toBe(fresh(s.id).sequence);
    expect(ev.getFirstPropertyValue('summary')).toBe(s.title);
    expect(ev.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(ev.getAllProperties('organizer')).toHaveLength(1);
    expect(String(ev.getFirstPropertyValue('organizer')).toLowerCase()).toBe('mailto:contact@gr-digigov-innohub.example');
    const attendees = ev.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    const attendee = must(attendees[0], 'the ATTENDEE');
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:maria.p@example.org');
    // No REPLY_ADDRESS in this app: nothing would read an answer, so the invite asks none.
    expect(attendee.getParameter('rsvp')).toBe('FALSE');
    expect(attendee.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(attendee.getParameter('role')).toBe('REQ-PARTICIPANT');
    expect(ev.getFirstPropertyValue('url')).toBe(t.services.attendance.joinUrl(maria));
    expect(ev.getFirstPropertyValue('url')).toBe(`http://kairos.test/join/${t.services.attendance.joinToken(maria)}`);
    const startMs = oracleUtc('2026-06-10', '11:00', 'Europe/Athens');
    expect(contentLines(ics)).toContain(`DTSTART:${basicUtc(startMs)}`);
    expect(contentLines(ics)).toContain(`DTEND:${basicUtc(startMs + 3_600_000)}`);
    expect(basicUtc(startMs)).toBe('20260610T080000Z');
    // Nobody else, and not the bare meeting room.
    expect(ics).not.toContain('nikos.a@example.org');
    expect(ics).not.toContain('secret-room-7');
    expect(lineComplaints(res.rawPayload)).toEqual([]);
    expect(await strictComplaints(ics)).toEqual([]);
  });

  it('is the same invitation the confirmation email carried, and the other person gets their own', async () => {
    const emailed = await emailedInvite('maria.p@example.org');
    const file = (await get(`/r/${tokenOf(maria)}/invite.ics`)).body;
    expect(essentials(file)).toEqual(essentials(emailed));
    const other = (await get(`/r/${tokenOf(nikos)}/invite.ics`)).body;
    expect(essentials(other).attendees).toEqual(['mailto:nikos.a@example.org']);
    expect(essentials(other).url).toBe(t.services.attendance.joinUrl(nikos));
    expect(other).not.toContain('maria.p@example.org');
  });

  it('stays right when the session moves: new SEQUENCE and DTSTART, as in the update email', async () => {
    const before = fresh(s.id).sequence;
    t.clock.advance(3_600_000);
    t.services.sessions.update(s.id, { date: '2026-06-11', time: '16:30' }, admin);
    const moved = fresh(s.id);
    expect(moved.sequence).toBeGreaterThan(before);
    const file = (await get(`/r/${tokenOf(maria)}/invite.ics`)).body;
    const startMs = oracleUtc('2026-06-11', '16:30', 'Europe/Athens');
    expect(essentials(file)).toMatchObject({ uid: s.calendarUid, sequence: moved.sequence, dtstart: `DTSTART:${basicUtc(startMs)}` });
    expect(essentials(file)).toEqual(essentials(await emailedInvite('maria.p@example.org')));
    expect(await strictComplaints(file)).toEqual([]);
  });

  it('answers 404 with the reason, in the person\'s language, when there is no invitation to give', async () => {
    const pendingSession = newSession({ doubleOptIn: true, title: 'Double opt-in session' });
    const pending = register(pendingSession.id, 'pending.p@example.org', { language: 'el' });
    expect(pending.status).toBe('pending');
    const full = newSession({ capacity: 1, title: 'Full session' });
    register(full.id, 'first.f@example.org');
    const waiting = register(full.id, 'waiting.w@example.org');
    expect(waiting.status).toBe('waitlisted');
    const tentative = newSession({ status: 'tentative', date: '', time: '', approxMonth: '2026-09', title: 'Tentative session' });
    const tentativeReg = register(tentative.id, 'tentative.t@example.org');
    const dropped = newSession({ title: 'Session to be cancelled' });
    const droppedReg = register(dropped.id, 'dropped.d@example.org', { language: 'el' });
    t.services.sessions.cancel(dropped.id, admin);
    const leaving = register(s.id, 'leaving.l@example.org');
    t.services.registrations.cancel(reg(leaving.id));

    const cases: [Registration, string, MessageKey][] = [
      [pending, 'registration_not_confirmed', 'cal.personal.notConfirmed'],
      [waiting, 'registration_not_confirmed', 'cal.personal.notConfirmed'],
      [reg(leaving.id), 'registration_not_confirmed', 'cal.personal.notConfirmed'],
      [tentativeReg, 'no_fixed_date', 'cal.personal.noDate'],
      [droppedReg, 'session_cancelled', 'cal.personal.cancelled'],
    ];
    for (const [r, code, key] of cases) {
      const json = await get(`/r/${tokenOf(r)}/invite.ics`);
      expect(json.statusCode, code).toBe(404);
      expect(json.headers['cache-control']).toBe('no-store, private');
      expect(json.json()).toEqual({ error: code, message: tr(r.language, key) });
      const page = await get(`/r/${tokenOf(r)}/invite.ics`, { accept: 'text/html' });
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store, private');
      expect(text(page.body)).toContain(tr(r.language, key));
    }
    expect(tr('el', 'cal.personal.cancelled')).not.toBe(tr('en', 'cal.personal.cancelled'));

    // Unknown or malformed tokens: a plain 404 that says nothing about whether it ever existed.
    expect((await get(`/r/${'A'.repeat(43)}/invite.ics`)).statusCode).toBe(404);
    expect((await get('/r/short/invite.ics')).statusCode).toBe(404);
  });
});

// ------------------------------------------------------------------ the personal feed

describe('GET /r/:token/calendar.ics', () => {
  let a: Session;
  let b: Session;
  let c: Session;
  let d: Session;
  let patA: Registration;
  let patB: Registration;
  let quinn: Registration;

  beforeAll(() => {
    // A and B straddle the spring change of 2027 in Athens (28 March): 10:00 is 08:00Z, then 07:00Z.
    a = newSession({ title: 'Feed session A', date: '2027-03-27', time: '10:00' });
    b = newSession({ title: 'Feed session B', date: '2027-03-28', time: '10:00', hubId: hubId('diginn-cyprus'), zone: 'Asia/Nicosia', joinUrl: '' });
    c = newSession({ title: 'Feed session C (not Pat\'s)', date: '2027-03-29', time: '10:00' });
    d = newSession({ title: 'Feed session D (pending)', date: '2027-03-30', time: '10:00', doubleOptIn: true });
    patA = register(a.id, 'pat.k@example.org', { name: 'Pat K' });
    // The same person, another letter case.
    patB = register(b.id, 'Pat.K@Example.ORG', { name: 'Pat K' });
    register(d.id, 'pat.k@example.org', { name: 'Pat K' });
    quinn = register(a.id, 'quinn.q@example.org', { name: 'Quinn Q' });
    register(c.id, 'quinn.q@example.org', { name: 'Quinn Q' });
  });

  it('lists the sessions the person holds a confirmed seat for, with their own join links and nobody\'s data', async () => {
    const res = await get(`/r/${tokenOf(patA)}/calendar.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store, private');
    const ics = res.body;
    expect(uids(ics).sort()).toEqual([a.calendarUid, b.calendarUid].sort());
    expect(uids(ics)).not.toContain(c.calendarUid);
    expect(uids(ics)).not.toContain(d.calendarUid);
    // Soonest first; exact UTC starts either side of the clock change.
    expect(contentLines(ics).filter((l) => l.startsWith('DTSTART'))).toEqual([`DTSTART:${basicUtc(oracleUtc('2027-03-27', '10:00', 'Europe/Athens'))}`, `DTSTART:${basicUtc(oracleUtc('2027-03-28', '10:00', 'Asia/Nicosia'))}`]);
    expect(contentLines(ics)).toContain('DTSTART:20270327T080000Z');
    expect(contentLines(ics)).toContain('DTSTART:20270328T070000Z');
    // A feed: no METHOD, no ORGANIZER, no ATTENDEE, no address at all; a name and a refresh interval.
    expect(parse(ics).getFirstPropertyValue('method')).toBeNull();
    expect(ics).not.toMatch(/^(METHOD|ORGANIZER|ATTENDEE)[;:]/m);
    expect(ics).not.toMatch(/mailto:/i);
    for (const email of ['pat.k@example.org', 'quinn.q@example.org']) expect(ics.toLowerCase()).not.toContain(email);
    expect(contentLines(ics)).toContain(`X-WR-CALNAME:${tr('en', 'cal.personal.feedName')}`);
    expect(contentLines(ics)).toContain('X-PUBLISHED-TTL:PT1H');
    // Pat's own join link for A (which has a room); B has no room, so no join link.
    expect(eventOf(ics, a.calendarUid).getFirstPropertyValue('url')).toBe(t.services.attendance.joinUrl(patA));
    expect(ics).not.toContain(t.services.attendance.joinToken(quinn));
    expect(ics).not.toContain('secret-room-7');
    expect(ics).not.toContain(`/join/${t.services.attendance.joinToken(patB)}`);
    expect(lineComplaints(res.rawPayload)).toEqual([]);
    expect(await strictComplaints(ics)).toEqual([]);
    // Every token of the person gives the same feed.
    expect((await get(`/r/${tokenOf(patB)}/calendar.ics`)).body).toBe(ics);
    // Another person's feed has their sessions only.
    const q = (await get(`/r/${tokenOf(quinn)}/calendar.ics`)).body;
    expect(uids(q).sort()).toEqual([a.calendarUid, c.calendarUid].sort());
    expect(q).not.toContain(t.services.attendance.joinToken(patA));
  });

  it('drops a session whose registration the person cancelled, and keeps a cancelled session as STATUS:CANCELLED', async () => {
    // Pat cancels B from the manage page (POST with CSRF).
    const browser = new Browser(t.app, { 'accept-language': 'en' });
    await browser.get(`/r/${tokenOf(patB)}`);
    expect((await browser.post(`/r/${tokenOf(patB)}/cancel`, {})).statusCode).toBe(303);
    expect(reg(patB.id).status).toBe('cancelled');
    let ics = (await get(`/r/${tokenOf(patA)}/calendar.ics`)).body;
    expect(uids(ics)).toEqual([a.calendarUid]);
    // The cancelled registration's own token still opens the person's feed.
    expect((await get(`/r/${tokenOf(reg(patB.id))}/calendar.ics`)).body).toBe(ics);

    // The organiser cancels A: it stays, struck out, with a higher SEQUENCE and no join link.
    const before = fresh(a.id).sequence;
    t.clock.advance(3_600_000);
    t.services.sessions.cancel(a.id, admin);
    ics = (await get(`/r/${tokenOf(patA)}/calendar.ics`)).body;
    expect(uids(ics)).toEqual([a.calendarUid]);
    const ev = eventOf(ics, a.calendarUid);
    expect(ev.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(Number(ev.getFirstPropertyValue('sequence'))).toBe(fresh(a.id).sequence);
    expect(Number(ev.getFirstPropertyValue('sequence'))).toBeGreaterThan(before);
    expect(ics).not.toContain('/join/');
    expect(await strictComplaints(ics)).toEqual([]);
  });

  it('is an empty but valid calendar for someone with no confirmed seat, in their language', async () => {
    const e = newSession({ title: 'Feed session E', doubleOptIn: true });
    const pending = register(e.id, 'nobody.yet@example.org', { language: 'el' });
    const res = await get(`/r/${tokenOf(pending)}/calendar.ics`);
    expect(res.statusCode).toBe(200);
    expect(vevents(res.body)).toHaveLength(0);
    expect(contentLines(res.body)).toContain(`X-WR-CALNAME:${tr('el', 'cal.personal.feedName')}`);
    expect(await strictComplaintsMany([res.body])).toEqual([[]]);
  });

  it('is gone with the person\'s data once they erase it, as is the invite', async () => {
    const f = newSession({ title: 'Feed session F' });
    const gone = register(f.id, 'erase.me@example.org');
    const token = tokenOf(gone);
    expect((await get(`/r/${token}/calendar.ics`)).statusCode).toBe(200);
    expect((await get(`/r/${token}/invite.ics`)).statusCode).toBe(200);
    const browser = new Browser(t.app, { 'accept-language': 'en' });
    await browser.get(`/r/${token}`);
    expect((await browser.post(`/r/${token}/erase`, {})).statusCode).toBe(303);
    expect((await get(`/r/${token}/calendar.ics`)).statusCode).toBe(404);
    expect((await get(`/r/${token}/invite.ics`)).statusCode).toBe(404);
  });
});

describe('GET /r/:token/calendar.ics: versions and window', () => {
  it('answers If-None-Match with 304 while nothing changes, and with the new feed once a session of it does', async () => {
    const s = newSession({ title: 'Versioned feed session', date: '2027-05-04', time: '10:00' });
    const who = register(s.id, 'vera.v@example.org', { name: 'Vera V' });
    const url = `/r/${tokenOf(who)}/calendar.ics`;
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('no-store, private');
    const again = await get(url);
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(etag);
    const cached = await get(url, { 'if-none-match': etag });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers['cache-control']).toBe('no-store, private');
    // Another language is another feed.
    expect((await get(`${url}?lang=el`, { 'if-none-match': etag })).statusCode).toBe(200);

    t.clock.advance(60_000);
    t.services.sessions.update(s.id, { title: 'Versioned feed session, moved', hubId: s.hubId, date: '2027-05-04', time: '12:00', zone: s.zone, durationMinutes: 60, joinUrl: ROOM, doubleOptIn: false, status: 'scheduled', language: 'en' }, admin);
    const changed = await get(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(String(eventOf(changed.body, s.calendarUid).getFirstPropertyValue('summary'))).toBe('Versioned feed session, moved');

    // A new seat of the same person changes it too.
    const other = newSession({ title: 'Second seat', date: '2027-05-11', time: '10:00' });
    register(other.id, 'vera.v@example.org', { name: 'Vera V' });
    const grown = await get(url, { 'if-none-match': changed.headers.etag as string });
    expect(grown.statusCode).toBe(200);
    expect(uids(grown.body)).toContain(other.calendarUid);
  });

  it('holds the sessions that ended up to 12 months ago, and every later one', async () => {
    const today = t.clock.now();
    // Registered while the sessions were still to come.
    const booked = (title: string, date: string) => {
      t.clock.set(Date.parse(`${date}T00:00:00Z`) - 7 * 86_400_000);
      try {
        const s = newSession({ title, date, time: '10:00' });
        return { s, r: register(s.id, 'walt.w@example.org', { name: 'Walt W' }) };
      } finally {
        t.clock.set(today);
      }
    };
    // The app's clock is 12 January 2026.
    const old = booked('Thirteen months ago', '2024-12-10');
    const recent = booked('Eleven months ago', '2025-02-10');
    const coming = booked('Still to come', '2026-09-10');
    const ics = (await get(`/r/${tokenOf(coming.r)}/calendar.ics`)).body;
    expect(uids(ics)).toContain(recent.s.calendarUid);
    expect(uids(ics)).toContain(coming.s.calendarUid);
    expect(uids(ics)).not.toContain(old.s.calendarUid);
  });
});

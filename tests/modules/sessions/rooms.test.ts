/**
 * Meeting rooms as organisers, registrants and the public meet them: a Jitsi Meet room named by
 * Kairos (kept across edits, reached only through the personal join link, with a signed token on a
 * secured server, offered in the invite as CONFERENCE), and a pasted address checked strictly.
 * The real app, a real SMTP sink, invites parsed back by ical.js and the strict parsers.
 */
import ICAL from 'ical.js';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN, Browser, makeApp, text, type TestApp } from '../../helpers/app.js';
import { lineComplaints, strictComplaints } from '../../helpers/ics-validate.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';
import { sessionForm } from '../../helpers/sessions.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { ConfigError, loadConfig } from '../../../src/core/config.js';

const JITSI = 'https://meet.jitsi-test.example';
const APP_ID = 'kairos-test';
const SECRET = 'a-jitsi-app-secret-for-tests-0123';

const idOf = (res: LightMyRequestResponse): number => Number(must(/^\/sessions\/(\d+)\?/.exec(String(res.headers.location))?.[1], 'the new session'));

/** The fields an API refusal names. */
const fieldsOf = (res: LightMyRequestResponse): (string | undefined)[] => {
  const j = res.json<{ field?: string; fields?: { field?: string }[] }>();
  return (j.fields ?? [{ field: j.field }]).map((f) => f.field);
};

/** The calendar text of the invite a message carries (the text/calendar alternative). */
function inviteOf(parsed: { attachments: { contentType: string; contentDisposition?: string; content: Buffer }[] }): string {
  const part = must(parsed.attachments.find((a) => a.contentType === 'text/calendar' && a.contentDisposition !== 'attachment'), 'the invite');
  return part.content.toString('utf8');
}

describe('a Jitsi room named by Kairos', () => {
  let t: TestApp;
  let mail: TestMail;
  let admin: Browser;
  let session: Session;

  beforeAll(async () => {
    t = await makeApp({ now: '2026-03-02T09:00:00Z', env: { JITSI_BASE_URL: `${JITSI}/`, JITSI_APP_ID: APP_ID, JITSI_APP_SECRET: SECRET } });
    mail = await withMail(t);
    admin = new Browser(t.app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);
    const form = await admin.get('/organiser/sessions/new');
    expect(text(form.body)).toContain('A Jitsi Meet room named by Kairos');
    const res = await admin.post('/organiser/sessions', sessionForm(t, { roomKind: 'jitsi', joinUrl: '', doubleOptIn: 'off' }));
    expect(res.statusCode, text(res.body)).toBe(303);
    session = must(t.services.repos.sessions.get(idOf(res)), 'the session');
  });
  afterAll(async () => {
    await mail?.close();
    await t?.close();
  });

  it('names an unguessable room after the title on the configured server', () => {
    expect(session.roomKind).toBe('jitsi');
    expect(session.jitsiRoom).toMatch(/^case-study-e-invoicing-in-cyprus-[0-9a-f]{32}$/);
    expect(session.joinUrl).toBe(`${JITSI}/${session.jitsiRoom}`);
  });

  it('keeps the room when the title changes', async () => {
    await admin.get(`/organiser/sessions/${session.id}/edit`);
    expect(admin.lastPage).toContain(`${JITSI}/${session.jitsiRoom}`);
    const res = await admin.post(`/organiser/sessions/${session.id}`, sessionForm(t, { title: 'E-invoicing in Cyprus: the rollout', roomKind: 'jitsi', joinUrl: '', doubleOptIn: 'off' }));
    expect(res.statusCode, text(res.body)).toBe(303);
    const after = must(t.services.repos.sessions.get(session.id), 'the session');
    expect(after.title).toBe('E-invoicing in Cyprus: the rollout');
    expect(after.jitsiRoom).toBe(session.jitsiRoom);
    expect(after.joinUrl).toBe(session.joinUrl);
    session = after;
  });

  it('shows the room nowhere public: session page, API without a token, .ics, hub feed', async () => {
    const room = must(session.jitsiRoom, 'the room');
    const visitor = new Browser(t.app, { 'accept-language': 'en' });
    const pages = [
      await visitor.get(`/sessions/${session.id}`),
      await visitor.get(`/api/v1/sessions/${session.id}`),
      await visitor.get('/api/v1/sessions?limit=200'),
      await visitor.get(`/sessions/${session.id}/calendar.ics`),
      await visitor.get(`/hubs/${session.hubId}/calendar.ics`),
    ];
    for (const res of pages) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(room);
      expect(res.body).not.toContain('jitsi-test');
    }
    // Its organisers see which kind of room it is on the session form.
    const own = await admin.get(`/organiser/sessions/${session.id}/edit`);
    expect(text(own.body)).toContain('Meeting room: Jitsi Meet room');
    // An authorised API caller sees it where it sees joinUrl.
    const adminId = t.services.repos.organisers.credentials(ADMIN.email)!.organiser.id;
    const token = t.services.auth.createToken(adminId, 'rooms').token;
    const json = (await t.app.inject({ method: 'GET', url: `/api/v1/sessions/${session.id}`, headers: { authorization: `Bearer ${token}` } })).json<{ joinUrl: string; room: unknown }>();
    expect(json.joinUrl).toBe(session.joinUrl);
    expect(json.room).toEqual({ kind: 'jitsi', url: session.joinUrl, jitsiRoom: room, provider: 'jitsi' });
  });

  it('sends an invite whose CONFERENCE is the personal join link; the link redirects to the room with a signed token', async () => {
    const { registration: reg } = t.services.registrations.register(
      session.id,
      { name: 'Androulla Georgiou', email: 'androulla@example.org', organisation: 'Nicosia municipality', orgType: 'public', hubId: '', country: 'CY', language: 'en', zone: 'Asia/Nicosia', consent: 'on' },
      'api',
    );
    const fresh = must(t.services.repos.registrations.get(reg.id), 'the registration');
    await mail.drain();
    const joinLink = t.services.attendance.joinUrl(fresh);
    const withInvite = must(
      mail.sink.messages.filter((m) => m.envelope.rcptTo.includes('androulla@example.org')).find((m) => m.parsed.attachments.some((a) => a.contentType === 'text/calendar')),
      'the confirmation with the invite',
    );
    const ics = inviteOf(withInvite.parsed);
    expect(ics).not.toContain(must(session.jitsiRoom, 'the room'));
    expect(lineComplaints(ics)).toEqual([]);
    expect(await strictComplaints(ics)).toEqual([]);
    const event = must(ICAL.Component.fromString(ics).getFirstSubcomponent('vevent'), 'the event');
    const conference = must(event.getFirstProperty('conference'), 'CONFERENCE');
    expect(conference.getFirstValue()).toBe(joinLink);
    expect(ics.replace(/\r\n /g, '')).toContain(`\r\nCONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=Join online:${joinLink}\r\n`);
    expect(conference.getParameter('label')).toBe('Join online');
    expect(event.getFirstPropertyValue('url')).toBe(joinLink);
    expect(event.getFirstPropertyValue('location')).toBe(joinLink);

    // Inside the join window the personal link leads to the room, with a token for this person.
    t.clock.set('2026-03-30T06:50:00Z'); // 09:50 Athens, the session starts at 10:00
    const res = await t.app.inject({ method: 'GET', url: new URL(joinLink).pathname });
    expect(res.statusCode).toBe(302);
    const to = new URL(String(res.headers.location));
    expect(`${to.origin}${to.pathname}`).toBe(`${JITSI}/${session.jitsiRoom}`);
    const jwt = must(to.searchParams.get('jwt'), 'the jwt');
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(SECRET), { audience: 'jitsi', issuer: APP_ID, currentDate: new Date(t.clock.now()) });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe('meet.jitsi-test.example');
    expect(payload.room).toBe(session.jitsiRoom);
    expect(payload.context).toEqual({ user: { name: 'Androulla Georgiou' } });
    const end = must(session.endUtc, 'the end') / 1000;
    expect(must(payload.exp, 'exp')).toBeGreaterThan(end);
    expect(must(payload.exp, 'exp')).toBeLessThanOrEqual(end + 3600);
    expect(JSON.stringify(payload)).not.toContain('@');
    expect(t.services.repos.registrations.get(reg.id)!.attendedAt).not.toBeNull();
    // A forged token does not verify.
    await expect(jwtVerify(jwt, new TextEncoder().encode('another-secret-0123456789'))).rejects.toThrow();
  });

  it('keeps the choice and what was typed when a pasted address is refused', async () => {
    await admin.login(ADMIN.email, ADMIN.password); // the clock moved on: a new login session
    await admin.get('/organiser/sessions/new');
    const before = t.services.repos.sessions.list().length;
    const res = await admin.post('/organiser/sessions', sessionForm(t, { title: 'Kept as typed', roomKind: 'url', joinUrl: 'http://zoom.us/j/1' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<p class="error" id="f-joinUrl-error">Give an address starting with https://</p>');
    expect(res.body).toContain('href="#f-joinUrl"');
    expect(res.body).toContain('value="http://zoom.us/j/1"');
    expect(res.body).toMatch(/id="f-roomKind-url" name="roomKind" value="url" checked/);
    expect(res.body).not.toMatch(/id="f-roomKind-jitsi"[^>]* checked/);
    expect(res.body).not.toContain('undefined');
    expect(t.services.repos.sessions.list().length).toBe(before);
  });

  it('gives each session of a repeat its own room', async () => {
    const res = await admin.post('/organiser/sessions', sessionForm(t, { roomKind: 'jitsi', joinUrl: '', date: '2026-04-06', repeatFrequency: 'weekly', repeatInterval: '1', repeatCount: '3' }));
    expect(res.statusCode, text(res.body)).toBe(303);
    const seriesId = Number(must(/\/organiser\/series\/(\d+)/.exec(String(res.headers.location))?.[1], 'the series'));
    const rooms = t.services.repos.sessions.listBySeries(seriesId).map((s) => s.jitsiRoom);
    expect(rooms).toHaveLength(3);
    expect(new Set(rooms).size).toBe(3);
  });
});

describe('a pasted meeting address', () => {
  let t: TestApp;
  let admin: Browser;
  let token: string;

  beforeAll(async () => {
    t = await makeApp({ now: '2026-03-02T09:00:00Z' });
    admin = new Browser(t.app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);
    const adminId = t.services.repos.organisers.credentials(ADMIN.email)!.organiser.id;
    token = t.services.auth.createToken(adminId, 'rooms').token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const api = (method: 'POST' | 'PATCH', url: string, payload: unknown) =>
    t.app.inject({ method, url: `/api/v1${url}`, payload: JSON.stringify(payload), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

  it('refuses http:, javascript: and credentials beside the field, keeping what was typed; nothing stored', async () => {
    const before = t.services.repos.sessions.list().length;
    const cases: [string, string][] = [
      ['http://zoom.us/j/123456789', 'Give an address starting with https://'],
      ['javascript:alert(1)', 'Give an address starting with https://'],
      ['https://ana:secret@zoom.us/j/123456789', 'Give the address without a user name or password.'],
      [`https://zoom.us/j/${'1'.repeat(2000)}`, 'The address is too long: at most 2000 characters.'],
    ];
    for (const [url, message] of cases) {
      await admin.get('/organiser/sessions/new');
      const res = await admin.post('/organiser/sessions', sessionForm(t, { title: 'Refused room', joinUrl: url }));
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain(`<p class="error" id="f-joinUrl-error">${message}</p>`);
      expect(res.body).toContain('href="#f-joinUrl"');
      expect(res.body).toContain('value="Refused room"');
      const refused = await api('POST', '/sessions', { title: 'Refused room', hubId: 1, date: '2026-04-15', time: '11:00', zone: 'Europe/Vilnius', room: { kind: 'url', url } });
      expect(refused.statusCode, url).toBe(400);
      expect(fieldsOf(refused)).toContain('joinUrl');
    }
    expect(t.services.repos.sessions.list().length).toBe(before);
  });

  it('takes an https address, names the provider to organisers, and keeps it behind the join link', async () => {
    const zoom = 'https://us02web.zoom.us/j/81234567890?pwd=abc';
    const res = await admin.post('/organiser/sessions', sessionForm(t, { joinUrl: zoom }));
    expect(res.statusCode, text(res.body)).toBe(303);
    const id = idOf(res);
    expect(t.services.repos.sessions.get(id)).toMatchObject({ roomKind: 'url', jitsiRoom: null, joinUrl: zoom });
    expect(text((await admin.get(`/organiser/sessions/${id}/edit`)).body)).toContain('Meeting room: Zoom room');
    const visitor = await new Browser(t.app).get(`/sessions/${id}`);
    expect(visitor.body).not.toContain('zoom.us');
    const teams = await api('PATCH', `/sessions/${id}`, { room: { kind: 'url', url: 'https://teams.microsoft.com/l/meetup-join/abc' } });
    expect(teams.statusCode).toBe(200);
    expect(teams.json<{ room: unknown }>().room).toEqual({ kind: 'url', url: 'https://teams.microsoft.com/l/meetup-join/abc', provider: 'teams' });
  });

  it('does not offer a Jitsi room without JITSI_BASE_URL, and refuses one with a message', async () => {
    const form = await admin.get('/organiser/sessions/new');
    expect(form.body).not.toContain('name="roomKind"');
    const before = t.services.repos.sessions.list().length;
    const res = await admin.post('/organiser/sessions', sessionForm(t, { roomKind: 'jitsi', joinUrl: '' }));
    expect(res.statusCode).toBe(400);
    expect(text(res.body)).toContain('This site has no Jitsi server: paste a meeting link instead.');
    const refused = await api('POST', '/sessions', { title: 'No Jitsi here', hubId: 1, date: '2026-04-15', time: '11:00', zone: 'Europe/Vilnius', room: { kind: 'jitsi' } });
    expect(refused.statusCode).toBe(400);
    expect(fieldsOf(refused)).toContain('roomKind');
    expect(t.services.repos.sessions.list().length).toBe(before);
  });
});

describe('the Jitsi settings', () => {
  const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent/.env');

  it('take an https server, without its trailing slash; an app needs both its id and secret', () => {
    expect(load({}).jitsiBaseUrl).toBeUndefined();
    expect(load({ JITSI_BASE_URL: 'https://meet.example.org/' }).jitsiBaseUrl).toBe('https://meet.example.org');
    expect(load({ JITSI_BASE_URL: 'https://meet.example.org', JITSI_APP_ID: 'kairos', JITSI_APP_SECRET: SECRET }).jitsiApp).toEqual({ id: 'kairos', secret: SECRET });
  });

  it.each([
    ['JITSI_BASE_URL', { JITSI_BASE_URL: 'http://meet.example.org' }],
    ['JITSI_BASE_URL', { JITSI_BASE_URL: 'javascript:alert(1)' }],
    ['JITSI_BASE_URL', { JITSI_BASE_URL: 'https://user:pass@meet.example.org' }],
    ['JITSI_BASE_URL', { JITSI_BASE_URL: 'meet.example.org' }],
    ['JITSI_APP_SECRET', { JITSI_BASE_URL: 'https://meet.example.org', JITSI_APP_ID: 'kairos' }],
    ['JITSI_APP_ID', { JITSI_BASE_URL: 'https://meet.example.org', JITSI_APP_SECRET: SECRET }],
    ['JITSI_APP_ID', { JITSI_APP_ID: 'kairos', JITSI_APP_SECRET: SECRET }],
    ['JITSI_APP_SECRET', { JITSI_BASE_URL: 'https://meet.example.org', JITSI_APP_ID: 'kairos', JITSI_APP_SECRET: 'short' }],
  ])('stop the start naming %s when wrong', (variable, env) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(`Invalid configuration: ${variable}:`);
  });
});

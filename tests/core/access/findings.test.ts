/**
 * The two findings reported by hub organisers B (Greece) and C (Romania), replayed over HTTP on a real
 * port, with mail sent by the real dispatcher to a real SMTP sink:
 * 1. C put a tentative session in B's series, opened a date poll and invited "earlier registrants":
 *    C's poll page listed B's registrants and C's poll emailed them.
 * 3. A co-host took a session over with PATCH {hubId: C, coHostIds: []}, and in the web area could
 *    edit and cancel it and read all of its mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_SLUG } from '../../../src/seed/seed.js';
import { Dispatcher } from '../../../src/core/outbox/dispatcher.js';
import { RO_ORGANISER, text } from '../../helpers/app.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { makeWorld, relogin, snapshot, type AccessWorld, type Role } from './fixture.js';
import { createEmailKinds } from '../../../src/email-kinds.js';

let w: AccessWorld;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await SmtpSink.start();
  w = await makeWorld();
}, 120_000);

afterAll(async () => {
  await w?.t.close();
  await sink?.close();
});


/** Sends everything due through the real dispatcher; returns the addresses mail reached. */
async function deliver(): Promise<string[]> {
  sink.clear();
  const d = new Dispatcher({ registry: createEmailKinds(), db: w.t.db, clock: w.t.clock, config: { ...w.t.config, smtpUrl: sink.url }, concurrency: 1 });
  await d.runOnce();
  await d.stop();
  return sink.messages.flatMap((m) => m.envelope.rcptTo.map((a) => a.toLowerCase()));
}

/** A poll on a tentative session through the organiser pages: settings, one slot, invite earlier registrants. */
async function pollInvitingRegistrants(role: Role, sessionId: number): Promise<{ invited: number; page: string }> {
  const c = w.clients[role];
  const base = `/organiser/sessions/${sessionId}/poll`;
  expect((await c.get(base)).statusCode).toBe(200);
  expect((await c.post(base, { zone: 'Europe/Athens', deadlineDate: '', deadlineTime: '', reminderHours: '24' })).statusCode).toBe(303);
  await c.get(base);
  expect((await c.post(`${base}/slots`, { date: '2026-03-17', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60' })).statusCode).toBe(303);
  await c.get(base);
  const res = await c.post(`${base}/invite`, { registrants: 'on' });
  expect(res.statusCode).toBe(303);
  const invited = Number(/invited=(\d+)/.exec(res.headers.location ?? '')?.[1]);
  return { invited, page: (await c.get(base)).body };
}

describe('finding 1: no cross-hub disclosure through date polls', () => {
  const earlier = { name: 'Eleftheria Kosta', email: 'eleftheria.kosta@example.gr' };
  let seriesId: number;

  beforeAll(async () => {
    seriesId = w.t.services.repos.series.getBySlug(SERIES_SLUG)!.id;
    // B (the Greek hub) runs an earlier session of its series; a person registers and accepts follow-ups.
    const created = await w.clients.owner.json('POST', '/api/v1/sessions', { title: 'Open data in municipalities', seriesId, status: 'scheduled', date: '2026-01-20', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 }, w.tokens.owner);
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: number }>().id;
    w.t.services.registrations.register(id, { ...earlier, organisation: 'Municipality of Patras', orgType: 'public', hubId: w.hubs.gr, country: 'GR', language: 'el', zone: 'Europe/Athens', consent: true, followupConsent: true }, 'organiser');
    w.t.clock.set('2026-01-21T09:00:00Z');
    await relogin(w);
    await deliver(); // whatever the registration sent is not this test's business
  });

  it('refuses C a session in B\'s series (API and form: 400 naming seriesId), and creates nothing', async () => {
    const before = snapshot(w.t);
    const api = await w.clients.cohost.json('POST', '/api/v1/sessions', { title: 'Our poll', seriesId, status: 'tentative', approxMonth: '2026-03', zone: 'Europe/Bucharest' }, w.tokens.cohost);
    expect(api.statusCode).toBe(400);
    expect(api.json<{ fields: { field: string }[] }>().fields.map((f) => f.field)).toContain('seriesId');
    // The form offers C only the series C may use; B sees its own.
    const seriesSelect = (html: string) => /name="seriesId"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
    expect(seriesSelect((await w.clients.owner.get('/organiser/sessions/new')).body)).toContain(`<option value="${seriesId}"`);
    const offered = seriesSelect((await w.clients.cohost.get('/organiser/sessions/new')).body);
    expect(offered).toContain('<option value=""');
    expect(offered).not.toContain(`<option value="${seriesId}"`);
    const form = await w.clients.cohost.post('/organiser/sessions', { title: 'Our poll', seriesId: String(seriesId), hubId: String(w.hubs.ro), status: 'tentative', approxMonth: '2026-03', zone: 'Europe/Bucharest', durationMinutes: '60', language: 'ro', reminderOffsets: 'P1D' });
    expect(form.statusCode).toBe(400);
    expect(text(form.body)).toContain('Your hub can add sessions only to a series in which it already has sessions');
    expect(form.body).toContain('value="Our poll"');
    expect(snapshot(w.t)).toBe(before);
    // Moving one of its own sessions into the series is refused the same way.
    const own = await w.clients.cohost.json('POST', '/api/v1/sessions', { title: 'Our own', status: 'tentative', approxMonth: '2026-03', zone: 'Europe/Bucharest' }, w.tokens.cohost);
    expect(own.statusCode).toBe(201);
    const moved = await w.clients.cohost.json('PATCH', `/api/v1/sessions/${own.json<{ id: number }>().id}`, { seriesId }, w.tokens.cohost);
    expect(moved.statusCode).toBe(400);
    expect(w.t.services.repos.sessions.get(own.json<{ id: number }>().id)!.seriesId).toBeNull();
  });

  it('even in B\'s series by an administrator\'s leave, C\'s poll neither lists nor emails B\'s registrants', async () => {
    // The administrator puts a Romanian session in the series.
    const placed = await w.clients.admin.json('POST', '/api/v1/sessions', { title: 'Case studies, Romanian edition', hubId: w.hubs.ro, seriesId, status: 'tentative', approxMonth: '2026-03', zone: 'Europe/Bucharest' }, w.tokens.admin);
    expect(placed.statusCode).toBe(201);
    const { invited, page } = await pollInvitingRegistrants('cohost', placed.json<{ id: number }>().id);
    expect(invited).toBe(0);
    expect(page).not.toContain(earlier.email);
    expect(page).not.toContain(earlier.name);
    expect(await deliver()).not.toContain(earlier.email);
  });

  it('B\'s own poll in its series still reaches B\'s earlier registrants (the filter is by hub, not a blanket refusal)', async () => {
    const mine = await w.clients.owner.json('POST', '/api/v1/sessions', { title: 'Case studies, Greek edition', seriesId, status: 'tentative', approxMonth: '2026-03', zone: 'Europe/Athens' }, w.tokens.owner);
    expect(mine.statusCode).toBe(201);
    const { invited, page } = await pollInvitingRegistrants('owner', mine.json<{ id: number }>().id);
    expect(invited).toBe(1);
    expect(page).toContain(earlier.email);
    expect(await deliver()).toContain(earlier.email);
  });
});

describe('finding 3: a co-host cannot take a session over', () => {
  it('answers 403 to a co-host\'s PATCH {hubId, coHostIds}, changes nothing, and the owner keeps the session', async () => {
    const id = w.shared.id;
    const before = snapshot(w.t);
    const takeover = await w.clients.cohost.json('PATCH', `/api/v1/sessions/${id}`, { hubId: w.hubs.ro, coHostIds: [] }, w.tokens.cohost);
    expect(takeover.statusCode).toBe(403);
    expect(takeover.json<{ error: string }>().error).toBe('forbidden');
    expect((await w.clients.cohost.json('PATCH', `/api/v1/sessions/${id}`, { title: 'Renamed by a co-host' }, w.tokens.cohost)).statusCode).toBe(403);
    expect((await w.clients.cohost.json('POST', `/api/v1/sessions/${id}/cancel`, {}, w.tokens.cohost)).statusCode).toBe(403);
    expect(snapshot(w.t)).toBe(before);
    expect(w.t.services.repos.sessions.get(id)).toMatchObject({ hubId: w.hubs.gr, coHostIds: [w.hubs.ro], status: 'scheduled' });
    // The owner still manages it, co-hosts included.
    const owner = await w.clients.owner.json('PATCH', `/api/v1/sessions/${id}`, { title: 'Shared workshop on e-procurement (2nd call)' }, w.tokens.owner);
    expect(owner.statusCode).toBe(200);
    expect(owner.json<{ hubId: number }>().hubId).toBe(w.hubs.gr);
  });

  it('offers a co-host no edit or cancel in the organiser area, and refuses them there too', async () => {
    const id = w.shared.id;
    const co = (await w.clients.cohost.get('/organiser')).body;
    expect(co).toContain(`/organiser/sessions/${id}/registrations`);
    expect(co).not.toContain(`/organiser/sessions/${id}/edit`);
    expect(co).not.toContain(`/organiser/sessions/${id}/cancel`);
    const own = (await w.clients.owner.get('/organiser')).body;
    expect(own).toContain(`/organiser/sessions/${id}/edit`);
    expect(own).toContain(`/organiser/sessions/${id}/cancel`);
    const page = (await w.clients.cohost.get(`/sessions/${id}`)).body;
    expect(page).not.toContain(`/organiser/sessions/${id}/edit`);

    const before = snapshot(w.t);
    expect((await w.clients.cohost.get(`/organiser/sessions/${id}/edit`)).statusCode).toBe(403);
    await w.clients.cohost.get('/organiser');
    expect((await w.clients.cohost.post(`/organiser/sessions/${id}`, { title: 'Hijacked', hubId: String(w.hubs.ro), status: 'scheduled', date: '2026-02-10', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60', language: 'en' })).statusCode).toBe(403);
    await w.clients.cohost.get('/organiser');
    expect((await w.clients.cohost.post(`/organiser/sessions/${id}/cancel`, {})).statusCode).toBe(403);
    expect(snapshot(w.t)).toBe(before);
  });

  it('shows a co-host only the mail and the people of their own hub, and their messages reach only them', async () => {
    const { gr, ro } = w.people;
    const coMail = text((await w.clients.cohost.get('/organiser/mail')).body);
    expect(coMail).toContain(ro.email);
    expect(coMail).not.toContain(gr.email);
    expect((await w.clients.cohost.get(`/organiser/mail/${w.mail.gr}`)).statusCode).toBe(404);
    expect((await w.clients.cohost.get(`/organiser/mail/${w.mail.ro}`)).statusCode).toBe(200);
    const ownerMail = text((await w.clients.owner.get('/organiser/mail')).body);
    expect(ownerMail).toContain(gr.email);
    expect(ownerMail).toContain(ro.email);

    const list = text((await w.clients.cohost.get(`/organiser/sessions/${w.shared.id}/registrations`)).body);
    expect(list).toContain(ro.name);
    expect(list).not.toContain(gr.name);
    expect(list).not.toContain(w.people.it.name);

    // A co-host's message goes to the people who chose their hub, and nobody else.
    await deliver(); // what was queued before (the owner's update) goes out first
    await w.clients.cohost.get(`/organiser/sessions/${w.shared.id}/registrations`);
    expect((await w.clients.cohost.post(`/organiser/sessions/${w.shared.id}/message`, { subject: 'Informații practice', body: 'Ne vedem marți.', audience: 'confirmed' })).statusCode).toBe(303);
    const reached = await deliver();
    expect(sink.messages.map((m) => m.parsed.subject)).toContain('Informații practice');
    expect(reached).toContain(ro.email);
    expect(reached).not.toContain(gr.email);
    expect(reached).not.toContain(w.people.it.email);

    // Attendance (once the session starts): their hub's person yes; another hub's person is not found and stays unmarked.
    const now = w.t.clock.now();
    w.t.clock.set(w.shared.startUtc!);
    try {
      // The co-host's login of earlier has run out by then: a new one (not through the rate-limited form).
      w.clients.cohost.cookies.set('kairos_sid', w.t.services.auth.startSession(w.t.services.repos.organisers.credentials(RO_ORGANISER.email)!.organiser.id));
      await w.clients.cohost.get(`/organiser/sessions/${w.shared.id}/attendance`);
      expect((await w.clients.cohost.post(`/organiser/sessions/${w.shared.id}/attendance/${gr.id}`, { attended: 'yes' })).statusCode).toBe(404);
      expect(w.t.services.repos.registrations.get(gr.id)!.attendedAt).toBeNull();
      await w.clients.cohost.get(`/organiser/sessions/${w.shared.id}/attendance`);
      expect((await w.clients.cohost.post(`/organiser/sessions/${w.shared.id}/attendance/${ro.id}`, { attended: 'yes' })).statusCode).toBe(303);
      expect(w.t.services.repos.registrations.get(ro.id)!.attendedAt).not.toBeNull();
    } finally {
      w.t.clock.set(now);
    }
  });
});

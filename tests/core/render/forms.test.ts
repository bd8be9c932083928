/**
 * The request boundary of pages: forms only (415 for any other body, as a page in the visitor's
 * language), every field text (a list or an object is a 400 naming the field, or the form shown again
 * with the message beside it), nothing stored from a refused request. Finding 7 is reproduced through
 * HTTP on a real port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL } from '../../../src/core/access/index.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { Browser, GR_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let base: string;
let open: Session;

const registrations = () => (t.db.prepare('SELECT COUNT(*) AS n FROM registrations').get() as { n: number }).n;
const person = { name: 'Maria Papadopoulou', email: 'maria@example.org', organisation: 'Municipality of Patras', orgType: 'public', country: 'GR', language: 'el', zone: 'Europe/Athens', consent: 'on' };

beforeAll(async () => {
  t = await makeApp();
  const gr = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
  const hub = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!;
  open = t.services.sessions.create({ title: 'Open data for municipalities', hubId: hub.id, date: '2026-03-10', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false }, gr);
  base = await listen(t);
});

afterAll(async () => {
  await t.close();
});

describe('finding 7: JSON posted to the public registration form', () => {
  it('is refused with 415 as a page in the visitor’s language, and nothing is stored', async () => {
    const client = new HttpClient(base, { 'accept-language': 'el' });
    await client.get(`/sessions/${open.id}`);
    const before = registrations();
    const res = await client.request('POST', `/sessions/${open.id}/register`, {
      body: JSON.stringify({ _csrf: client.csrf(), ...person, name: { toString: 1 } }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': client.csrf() },
    });
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(text(res.body)).toContain('Αυτή η διεύθυνση δέχεται μόνο φόρμα');
    expect(text(res.body)).toContain('application/json');
    expect(registrations()).toBe(before);
  });

  it('refuses the other body types a page does not take (text, XML, multipart, no type)', async () => {
    const client = new HttpClient(base);
    await client.get(`/sessions/${open.id}`);
    const before = registrations();
    const csrf = client.csrf();
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-8', '']) {
      const body = new URLSearchParams({ _csrf: csrf, ...person }).toString();
      const res = await client.request('POST', `/sessions/${open.id}/register`, { body, headers: type ? { 'content-type': type } : { 'content-type': '' } });
      expect(res.statusCode, type).toBe(415);
      expect(text(res.body)).toContain('accepts only a form sent from its page');
    }
    expect(registrations()).toBe(before);
  });

  it('still registers a person who sends the form', async () => {
    const client = new HttpClient(base);
    await client.get(`/sessions/${open.id}`);
    const before = registrations();
    const res = await client.post(`/sessions/${open.id}/register`, { ...person, email: 'eleni@example.org' });
    expect(res.statusCode).toBe(303);
    expect(registrations()).toBe(before + 1);
  });
});

describe('every page route takes forms only', () => {
  it('answers 415 to a JSON body on each POST route outside the API, and JSON under /api/ keeps working', async () => {
    const routes = t.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((l) => /\(.*POST.*\)$/.test(l));
    expect(routes.length).toBeGreaterThan(30);
    const organiser = new Browser(t.app);
    await organiser.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await organiser.get('/organiser');
    const cookie = [...organiser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const urls = [`/sessions/${open.id}/register`, '/login', '/logout', '/organiser/sessions', `/organiser/sessions/${open.id}`, `/organiser/sessions/${open.id}/cancel`, `/organiser/sessions/${open.id}/attendance/import`, `/organiser/sessions/${open.id}/message`, `/organiser/sessions/${open.id}/questions`, `/organiser/sessions/${open.id}/poll`, '/organiser/tokens', '/organiser/mail/resume', '/r/abc/cancel', '/poll/abc'];
    for (const url of urls) {
      const res = await t.app.inject({ method: 'POST', url, payload: { _csrf: organiser.csrf(), title: 'x' }, headers: { cookie, 'x-csrf-token': organiser.csrf() } });
      expect(res.statusCode, url).toBe(415);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
    }
    expect(t.services.sessions.get(open.id).status).toBe('scheduled');
    const api = await t.app.inject({ method: 'POST', url: `/api/v1/sessions/${open.id}/registrations`, payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(api.statusCode).toBe(415);
    expect(api.json()).toMatchObject({ error: 'content_type', field: 'content-type' });
  });
});

describe('every form field is text', () => {
  it('shows the registration form again when a field is sent twice, naming it, with the rest kept', async () => {
    const b = new Browser(t.app);
    await b.get(`/sessions/${open.id}`);
    const before = registrations();
    const res = await b.post(`/sessions/${open.id}/register`, { ...person, email: 'twice@example.org', name: ['Maria', 'Eleni'] });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<p class="error" id="f-name-error">This value was not sent as text/);
    expect(res.body).toContain('value="twice@example.org"');
    expect(registrations()).toBe(before);
  });

  it('shows the session form again when the title is sent twice, and keeps what was typed', async () => {
    const b = new Browser(t.app);
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/sessions/new');
    const count = t.services.sessions.list().length;
    const res = await b.post('/organiser/sessions', { title: ['One', 'Two'], description: 'Kept text', date: '2026-04-01', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="f-title-error">This value was not sent as text/);
    expect(res.body).toMatch(/<textarea id="f-description"[^>]*>Kept text<\/textarea>/);
    expect(t.services.sessions.list().length).toBe(count);
  });

  it('shows the update form again naming the field sent twice, and queues no email', async () => {
    const b = new Browser(t.app);
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get(`/organiser/sessions/${open.id}/registrations`);
    const outbox = (t.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    const res = await b.post(`/organiser/sessions/${open.id}/message`, { subject: ['A', 'B'], body: 'Hello everyone' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="msg-subject-error">This value was not sent as text/);
    expect(res.body).toMatch(/<textarea id="msg-body"[^>]*>Hello everyone<\/textarea>/);
    expect((t.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(outbox);
  });

  it('answers an HTML page naming the field where a form has no place for a message (marking attendance)', async () => {
    const reg = must(t.services.registrations.list(open.id, ALL, { status: 'confirmed' })[0], 'a confirmed registration');
    const b = new Browser(t.app, { 'accept-language': 'it' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get(`/organiser/sessions/${open.id}/attendance`);
    const res = await b.post(`/organiser/sessions/${open.id}/attendance/${reg.id}`, { attended: ['yes', 'no'] });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(text(res.body)).toContain('I seguenti campi non sono stati inviati come testo, come li invia il modulo: attended.');
    expect(t.services.registrations.get(reg.id).attendedAt).toBeNull();
  });

  it('leaves empty textareas empty (no "undefined"): session description, update message, question choices', async () => {
    const b = new Browser(t.app);
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const form = await b.get('/organiser/sessions/new');
    expect(form.body).toMatch(/<textarea id="f-description"[^>]*><\/textarea>/);
    const regs = await b.get(`/organiser/sessions/${open.id}/registrations`);
    expect(regs.body).toMatch(/<textarea id="msg-body"[^>]*><\/textarea>/);
    expect(regs.body).toMatch(/<textarea id="f-options"[^>]*><\/textarea>/);
    expect(regs.body).not.toContain('>undefined<');
  });
});

describe('the API refuses wrong JSON types with 400 naming the field', () => {
  it('objects, lists and nulls where text is expected, and numbers out of range', async () => {
    const before = registrations();
    const post = (body: unknown) => t.app.inject({ method: 'POST', url: `/api/v1/sessions/${open.id}/registrations`, payload: body as object });
    const ok = { ...person, email: 'api@example.org', consent: true };
    for (const [field, value] of [['name', { toString: 1 }], ['email', ['a@example.org', 'b@example.org']], ['zone', { __proto__: { polluted: true } }], ['hubId', 1e308], ['consent', null], ['answers', { '1': { toString: 1 } }]] as const) {
      const res = await post({ ...ok, [field]: value });
      expect(res.statusCode, field).toBe(400);
      expect(res.json<{ fields: { field: string }[] }>().fields.map((f) => f.field.split('.')[0]), field).toContain(field);
    }
    expect(registrations()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a session sent with the wrong types is refused field by field, and nothing is created or changed', async () => {
    const gr = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    const authorization = `Bearer ${t.services.auth.createToken(gr.id, 'types').token}`;
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const ok = { title: 'Typed', hubId, date: '2026-05-05', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 };
    const count = t.services.sessions.list().length;
    const sequence = t.services.sessions.get(open.id).sequence;
    for (const [field, value] of [['title', { toString: 1 }], ['zone', ['Europe/Athens', 'Europe/Rome']], ['durationMinutes', 1e308], ['capacity', 2 ** 53 + 2], ['coHostIds', [{ id: 1 }]], ['hubId', { valueOf: 1 }], ['status', null], ['reminderOffsets', [{}]]] as const) {
      for (const [method, url] of [['POST', '/api/v1/sessions'], ['PATCH', `/api/v1/sessions/${open.id}`]] as const) {
        const res = await t.app.inject({ method, url, payload: { ...ok, [field]: value }, headers: { authorization } });
        expect(res.statusCode, `${method} ${field}`).toBe(400);
        expect(res.json<{ fields: { field: string }[] }>().fields.map((f) => f.field.split('.')[0]), `${method} ${field}`).toContain(field);
      }
    }
    expect(t.services.sessions.list().length).toBe(count);
    expect(t.services.sessions.get(open.id).sequence).toBe(sequence);
  });
});

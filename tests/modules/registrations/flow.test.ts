import { ALL } from '../../../src/core/access/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, makeApp, text, type TestApp } from '../../helpers/app.js';
import { must } from '../../helpers/must.js';
import { newSession as sharedSession } from '../../helpers/sessions.js';

/** A 400 answer of the API: the fields it names. */
interface FieldErrors {
  fields: { field: string }[];
}

let t: TestApp;
let admin: ReturnType<TestApp['services']['repos']['organisers']['get']>;
beforeAll(async () => {
  // Every registration here comes from one address; the rate limits have their own tests (tests/abuse/).
  t = await makeApp({ now: '2026-03-01T09:00:00Z', env: { REGISTRATION_RATE_PER_IP: '100' } });
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
});
afterAll(() => t.close());

const newSession = (extra: Record<string, unknown> = {}) => sharedSession(t, { title: 'Case study: digital public services in Vilnius', ...extra });

const person = (n: number, extra: Record<string, string> = {}) => ({
  name: `Person ${n}`,
  email: `person${n}@example.org`,
  organisation: 'Municipality',
  orgType: 'public',
  hubId: '',
  country: 'LT',
  language: 'en',
  zone: 'Europe/Vilnius',
  consent: 'on',
  ...extra,
});

/** The registration's emails, reminders left out (they have tests of their own). */
const outbox = (registrationId: number) =>
  t.db.prepare("SELECT kind, recipient_email FROM outbox WHERE registration_id = ? AND kind <> 'reminder' ORDER BY id").all(registrationId) as { kind: string; recipient_email: string }[];

async function registerViaForm(sessionId: number, form: Record<string, string>, headers: Record<string, string> = { 'accept-language': 'en' }) {
  const b = new Browser(t.app, headers);
  await b.get(`/sessions/${sessionId}`);
  const res = await b.post(`/sessions/${sessionId}/register`, form);
  return { b, res };
}

/** The manage token a registration's emails carry (derived by the service, as the renderer does). */
const tokenOf = (id: number) => t.services.registrations.tokenFor(t.services.repos.registrations.get(id)!);

describe('registering from the session page', () => {
  it('double opt-in: pending until the emailed link is used, then confirmed', async () => {
    const s = newSession();
    const { res } = await registerViaForm(s.id, person(1));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${s.id}/registered?outcome=pending`);
    const reg = t.services.repos.registrations.getByEmail(s.id, 'person1@example.org')!;
    expect(reg.status).toBe('pending');
    expect(reg.consentVersion).toBe('2026-11');
    expect(reg.followupConsent).toBe(false);
    expect(outbox(reg.id).map((r) => r.kind)).toEqual(['registration.received']);
    // opening the link changes nothing; the button (POST) confirms
    const b = new Browser(t.app, { 'accept-language': 'en' });
    const page = await b.get(`/r/${tokenOf(reg.id)}/confirm`);
    expect(page.statusCode).toBe(200);
    expect(t.services.repos.registrations.get(reg.id)!.status).toBe('pending');
    const done = await b.post(`/r/${tokenOf(reg.id)}/confirm`, {});
    expect(done.statusCode).toBe(303);
    expect(t.services.repos.registrations.get(reg.id)!.status).toBe('confirmed');
    expect(outbox(reg.id).map((r) => r.kind)).toEqual(['registration.received', 'registration.confirmed']);
  });

  it('shows the form again with each error beside its field and what was typed kept', async () => {
    const s = newSession();
    const { res } = await registerViaForm(s.id, { ...person(2), email: 'not-an-email', country: 'XX', consent: '', zone: 'Etc/GMT+2', name: 'Ρένα <i>Παππά</i>' });
    expect(res.statusCode).toBe(400);
    for (const f of ['email', 'country', 'consent', 'zone']) expect(res.body).toContain(`id="f-${f}-error"`);
    expect(res.body).toContain('value="Ρένα &lt;i&gt;Παππά&lt;/i&gt;"');
    expect(res.body).toContain('value="not-an-email"');
    expect(t.services.repos.registrations.list(s.id, ALL)).toHaveLength(0);
  });

  it('puts the error summary at the top of the page, linked to each field, before the heading', async () => {
    const s = newSession();
    const { res } = await registerViaForm(s.id, { ...person(3), email: 'not-an-email', consent: '' });
    expect(res.statusCode).toBe(400);
    const summaryAt = res.body.indexOf('id="form-errors"');
    expect(summaryAt).toBeGreaterThan(res.body.indexOf('<main'));
    expect(summaryAt).toBeLessThan(res.body.indexOf('<h1'));
    const summary = must(/<div class="alert error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(res.body), 'the error summary');
    expect(summary[0]).toContain('autofocus');
    expect(summary[1]).toContain('href="#f-email"');
    expect(summary[1]).toContain('href="#f-consent"');
    // One summary only.
    expect(res.body.match(/id="form-errors"/g)).toHaveLength(1);
  });

  it('says whose zone the time is in: "your" only when the browser told the zone', async () => {
    const s = newSession();
    const visitor = new Browser(t.app, { 'accept-language': 'en' });
    const label = (body: string) => text(must(/<strong id="viewer-time-label"[^>]*>([\s\S]*?)<\/strong>/.exec(body)?.[1], 'the time label'));
    const unknown = await visitor.get(`/sessions/${s.id}`);
    expect(label(unknown.body)).toBe('In Europe/Vilnius time');
    expect(text(unknown.body)).not.toContain('In your time zone');
    const told = await visitor.get(`/sessions/${s.id}`, { cookie: 'kairos_tz=America/New_York' });
    expect(label(told.body)).toBe('In your time zone');
    expect(text(told.body)).toContain('America/New York');
  });

  it('takes a city for the time zone, and starts the zone field at the zone the browser\'s language means', async () => {
    const s = newSession({ doubleOptIn: false });
    const form = await new Browser(t.app, { 'accept-language': 'pt-PT,pt;q=0.9' }).get(`/sessions/${s.id}`);
    expect(form.body).toMatch(/<select id="f-zone" name="zone" data-zone-picker[^>]*>/);
    expect(form.body).toMatch(/<option value="Europe\/Lisbon" selected>/);
    const { res } = await registerViaForm(s.id, person(4, { zone: 'Bucharest' }));
    expect(res.statusCode).toBe(303);
    expect(t.services.repos.registrations.list(s.id, ALL).map((r) => r.zone)).toEqual(['Europe/Bucharest']);
  });

  it('strips line breaks and control characters from names and organisations', async () => {
    const s = newSession({ doubleOptIn: false });
    await registerViaForm(s.id, { ...person(3), name: 'Eve\r\nBcc: victim@example.org', organisation: 'Org\u0000\u0007 Ltd\n' });
    const reg = t.services.repos.registrations.getByEmail(s.id, 'person3@example.org')!;
    expect(reg.name).toBe('Eve Bcc: victim@example.org');
    expect(reg.organisation).toBe('Org Ltd');
  });

  it('the same email in another letter case does not register twice; the link is sent again', async () => {
    const s = newSession({ doubleOptIn: false });
    await registerViaForm(s.id, person(4));
    const { res } = await registerViaForm(s.id, { ...person(4), email: 'PERSON4@Example.ORG', name: 'Someone else' });
    expect(res.headers.location).toBe(`/sessions/${s.id}/registered?outcome=duplicate`);
    const list = t.services.repos.registrations.list(s.id, ALL);
    expect(list).toHaveLength(1);
    const only = must(list[0], 'the registration');
    expect(only.name).toBe('Person 4');
    expect(outbox(only.id).map((r) => r.kind)).toEqual(['registration.confirmed', 'registration.link']);
    // a third attempt within the hour does not send another email
    await registerViaForm(s.id, person(4));
    expect(outbox(only.id)).toHaveLength(2);
  });

  it('refuses registration for a cancelled or past session', async () => {
    const s = newSession();
    t.services.sessions.cancel(s.id, admin!);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    const page = await b.get(`/sessions/${s.id}`);
    expect(text(page.body)).toContain('Registration is closed for this session.');
    expect(page.body).not.toContain('id="register-form"');
    // a post made anyway (with a valid CSRF token from another page) is refused with the reason shown
    await b.get('/login');
    const res = await b.post(`/sessions/${s.id}/register`, person(5));
    expect(res.statusCode).toBe(409);
    expect(text(res.body)).toContain('Registration is closed for this session.');
    const past = newSession({ date: '2026-03-02', time: '10:00' });
    t.clock.set('2026-03-03T09:00:00Z');
    await b.get('/login');
    expect((await b.post(`/sessions/${past.id}/register`, person(5))).statusCode).toBe(409);
    t.clock.set('2026-03-01T09:00:00Z');
    expect(t.services.repos.registrations.list(s.id, ALL)).toHaveLength(0);
    expect(t.services.repos.registrations.list(past.id, ALL)).toHaveLength(0);
  });
});

describe('capacity and waitlist', () => {
  it('fills exactly the capacity, then the waitlist in order; a cancellation promotes the first in line', () => {
    const s = newSession({ capacity: 2, doubleOptIn: false });
    for (let i = 10; i < 14; i++) t.services.registrations.register(s.id, person(i), 'api');
    const by = () => Object.fromEntries(t.services.repos.registrations.list(s.id, ALL).map((r) => [String(r.email), r.status]));
    expect(by()).toEqual({
      'person10@example.org': 'confirmed',
      'person11@example.org': 'confirmed',
      'person12@example.org': 'waitlisted',
      'person13@example.org': 'waitlisted',
    });
    const first = t.services.repos.registrations.getByEmail(s.id, 'person10@example.org')!;
    t.services.registrations.cancel(first);
    expect(by()['person12@example.org']).toBe('confirmed');
    expect(by()['person13@example.org']).toBe('waitlisted');
    const promoted = t.services.repos.registrations.getByEmail(s.id, 'person12@example.org')!;
    expect(outbox(promoted.id).map((r) => r.kind)).toEqual(['registration.waitlisted', 'registration.promoted']);
    expect(outbox(first.id).map((r) => r.kind)).toEqual(['registration.confirmed', 'registration.cancelled']);
  });

  it('cancelling and registering again raise the calendar SEQUENCE each time, so each new invite outranks the last', () => {
    const s = newSession({ doubleOptIn: false });
    const seq = () => t.services.repos.sessions.get(s.id)!.sequence;
    const first = t.services.registrations.register(s.id, person(25), 'api').registration;
    const s0 = seq();
    t.services.registrations.cancel(first);
    expect(seq()).toBe(s0 + 1); // the person's CANCEL
    const again = t.services.registrations.register(s.id, person(25), 'api');
    expect(again.outcome).toBe('confirmed');
    expect(again.registration.id).toBe(first.id);
    expect(seq()).toBe(s0 + 2); // the new REQUEST
    // someone who never held a confirmed seat leaves no trace in the SEQUENCE
    const cap = newSession({ doubleOptIn: false, capacity: 1 });
    t.services.registrations.register(cap.id, person(26), 'api');
    const waiting = t.services.registrations.register(cap.id, person(27), 'api').registration;
    const c0 = t.services.repos.sessions.get(cap.id)!.sequence;
    t.services.registrations.cancel(waiting);
    expect(t.services.repos.sessions.get(cap.id)!.sequence).toBe(c0);
  });

  it('raising the capacity lets the waitlist in', () => {
    const s = newSession({ capacity: 1, doubleOptIn: false });
    for (let i = 20; i < 23; i++) t.services.registrations.register(s.id, person(i), 'api');
    t.services.sessions.update(s.id, { capacity: 2 }, admin!);
    expect(t.services.repos.registrations.statusCounts(s.id)).toMatchObject({ confirmed: 2, waitlisted: 1 });
  });

  it('a pending seat expires after the hold and goes to the waitlist (moved clock)', () => {
    const s = newSession({ capacity: 1 });
    t.services.registrations.register(s.id, person(30), 'form');
    t.services.registrations.register(s.id, person(31), 'form');
    const a = t.services.repos.registrations.getByEmail(s.id, 'person30@example.org')!;
    const b = t.services.repos.registrations.getByEmail(s.id, 'person31@example.org')!;
    expect([a.status, b.status]).toEqual(['pending', 'waitlisted']);
    // b confirms their address while waiting
    t.services.registrations.confirm(tokenOf(b.id));
    expect(t.services.registrations.expireHolds()).toEqual({ expired: 0, promoted: 0 });
    t.clock.advance(t.config.pendingHoldHours * 3_600_000 + 1);
    expect(t.services.registrations.expireHolds()).toEqual({ expired: 1, promoted: 1 });
    expect(t.services.repos.registrations.get(a.id)!.status).toBe('expired');
    expect(t.services.repos.registrations.get(b.id)!.status).toBe('confirmed');
    t.clock.advance(-(t.config.pendingHoldHours * 3_600_000 + 1));
  });
});

describe('the personal manage link', () => {
  it('GET changes nothing, is not cached and sends no referrer', async () => {
    const s = newSession({ doubleOptIn: false });
    const reg = t.services.registrations.register(s.id, person(40, { zone: 'Atlantic/Canary' }), 'api').registration;
    const before = JSON.stringify(t.services.repos.registrations.get(reg.id));
    const outboxBefore = outbox(reg.id).length;
    const b = new Browser(t.app, { 'accept-language': 'en' });
    for (let i = 0; i < 3; i++) {
      const res = await b.get(`/r/${tokenOf(reg.id)}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toContain('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      // times in the person's own zone, naming it
      expect(text(res.body)).toContain('Wednesday, 15 April 2026, 09:00 (Atlantic/Canary, UTC+01:00)');
    }
    await b.get(`/r/${tokenOf(reg.id)}/confirm`);
    expect(JSON.stringify(t.services.repos.registrations.get(reg.id))).toBe(before);
    expect(outbox(reg.id)).toHaveLength(outboxBefore);
  });

  it('a POST without the CSRF token is refused (403); an unknown or another person\'s token is 404', async () => {
    const s = newSession({ doubleOptIn: false });
    const reg = t.services.registrations.register(s.id, person(41), 'api').registration;
    const b = new Browser(t.app);
    await b.get(`/r/${tokenOf(reg.id)}`);
    expect((await b.post(`/r/${tokenOf(reg.id)}/cancel`, {}, { csrf: false })).statusCode).toBe(403);
    expect(t.services.repos.registrations.get(reg.id)!.status).toBe('confirmed');
    const fake = tokenOf(reg.id).slice(0, -4) + (tokenOf(reg.id).endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const other = t.services.registrations.register(s.id, person(46), 'api').registration;
    await b.get(`/r/${tokenOf(reg.id)}`);
    expect((await b.post(`/r/${fake}/cancel`, {})).statusCode).toBe(404);
    expect((await b.get(`/r/${fake}`)).statusCode).toBe(404);
    // one person's token never opens another's registration
    const mine = text((await b.get(`/r/${tokenOf(other.id)}`)).body);
    expect(mine).toContain('person46@example.org');
    expect(mine).not.toContain('person41@example.org');
    expect((await b.get('/r/short')).statusCode).toBe(404);
    expect(t.services.repos.registrations.get(reg.id)!.status).toBe('confirmed');
  });

  it('changes language and zone, and cancels with a POST', async () => {
    const s = newSession({ doubleOptIn: false });
    const reg = t.services.registrations.register(s.id, person(42), 'api').registration;
    const b = new Browser(t.app);
    await b.get(`/r/${tokenOf(reg.id)}`);
    expect((await b.post(`/r/${tokenOf(reg.id)}/preferences`, { language: 'el', zone: 'Asia/Nicosia', followupConsent: 'on' })).statusCode).toBe(303);
    const r = t.services.repos.registrations.get(reg.id)!;
    expect([r.language, r.zone, r.followupConsent]).toEqual(['el', 'Asia/Nicosia', true]);
    const page = text((await b.get(`/r/${tokenOf(reg.id)}`)).body);
    expect(page).toContain('Τετάρτη 15 Απριλίου 2026, 11:00 (Asia/Nicosia, UTC+03:00)');
    const bad = await b.post(`/r/${tokenOf(reg.id)}/preferences`, { language: 'el', zone: 'Nowhere/Land' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-zone-error"');
    await b.get(`/r/${tokenOf(reg.id)}`);
    expect((await b.post(`/r/${tokenOf(reg.id)}/cancel`, {})).statusCode).toBe(303);
    expect(t.services.repos.registrations.get(reg.id)!.status).toBe('cancelled');
  });

  it('export gives the person\'s data; erasure leaves no personal data anywhere, outbox included', async () => {
    const s = newSession({ doubleOptIn: false, capacity: 1 });
    const reg = t.services.registrations.register(s.id, person(43, { name: 'Μαρία Erasable', organisation: 'Secret Org' }), 'api').registration;
    const next = t.services.registrations.register(s.id, person(44), 'api').registration;
    const token = tokenOf(reg.id);
    const b = new Browser(t.app);
    await b.get(`/r/${token}`);
    const exp = await b.post(`/r/${token}/export`, {});
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-disposition']).toContain('attachment');
    const data = JSON.parse(exp.body) as { registration: unknown; emails: { kind: string; to: string }[] };
    expect(data.registration).toMatchObject({ name: 'Μαρία Erasable', email: 'person43@example.org', organisation: 'Secret Org', privacyNoticeVersion: '2026-11' });
    expect(data.emails.map((m) => m.kind)).toEqual(['registration.confirmed', 'reminder', 'reminder']);
    expect(data.emails[0]?.to).toBe('person43@example.org');
    await b.get(`/r/${token}`);
    expect((await b.post(`/r/${token}/erase`, {})).statusCode).toBe(303);
    // nothing left that names the person, in any table
    const dump = JSON.stringify([
      t.db.prepare('SELECT * FROM registrations').all(),
      t.db.prepare('SELECT * FROM outbox').all(),
    ]);
    for (const needle of ['person43@example.org', 'Erasable', 'Secret Org', 'Μαρία']) expect(dump).not.toContain(needle);
    expect((await b.get(`/r/${token}`)).statusCode).toBe(404);
    // the counts survive, and the freed seat went to the next person
    const erased = t.services.repos.registrations.get(reg.id)!;
    expect([erased.country, erased.orgType, erased.status]).toEqual(['LT', 'public', 'cancelled']);
    expect(t.services.repos.registrations.get(next.id)!.status).toBe('confirmed');
  });

  it('retention: registrations are anonymised RETENTION_DAYS after the session', () => {
    const s = newSession({ doubleOptIn: false });
    t.services.registrations.register(s.id, person(45), 'api');
    const saved = t.clock.now();
    t.clock.set(s.endUtc! + (t.config.retentionDays - 1) * 86_400_000);
    expect(t.services.registrations.anonymiseExpired()).toBe(0);
    t.clock.set(s.endUtc! + t.config.retentionDays * 86_400_000 + 1);
    expect(t.services.registrations.anonymiseExpired()).toBeGreaterThanOrEqual(1);
    expect(t.services.repos.registrations.getByEmail(s.id, 'person45@example.org')).toBeUndefined();
    expect(t.services.repos.registrations.list(s.id, ALL)[0]).toMatchObject({ email: null, name: '', country: 'LT' });
    t.clock.set(saved);
  });
});

describe('the JSON API', () => {
  it('registers without a token and never returns the manage link', async () => {
    const s = newSession();
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/sessions/${s.id}/registrations`, payload: { ...person(50), consent: true, hubId: null } });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{ id: number; status: string }>();
    expect(created.status).toBe('pending');
    expect(res.body).not.toContain(tokenOf(created.id));
    const dup = await t.app.inject({ method: 'POST', url: `/api/v1/sessions/${s.id}/registrations`, payload: { ...person(50), email: 'Person50@example.org', consent: true } });
    expect(dup.statusCode).toBe(200);
    expect(dup.json<{ status: string }>().status).toBe('duplicate');
  });

  it('answers 400 naming the fields', async () => {
    const s = newSession();
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/sessions/${s.id}/registrations`, payload: { ...person(51), consent: false, email: 'x@', country: 'ZZ' } });
    expect(res.statusCode).toBe(400);
    expect(res.json<FieldErrors>().fields.map((f) => f.field).sort()).toEqual(['consent', 'country', 'email']);
    const typed = await t.app.inject({ method: 'POST', url: `/api/v1/sessions/${s.id}/registrations`, payload: { ...person(51), consent: true, orgType: 'alien' } });
    expect(typed.statusCode).toBe(400);
    expect(typed.json<FieldErrors>().fields.map((f) => f.field)).toContain('orgType');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let sessionId: number;
beforeAll(async () => {
  t = await makeApp({ now: '2026-03-01T09:00:00Z' });
  const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  const s = t.services.sessions.create(
    { title: 'Registrations test', hubId: t.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id, date: '2026-04-20', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, capacity: 3, doubleOptIn: false },
    admin,
  );
  sessionId = s.id;
  const hub = (slug: string) => String(t.services.repos.hubs.getBySlug(slug)!.id);
  const people = [
    { name: '=HYPERLINK("http://evil.example","click")', email: 'formula@example.org', organisation: '+SUM(A1:A9)', orgType: 'sme', hubId: hub('dih4society'), country: 'RO' },
    { name: 'Γιώργος Παπαδόπουλος', email: 'giorgos@example.org', organisation: '@cmd', orgType: 'public', hubId: hub('gr-digigov-innohub'), country: 'GR' },
    { name: 'Ana Pop', email: 'ana.pop@example.org', organisation: '-minus', orgType: 'public', hubId: hub('dih4society'), country: 'RO' },
    { name: 'Jonas', email: 'jonas@example.org', organisation: 'Vilnius city', orgType: 'research', hubId: '', country: 'LT' },
    { name: 'Marta', email: 'marta@example.org', organisation: 'Ayuntamiento', orgType: 'ngo', hubId: '', country: 'ES' },
  ];
  for (const p of people) t.services.registrations.register(s.id, { ...p, language: 'en', zone: 'Europe/Athens', consent: true }, 'api');
});
afterAll(() => t.close());

async function asAdmin() {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  await b.login(ADMIN.email, ADMIN.password);
  return b;
}

describe('the organiser registrations page', () => {
  it('lists people with counts per country, hub and organisation type', async () => {
    const b = await asAdmin();
    const res = await b.get(`/organiser/sessions/${sessionId}/registrations`);
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Confirmed: 3');
    expect(page).toContain('On the waitlist: 2');
    // The organiser's words: about the people registered, not as if the organiser were one of them.
    expect(page).toContain('Awaiting the person’s confirmation: 0');
    expect(page).toContain('The person’s time zone');
    expect(page).not.toMatch(/your confirmation|your time zone/i);
    const byCountry = must(/<table class="counts-table" id="counts-byCountry">([\s\S]*?)<\/table>/.exec(res.body)?.[1], 'the table by country');
    expect(text(byCountry)).toContain('Romania 2 0 0');
    expect(text(byCountry)).toContain('Spain 0 1 0');
    const byHub = text(must(/id="counts-byHub">([\s\S]*?)<\/table>/.exec(res.body)?.[1], 'the table by hub'));
    expect(byHub).toContain('DIH4Society 2 0 0');
    expect(byHub).toContain('None of the hubs 0 2 0');
  });

  it('filters by status, hub, country and organisation type', async () => {
    const b = await asAdmin();
    const rows = async (q: string) => {
      const body = (await b.get(`/organiser/sessions/${sessionId}/registrations?${q}`)).body;
      const table = /<table class="list" id="registrations">([\s\S]*?)<\/table>/.exec(body);
      return table ? (must(table[1], 'the registrations table').match(/<tr>/g) ?? []).length - 1 : 0;
    };
    expect(await rows('status=waitlisted')).toBe(2);
    expect(await rows('country=RO')).toBe(2);
    expect(await rows('orgType=public')).toBe(2);
    expect(await rows(`hub=${t.services.repos.hubs.getBySlug('dih4society')!.id}&orgType=sme`)).toBe(1);
    expect(await rows('hub=none')).toBe(2);
  });

  it('exports CSV with formula cells neutralised and UTF-8 names intact', async () => {
    const b = await asAdmin();
    const res = await b.get(`/organiser/sessions/${sessionId}/registrations.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const body = res.body.replace(/^\uFEFF/, '');
    const lines = body.trim().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(must(lines[0], 'the CSV header').split(',').slice(0, 4)).toEqual(['id', 'status', 'name', 'email']);
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(body).toContain("'+SUM(A1:A9)");
    expect(body).toContain("'@cmd");
    expect(body).toContain("'-minus");
    expect(body).toContain('Γιώργος Παπαδόπουλος');
    // no cell starts with a formula character
    for (const line of lines) for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
  });

  it('adds a person by hand, cancels one, and moves the first of the waitlist up', async () => {
    const b = await asAdmin();
    await b.get(`/organiser/sessions/${sessionId}/registrations`);
    const add = await b.post(`/organiser/sessions/${sessionId}/registrations`, { name: 'Walk-in', email: 'walkin@example.org', orgType: 'other', country: 'CY', zone: 'Asia/Nicosia', language: 'el', consent: 'on' });
    expect(add.statusCode).toBe(303);
    expect(t.services.repos.registrations.getByEmail(sessionId, 'walkin@example.org')!.status).toBe('waitlisted');
    const bad = await b.post(`/organiser/sessions/${sessionId}/registrations`, { name: 'X', email: 'broken', orgType: 'other', country: 'CY', zone: 'Asia/Nicosia', consent: 'on' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-email-error"');
    expect(bad.body).toContain('value="broken"');
    const full = t.services.repos.registrations.getByEmail(sessionId, 'jonas@example.org')!;
    // Every seat is taken: "Give a place" is not offered, and a forced one says why at the top.
    const listed = await b.get(`/organiser/sessions/${sessionId}/registrations`);
    expect(listed.body).not.toContain(`/registrations/${full.id}/promote`);
    const forced = await b.post(`/organiser/sessions/${sessionId}/registrations/${full.id}/promote`, {});
    expect(forced.statusCode).toBe(409);
    const summary = must(/<div class="alert error-summary"[^>]*id="form-errors"[^>]*>([\s\S]*?)<\/div>/.exec(forced.body)?.[1], 'the error summary');
    expect(text(summary)).toContain('Every place is taken');
    expect(forced.body).not.toContain('Something went wrong');
    expect(forced.body.indexOf('id="form-errors"')).toBeLessThan(forced.body.indexOf('<h1>'));
    const ana = t.services.repos.registrations.getByEmail(sessionId, 'ana.pop@example.org')!;
    await b.get(`/organiser/sessions/${sessionId}/registrations`);
    expect((await b.post(`/organiser/sessions/${sessionId}/registrations/${ana.id}/cancel`, {})).statusCode).toBe(303);
    expect(t.services.repos.registrations.get(ana.id)!.status).toBe('cancelled');
    // the first in line (Jonas) took the seat
    expect(t.services.repos.registrations.get(full.id)!.status).toBe('confirmed');
  });

  it('adds a custom question that then appears on the public form and is required', async () => {
    const b = await asAdmin();
    await b.get(`/organiser/sessions/${sessionId}/registrations`);
    expect((await b.post(`/organiser/sessions/${sessionId}/questions`, { label: 'Which case study interests you?', kind: 'choice', options: 'e-invoicing\nAI triage', required: 'on' })).statusCode).toBe(303);
    const q = must(t.services.repos.registrations.questions(sessionId)[0], 'the question just added');
    const visitor = new Browser(t.app, { 'accept-language': 'en' });
    const page = await visitor.get(`/sessions/${sessionId}`);
    expect(text(page.body)).toContain('Which case study interests you?');
    const res = await visitor.post(`/sessions/${sessionId}/register`, { name: 'Q', email: 'q@example.org', orgType: 'sme', country: 'IT', zone: 'Europe/Rome', language: 'it', consent: 'on' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`id="f-q${q.id}-error"`);
    const ok = await visitor.post(`/sessions/${sessionId}/register`, { name: 'Q', email: 'q@example.org', orgType: 'sme', country: 'IT', zone: 'Europe/Rome', language: 'it', consent: 'on', [`q${q.id}`]: 'AI triage' });
    expect(ok.statusCode).toBe(303);
    expect(t.services.repos.registrations.getByEmail(sessionId, 'q@example.org')!.answers).toEqual({ [String(q.id)]: 'AI triage' });
  });

  it('asks the session\'s questions when an organiser adds a person by hand, and says what is missing', async () => {
    const b = await asAdmin();
    const q = must(t.services.repos.registrations.questions(sessionId)[0], 'the required question');
    const form = await b.get(`/organiser/sessions/${sessionId}/registrations`);
    const addForm = must(/<section aria-labelledby="h-add">([\s\S]*?)<\/section>/.exec(form.body)?.[1], 'the add-person form');
    expect(addForm).toContain(`name="q${q.id}"`);
    expect(text(addForm)).toContain('Which case study interests you?');
    const person = { name: 'Phone caller', email: 'caller@example.org', orgType: 'public', country: 'BG', zone: 'Europe/Sofia', language: 'bg', consent: 'on' };
    const missing = await b.post(`/organiser/sessions/${sessionId}/registrations`, person);
    expect(missing.statusCode).toBe(400);
    // The error is beside the field and, linked to it, at the top of the page.
    expect(missing.body).toContain(`id="f-q${q.id}-error"`);
    const summary = must(/<div class="alert error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(missing.body)?.[1], 'the error summary');
    expect(summary).toContain(`href="#f-q${q.id}"`);
    expect(missing.body).toContain('value="caller@example.org"');
    expect(t.services.repos.registrations.getByEmail(sessionId, 'caller@example.org')).toBeUndefined();
    const added = await b.post(`/organiser/sessions/${sessionId}/registrations`, { ...person, [`q${q.id}`]: 'e-invoicing' });
    expect(added.statusCode).toBe(303);
    expect(t.services.repos.registrations.getByEmail(sessionId, 'caller@example.org')!.answers).toEqual({ [String(q.id)]: 'e-invoicing' });
  });

  it('sends an update to the confirmed people only (or to everyone registered), one email each', async () => {
    const b = await asAdmin();
    await b.get(`/organiser/sessions/${sessionId}/registrations`);
    const bad = await b.post(`/organiser/sessions/${sessionId}/message`, { subject: '', body: 'x', audience: 'confirmed' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="msg-subject-error"');
    expect(bad.body).toContain('>x</textarea>');
    const notices = () => t.db.prepare("SELECT recipient_email AS email FROM outbox WHERE kind = 'notice' AND session_id = ? ORDER BY recipient_email").all(sessionId) as { email: string }[];
    expect(notices()).toEqual([]);
    await b.get(`/organiser/sessions/${sessionId}/registrations`);
    expect((await b.post(`/organiser/sessions/${sessionId}/message`, { subject: 'Room change', body: 'New link inside.', audience: 'confirmed' })).statusCode).toBe(303);
    const confirmed = t.services.repos.registrations.withStatus(sessionId, 'confirmed').map((r) => r.email).sort();
    expect(notices().map((r) => r.email)).toEqual(confirmed);
    t.clock.advance(1000);
    await b.get(`/organiser/sessions/${sessionId}/registrations`);
    await b.post(`/organiser/sessions/${sessionId}/message`, { subject: 'Agenda', body: 'Agenda attached.', audience: 'active' });
    const active = t.services.repos.registrations.active(sessionId).length;
    expect(notices()).toHaveLength(confirmed.length + active);
  });

  it('hides one hub\'s registrations from another hub\'s organiser', async () => {
    const ro = new Browser(t.app);
    await ro.login(RO_ORGANISER.email, RO_ORGANISER.password);
    expect((await ro.get(`/organiser/sessions/${sessionId}/registrations`)).statusCode).toBe(403);
    expect((await ro.get(`/organiser/sessions/${sessionId}/registrations.csv`)).statusCode).toBe(403);
    const gr = new Browser(t.app);
    await gr.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect((await gr.get(`/organiser/sessions/${sessionId}/registrations`)).statusCode).toBe(200);
    expect((await new Browser(t.app).get(`/organiser/sessions/${sessionId}/registrations.csv`)).statusCode).toBe(303);
  });
});

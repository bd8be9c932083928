/**
 * People and invitations through HTTP and a real SMTP sink: an administrator invites, the mail
 * arrives in the invitation's language with its expiry in the person's zone, the link makes the
 * account and signs the person in, and works once; roles and hubs change; a deactivated organiser's
 * login and API token stop working; the last administrator stays; only administrators get the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';

let t: TestApp | undefined;
let mail: TestMail | undefined;
afterEach(async () => {
  await mail?.close();
  await t?.close();
  mail = undefined;
  t = undefined;
});

async function setUp(): Promise<{ t: TestApp; mail: TestMail; admin: Browser }> {
  t = await makeApp();
  mail = await withMail(t);
  const admin = new Browser(t.app, { 'accept-language': 'en' });
  expect((await admin.login(ADMIN.email, ADMIN.password)).statusCode).toBe(303);
  return { t, mail, admin };
}

const hubId = (t: TestApp, slug: string) => String(t.services.repos.hubs.getBySlug(slug)?.id);

/** The path of the first link to `prefix` in a message's text part. */
function linkIn(body: string, prefix: string): string {
  const m = new RegExp(`http://kairos\\.test(${prefix}[A-Za-z0-9_-]+)`).exec(body);
  if (!m?.[1]) throw new Error(`no ${prefix} link in the message`);
  return m[1];
}

async function invite(admin: Browser, form: Record<string, string>) {
  await admin.get('/organiser/people');
  return admin.post('/organiser/people/invitations', form);
}

describe('inviting an organiser', () => {
  it('sends a link by email that makes the account with the invited role, hub and language, signs the person in, and works once', async () => {
    const { t, mail, admin } = await setUp();
    const res = await invite(admin, { name: 'Dimitra Kosta', email: 'dimitra@example.gr', role: 'hub', hubId: hubId(t, GR_ORGANISER.hub), language: 'el' });
    expect(res.statusCode).toBe(303);
    const page = await admin.get(String(res.headers.location));
    expect(text(page.body)).toContain('The invitation has been sent.');
    expect(text(page.body)).toContain('dimitra@example.gr');
    // Listed as pending, with its expiry in the administrator's zone (named).
    expect(text(page.body)).toMatch(/Pending invitations.*dimitra@example\.gr.*19 January 2026.*Europe\/Athens/);

    await mail.drain();
    expect(mail.sink.messages).toHaveLength(1);
    const msg = mail.sink.messages[0]!;
    expect(msg.envelope.rcptTo).toEqual(['dimitra@example.gr']);
    // Greek, text and HTML, the expiry in the hub's zone with the zone named.
    expect(msg.parsed.subject).toBe('Πρόσκληση για διοργάνωση εκδηλώσεων στο Kairos');
    expect(msg.parsed.text).toContain('Europe/Athens');
    expect(msg.parsed.text).toContain('2026');
    expect(msg.parsed.html).toContain('/invitations/');
    const link = linkIn(msg.parsed.text ?? '', '/invitations/');
    // The copy the outbox keeps holds no link.
    const kept = t.db.prepare("SELECT rendered_text FROM outbox WHERE kind = 'organiser.invitation'").get() as { rendered_text: string };
    expect(kept.rendered_text).not.toContain(link.split('/').pop());
    // Administrators see it on the mail page; a hub organiser's mail page does not show it.
    expect(text((await admin.get('/organiser/mail')).body)).toContain('dimitra@example.gr');
    const eleni = new Browser(t.app, { 'accept-language': 'en' });
    await eleni.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect(text((await eleni.get('/organiser/mail')).body)).not.toContain('dimitra@example.gr');

    const person = new Browser(t.app, { 'accept-language': 'en' });
    const form = await person.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.headers['x-robots-tag']).toContain('noindex');
    // The page speaks the invitation's language.
    expect(text(form.body)).toContain('Επιλέξτε κωδικό πρόσβασης');

    // Too short, then typed differently: shown again with the message beside the field.
    const short = await person.post(link, { password: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="f-password-error"');
    expect(short.body).toContain('href="#f-password"');
    const differ = await person.post(link, { password: 'a-long-password-1', confirm: 'a-long-password-2' });
    expect(differ.statusCode).toBe(400);
    expect(differ.body).toContain('id="f-confirm-error"');

    const done = await person.post(link, { password: 'dimitra-password-1', confirm: 'dimitra-password-1' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/organiser?msg=account.welcome');
    const area = await person.get('/organiser?lang=en');
    expect(area.statusCode).toBe(200);
    expect(text(area.body)).toContain('Dimitra Kosta');
    const created = t.services.repos.organisers.credentials('dimitra@example.gr')?.organiser;
    expect(created).toMatchObject({ role: 'hub', hubId: Number(hubId(t, GR_ORGANISER.hub)), language: 'el', zone: 'Europe/Athens', disabled: false });

    // The link works once: used, it says so.
    const again = await new Browser(t.app, { 'accept-language': 'en' }).get(link);
    expect(again.statusCode).toBe(410);
    expect(text(again.body)).toContain('already been used');
    // And the account logs in with the password chosen.
    expect((await new Browser(t.app).login('dimitra@example.gr', 'dimitra-password-1')).headers.location).toBe('/organiser');
    // No longer pending.
    expect(text((await admin.get('/organiser/people')).body)).not.toContain('Pending invitations Dimitra');
  });

  it('refuses an expired, a withdrawn and an unknown link with a page that says what to do', async () => {
    const { t, mail, admin } = await setUp();
    await invite(admin, { name: 'Late Person', email: 'late@example.org', role: 'admin', hubId: '', language: 'en' });
    await invite(admin, { name: 'Withdrawn Person', email: 'withdrawn@example.org', role: 'hub', hubId: hubId(t, RO_ORGANISER.hub), language: 'ro' });
    await mail.drain();
    const late = linkIn(mail.sink.messages.find((m) => m.envelope.rcptTo[0] === 'late@example.org')?.parsed.text ?? '', '/invitations/');
    const withdrawn = linkIn(mail.sink.messages.find((m) => m.envelope.rcptTo[0] === 'withdrawn@example.org')?.parsed.text ?? '', '/invitations/');

    await admin.get('/organiser/people');
    const inv = t.db.prepare("SELECT id FROM organiser_invitations WHERE email = 'withdrawn@example.org'").get() as { id: number };
    expect((await admin.post(`/organiser/people/invitations/${inv.id}/withdraw`, {})).statusCode).toBe(303);
    expect(text((await admin.get('/organiser/people')).body)).not.toContain('withdrawn@example.org');

    const person = new Browser(t.app, { 'accept-language': 'en' });
    const w = await person.get(withdrawn);
    expect(w.statusCode).toBe(410);
    expect(text(w.body)).toContain('An administrator has withdrawn this invitation');

    t.clock.advance(7 * 86_400_000 + 1000);
    const e = await person.get(late);
    expect(e.statusCode).toBe(410);
    expect(text(e.body)).toContain('This invitation has expired');
    expect(text(e.body)).toContain('Ask an administrator');
    // A form posted to an expired link makes nothing.
    await person.get('/login');
    const posted = await person.post(late, { password: 'late-password-123', confirm: 'late-password-123' });
    expect(posted.statusCode).toBe(410);
    expect(t.services.repos.organisers.credentials('late@example.org')).toBeUndefined();

    const u = await person.get('/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(u.statusCode).toBe(404);
    expect(text(u.body)).toContain('This invitation link is not valid');
  });

  it('refuses an address that already has an account beside the email field, and shows every refused field, keeping what was typed', async () => {
    const { t, admin } = await setUp();
    const res = await invite(admin, { name: 'Eleni again', email: GR_ORGANISER.email, role: 'hub', hubId: hubId(t, GR_ORGANISER.hub), language: 'en' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<p class="error" id="f-email-error">An organiser with this email address already exists.</p>');
    expect(res.body).toContain('href="#f-email"');
    expect(res.body).toContain('value="Eleni again"');

    const bad = await invite(admin, { name: '', email: 'not an address', role: 'hub', hubId: '', language: 'xx' });
    expect(bad.statusCode).toBe(400);
    for (const f of ['name', 'email', 'hubId', 'language']) expect(bad.body).toContain(`id="f-${f}-error"`);
    expect(bad.body).toContain('value="not an address"');
    expect(bad.body).not.toContain('undefined');
    expect(t.db.prepare('SELECT count(*) AS n FROM organiser_invitations').get()).toEqual({ n: 0 });
  });

  it('is for administrators only: a hub organiser gets 403 on the page and its actions, and no link to it', async () => {
    const { t } = await setUp();
    const hub = new Browser(t.app, { 'accept-language': 'en' });
    await hub.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const refused = await hub.get('/organiser/people');
    expect(refused.statusCode).toBe(403);
    // The page says what to do about it.
    expect(text(refused.body)).toContain('You are not allowed to do that. If your work needs it, ask an administrator of Kairos to change your role or hub.');
    const index = await hub.get('/organiser');
    expect(index.body).not.toContain('href="/organiser/people"');
    const res = await hub.post('/organiser/people/invitations', { name: 'Sneaky', email: 'sneaky@example.org', role: 'admin', hubId: '', language: 'en' });
    expect(res.statusCode).toBe(403);
    expect(t.db.prepare('SELECT count(*) AS n FROM organiser_invitations').get()).toEqual({ n: 0 });
    const ro = t.services.repos.organisers.credentials(RO_ORGANISER.email)!.organiser;
    expect((await hub.post(`/organiser/people/${ro.id}/deactivate`, {})).statusCode).toBe(403);
    expect(t.services.repos.organisers.get(ro.id)?.disabled).toBe(false);

    const admin = new Browser(t.app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);
    expect((await admin.get('/organiser')).body).toContain('href="/organiser/people"');
  });
});

describe('roles, hubs and deactivation', () => {
  it('changes a hub organiser into another hub’s organiser and into an administrator; a hub organiser needs a hub', async () => {
    const { t, admin } = await setUp();
    const eleni = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    await admin.get('/organiser/people');
    const moved = await admin.post(`/organiser/people/${eleni.id}`, { role: 'hub', hubId: hubId(t, RO_ORGANISER.hub) });
    expect(moved.statusCode).toBe(303);
    expect(t.services.repos.organisers.get(eleni.id)).toMatchObject({ role: 'hub', hubId: Number(hubId(t, RO_ORGANISER.hub)) });
    expect(text((await admin.get(String(moved.headers.location))).body)).toContain('Role and hub saved.');

    const noHub = await admin.post(`/organiser/people/${eleni.id}`, { role: 'hub', hubId: '' });
    expect(noHub.statusCode).toBe(400);
    expect(noHub.body).toContain(`id="person-${eleni.id}-hubId-error"`);
    expect(noHub.body).toContain(`href="#person-${eleni.id}-hubId"`);

    await admin.get('/organiser/people');
    expect((await admin.post(`/organiser/people/${eleni.id}`, { role: 'admin', hubId: '' })).statusCode).toBe(303);
    expect(t.services.repos.organisers.get(eleni.id)).toMatchObject({ role: 'admin', hubId: null });
    // She now sees the people page.
    const she = new Browser(t.app);
    await she.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect((await she.get('/organiser/people')).statusCode).toBe(200);
  });

  it('deactivating ends the person’s login sessions and stops their API token; reactivating lets them log in again', async () => {
    const { t, admin } = await setUp();
    const eleni = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    const { token } = t.services.auth.createToken(eleni.id, 'script');
    const her = new Browser(t.app);
    await her.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect((await her.get('/organiser')).statusCode).toBe(200);
    const apiPost = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ title: 'From a script', hubId: eleni.hubId, status: 'scheduled', date: '2026-05-05', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 }) });
    expect((await apiPost()).statusCode).toBe(201);

    await admin.get('/organiser/people');
    expect((await admin.post(`/organiser/people/${eleni.id}/deactivate`, {})).statusCode).toBe(303);
    expect(text((await admin.get('/organiser/people')).body)).toMatch(/Eleni.*Deactivated/);

    const after = await her.get('/organiser');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toContain('/login');
    expect((await apiPost()).statusCode).toBe(401);
    expect((await new Browser(t.app).login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(401);

    await admin.get('/organiser/people');
    expect((await admin.post(`/organiser/people/${eleni.id}/reactivate`, {})).statusCode).toBe(303);
    expect((await new Browser(t.app).login(GR_ORGANISER.email, GR_ORGANISER.password)).headers.location).toBe('/organiser');
    // The token revoked at deactivation stays revoked.
    expect((await apiPost()).statusCode).toBe(401);
  });

  it('keeps the last active administrator: no deactivating oneself, no deactivating or demoting the last one', async () => {
    const { t, admin } = await setUp();
    const me = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
    await admin.get('/organiser/people');
    // No button for oneself; a post anyway is refused with a message.
    expect(admin.lastPage).not.toContain(`action="/organiser/people/${me.id}/deactivate"`);
    const self = await admin.post(`/organiser/people/${me.id}/deactivate`, {});
    expect(self.statusCode).toBe(409);
    expect(text(self.body)).toContain('You cannot deactivate your own account.');
    expect(t.services.repos.organisers.get(me.id)?.disabled).toBe(false);

    const demote = await admin.post(`/organiser/people/${me.id}`, { role: 'hub', hubId: hubId(t, GR_ORGANISER.hub) });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toContain(`id="person-${me.id}-role-error">At least one active administrator must remain.`);
    expect(t.services.repos.organisers.get(me.id)?.role).toBe('admin');

    // A second administrator may not remove the first when the first is the last active one either.
    const eleni = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    await admin.post(`/organiser/people/${eleni.id}`, { role: 'admin', hubId: '' });
    const second = new Browser(t.app);
    await second.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await second.get('/organiser/people');
    expect((await second.post(`/organiser/people/${me.id}/deactivate`, {})).statusCode).toBe(303);
    await admin.get('/organiser/people'); // signed out: sent to the login page
    const first = new Browser(t.app);
    expect((await first.login(ADMIN.email, ADMIN.password)).statusCode).toBe(401);
    // Eleni is now the last active administrator: she cannot demote herself.
    await second.get('/organiser/people');
    expect((await second.post(`/organiser/people/${eleni.id}`, { role: 'hub', hubId: hubId(t, GR_ORGANISER.hub) })).statusCode).toBe(409);
  });
});

describe('the people list, 50 a page', () => {
  it('pages more than 50 organisers, shows an answering row on its own page, and says when a page is past the end', async () => {
    const { t, admin } = await setUp();
    const gr = Number(hubId(t, GR_ORGANISER.hub));
    const added = Array.from({ length: 60 }, (_, i) =>
      t.services.repos.organisers.insert({ email: `person-${String(i).padStart(2, '0')}@example.org`, name: `Person ${i}`, role: 'hub', hubId: gr, language: 'en', zone: 'Europe/Athens', passwordHash: 'x' }, t.clock.now()),
    );
    const everyone = t.services.repos.organisers.list();
    expect(everyone.length).toBeGreaterThan(50);
    const rows = (html: string) => [...html.matchAll(/<tr id="person-(\d+)">/g)].map((m) => Number(m[1]));

    const first = await admin.get('/organiser/people');
    expect(first.statusCode).toBe(200);
    expect(rows(first.body)).toEqual(everyone.slice(0, 50).map((o) => o.id));
    expect(first.body).toContain('<a href="/organiser/people?page=2" rel="next">Next page</a>');
    expect(first.body).not.toContain('rel="prev"');
    expect(text(first.body)).toContain('Page 1');

    const second = await admin.get('/organiser/people?page=2');
    expect(rows(second.body)).toEqual(everyone.slice(50).map((o) => o.id));
    expect(second.body).toContain('<a href="/organiser/people" rel="prev">Previous page</a>');
    expect(second.body).not.toContain('rel="next"');

    // A person of the second page: their answers come back on that page.
    const last = added[59]!;
    expect(everyone.slice(50).map((o) => o.id)).toContain(last.id);
    const refused = await admin.post(`/organiser/people/${last.id}`, { role: 'hub', hubId: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(`id="person-${last.id}-hubId-error"`);
    expect(refused.body).toContain(`href="#person-${last.id}-hubId"`);
    const saved = await admin.post(`/organiser/people/${last.id}`, { role: 'hub', hubId: hubId(t, RO_ORGANISER.hub) });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/organiser/people?page=2&msg=people.roleSaved');
    const shown = await admin.get(String(saved.headers.location));
    expect(text(shown.body)).toContain('Role and hub saved.');
    expect(rows(shown.body)).toContain(last.id);
    const off = await admin.post(`/organiser/people/${last.id}/deactivate`, {});
    expect(off.headers.location).toBe('/organiser/people?page=2&msg=people.deactivatedMsg');
    await admin.get('/organiser/people?page=2');
    const on = await admin.post(`/organiser/people/${last.id}/reactivate`, {});
    expect(on.headers.location).toBe('/organiser/people?page=2&msg=people.reactivatedMsg');

    const beyond = await admin.get('/organiser/people?page=3');
    expect(beyond.statusCode).toBe(200);
    expect(rows(beyond.body)).toEqual([]);
    expect(text(beyond.body)).toContain('No more organisers.');
    expect(beyond.body).toContain('href="/organiser/people"');
    expect((await admin.get('/organiser/people?page=0')).statusCode).toBe(400);
  });
});

/**
 * The audit log as organisers meet it: each recorded action done through the real routes (the
 * organiser area, the API, the command line) appears on /organiser/audit with the right actor; a
 * failed login is there without the address typed; the filters work, dates and times are in the
 * viewer's zone; a hub organiser sees only entries about their hub's sessions and their own; no
 * registrant's address or name is ever in the table; housekeeping deletes entries past retention.
 * What happens to organiser accounts and hubs is there too (invitations through a real SMTP sink),
 * with no email address kept.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_ACTOR, AUDIT_ACTIONS } from '../../../src/core/audit/index.js';
import { LANGUAGES } from '../../../src/core/i18n/index.js';
import { ROOT } from '../../../src/core/config.js';
import { MaintenanceService } from '../../../src/modules/registrations/index.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { seedDemo } from '../../../src/seed/seed-demo.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';
import { sessionForm } from '../../helpers/sessions.js';

let t: TestApp;
let admin: Browser;
let eleni: Browser;
let ana: Browser;
let sessionId: number;
let registrationId: number;

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const organiser = (email: string) => must(t.services.repos.organisers.credentials(email), email).organiser;

/** The visible rows of an audit page, newest first: [when, action, actor, session, about, details]. */
function rows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...(m[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1] ?? '')));
}

/** The audit page as `b` sees it; `zone`: the zone the viewer's browser tells (its cookie). */
async function page(b: Browser, query = '', zone?: string) {
  if (zone) b.cookies.set('kairos_tz', zone);
  const res = await b.get(`/organiser/audit${query ? `?${query}` : ''}`);
  b.cookies.delete('kairos_tz');
  return { status: res.statusCode, html: res.body, rows: rows(res.body) };
}

/** Everything the audit table holds, read from the database file by a connection of its own. */
function tableText(): string {
  const db = new Database(t.config.databasePath, { readonly: true, fileMustExist: true });
  try {
    return JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
  } finally {
    db.close();
  }
}

function registrationInput(k: string) {
  return { name: `Person ${k}`, email: `person.${k}@example.org`, organisation: 'Org', orgType: 'sme', hubId: hubId('gr-digigov-innohub'), country: 'GR', language: 'en', zone: 'Europe/Athens', consent: true };
}

/** Runs a command-line script on the test database, as an administrator would. */
function cli(entry: string, ...args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: t.config.databasePath, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://kairos.test', SMTP_URL: '', PASSWORD_HASH_COST: '10', SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789' },
      stdio: 'ignore',
    });
    child.on('exit', (code) => resolve(code));
  });
}

beforeAll(async () => {
  t = await makeApp();
  admin = new Browser(t.app, { 'accept-language': 'en' });
  await admin.login(ADMIN.email, ADMIN.password);
  eleni = new Browser(t.app, { 'accept-language': 'en' });
  await eleni.login(GR_ORGANISER.email, GR_ORGANISER.password);
});

afterAll(async () => {
  await t?.close();
});

// The session of the cases starts ten minutes after the test's clock (09:00 UTC): registration is still
// open, and attendance can be recorded (from 15 minutes before the start).
const SOON = { date: '2026-01-12', time: '11:10' };

describe('each recorded action appears on the audit page with its actor', () => {
  let waitlisted: number;
  let ended: Session;
  let tokenId: number;

  const cases: { action: string; code: string; actor: string; run: () => Promise<void>; shows?: string[] }[] = [
    {
      action: 'Session created',
      code: 'session.created',
      actor: 'Eleni',
      shows: ['Audit trail draft'],
      run: async () => {
        await eleni.get('/organiser/sessions/new');
        const res = await eleni.post('/organiser/sessions', sessionForm(t, { title: 'Audit trail draft', ...SOON }));
        expect(res.statusCode).toBe(303);
        sessionId = Number(must(/\/sessions\/(\d+)/.exec(String(res.headers.location))?.[1], 'the new session'));
      },
    },
    {
      action: 'Session changed',
      code: 'session.updated',
      actor: 'Eleni',
      shows: ['Changed: Title, Capacity (empty: unlimited)'],
      run: async () => {
        await eleni.get(`/organiser/sessions/${sessionId}/edit`);
        expect((await eleni.post(`/organiser/sessions/${sessionId}`, sessionForm(t, { title: 'Audit trail session', capacity: '40', ...SOON }))).statusCode).toBe(303);
      },
    },
    {
      action: 'Hosting hubs changed',
      code: 'session.hosts',
      actor: 'Eleni',
      shows: ['Organising hub: GR DigiGOV-InnoHUB → GR DigiGOV-InnoHUB', 'Innovation Amp EDIH', '→ DiGiNN Cyprus EDIH'],
      run: async () => {
        await eleni.get(`/organiser/sessions/${sessionId}/edit`);
        const res = await eleni.post(`/organiser/sessions/${sessionId}`, sessionForm(t, { title: 'Audit trail session', capacity: '40', coHostIds: [String(hubId('diginn-cyprus'))], ...SOON }));
        expect(res.statusCode).toBe(303);
      },
    },
    {
      action: 'Registration added by an organiser',
      code: 'registration.added',
      actor: 'Eleni',
      run: async () => {
        await eleni.get(`/organiser/sessions/${sessionId}/registrations`);
        const res = await eleni.post(`/organiser/sessions/${sessionId}/registrations`, {
          name: 'Maria Walkin', email: 'maria.walkin@example.org', organisation: 'Municipality of Patras', orgType: 'public', country: 'GR', zone: 'Europe/Athens', language: 'el', consent: 'on', followupConsent: 'on',
        });
        expect(res.statusCode).toBe(303);
        registrationId = must(t.services.repos.registrations.getByEmail(sessionId, 'maria.walkin@example.org'), 'the registration').id;
      },
      shows: ['Confirmed'],
    },
    {
      action: 'Attendance recorded',
      code: 'attendance.recorded',
      actor: 'Eleni',
      shows: ['Attended'],
      run: async () => {
        await eleni.get(`/organiser/sessions/${sessionId}/attendance`);
        expect((await eleni.post(`/organiser/sessions/${sessionId}/attendance/${registrationId}`, { attended: 'yes' })).statusCode).toBe(303);
      },
    },
    {
      action: 'Update sent',
      code: 'message.sent',
      actor: 'Eleni',
      shows: ['1 recipient'],
      run: async () => {
        await eleni.get(`/organiser/sessions/${sessionId}/registrations`);
        expect((await eleni.post(`/organiser/sessions/${sessionId}/message`, { subject: 'Room change', body: 'We meet in room B.', audience: 'confirmed' })).statusCode).toBe(303);
      },
    },
    {
      action: 'Export downloaded',
      code: 'export.downloaded',
      actor: 'Eleni',
      shows: ['Registrations CSV, 1 row'],
      run: async () => {
        const res = await eleni.get(`/organiser/sessions/${sessionId}/registrations.csv`);
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('maria.walkin@example.org');
      },
    },
    {
      action: 'Registration cancelled by an organiser',
      code: 'registration.cancelled',
      actor: 'Eleni',
      shows: ['Was: Confirmed'],
      run: async () => {
        await eleni.get(`/organiser/sessions/${sessionId}/registrations`);
        expect((await eleni.post(`/organiser/sessions/${sessionId}/registrations/${registrationId}/cancel`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Place given from the waitlist',
      code: 'registration.promoted',
      actor: 'Eleni',
      run: async () => {
        // One seat held by an unconfirmed person, the next on the waitlist; a second seat is then
        // offered, which the waitlist does not take by itself while unconfirmed holds are at their share.
        const owner = organiser(GR_ORGANISER.email);
        const s = t.services.sessions.create({ title: 'Small workshop', hubId: hubId('gr-digigov-innohub'), date: '2026-02-10', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, capacity: 1 }, owner);
        t.services.registrations.register(s.id, registrationInput('first'));
        waitlisted = t.services.registrations.register(s.id, registrationInput('second')).registration.id;
        t.services.sessions.update(s.id, { capacity: 2 }, owner);
        expect(t.services.registrations.get(waitlisted).status).toBe('waitlisted');
        await eleni.get(`/organiser/sessions/${s.id}/registrations`);
        expect((await eleni.post(`/organiser/sessions/${s.id}/registrations/${waitlisted}/promote`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'API token created',
      code: 'token.created',
      actor: 'Eleni',
      shows: ['Name: import script'],
      run: async () => {
        await eleni.get('/organiser/tokens');
        expect((await eleni.post('/organiser/tokens', { name: 'import script' })).statusCode).toBe(200);
        tokenId = must(t.services.auth.tokens(organiser(GR_ORGANISER.email).id).find((x) => x.name === 'import script'), 'the token').id;
      },
    },
    {
      action: 'API token revoked',
      code: 'token.revoked',
      actor: 'Eleni',
      run: async () => {
        await eleni.get('/organiser/tokens');
        expect((await eleni.post(`/organiser/tokens/${tokenId}/revoke`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Session created',
      code: 'session.created',
      actor: 'API token “calendar sync”',
      shows: ['Created through the API'],
      run: async () => {
        const { token } = t.services.auth.createToken(organiser(GR_ORGANISER.email).id, 'calendar sync');
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/sessions',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: { title: 'Created through the API', hubId: hubId('gr-digigov-innohub'), status: 'scheduled', date: '2026-03-03', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 },
        });
        expect(res.statusCode).toBe(201);
      },
    },
    {
      action: 'Session cancelled',
      code: 'session.cancelled',
      actor: 'Eleni',
      shows: ['Audit trail session'],
      run: async () => {
        await eleni.get(`/sessions/${sessionId}`);
        expect((await eleni.post(`/organiser/sessions/${sessionId}/cancel`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Demo series removed',
      code: 'demo.removed',
      actor: 'Admin',
      shows: ['sessions removed'],
      run: async () => {
        seedDemo(t.db, t.services, t.clock);
        await admin.get('/organiser');
        expect((await admin.post('/organiser/demo/remove', {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Organiser created',
      code: 'organiser.created',
      actor: 'Command line',
      shows: ['Giulia', 'organiser of EDIH4DT'],
      run: async () => {
        expect(await cli('src/scripts/organiser-create.ts', '--email', 'giulia@edih4dt.test', '--name', 'Giulia', '--role', 'hub', '--hub', 'edih4dt', '--password', 'italian-password-123')).toBe(0);
      },
    },
    {
      action: 'Logged in',
      code: 'login.succeeded',
      actor: 'Ana',
      run: async () => {
        expect((await new Browser(t.app).login(RO_ORGANISER.email, RO_ORGANISER.password)).statusCode).toBe(303);
      },
    },
    {
      action: 'Follow-up sent',
      code: 'followup.sent',
      actor: 'Eleni',
      shows: ['For people who registered but did not join: 1 recipient'],
      run: async () => {
        const owner = organiser(GR_ORGANISER.email);
        ended = t.services.sessions.create({ title: 'Short briefing', hubId: hubId('gr-digigov-innohub'), date: '2026-01-12', time: '13:00', zone: 'Europe/Athens', durationMinutes: 30 }, owner);
        t.services.registrations.register(ended.id, { ...registrationInput('briefing'), followupConsent: true }, 'organiser');
        t.clock.set('2026-01-12T12:00:00Z');
        await eleni.get(`/organiser/sessions/${ended.id}/followups`);
        expect((await eleni.post(`/organiser/sessions/${ended.id}/followups/absentees`, { subject: 'Sorry we missed you', body: 'The recording is online.' })).statusCode).toBe(303);
        await eleni.get(`/organiser/sessions/${ended.id}/followups`);
        expect((await eleni.post(`/organiser/sessions/${ended.id}/followups/absentees/send`, {})).statusCode).toBe(303);
      },
    },
  ];

  it.each(cases)('$action ($actor)', async (c) => {
    await c.run();
    const { status, rows: list } = await page(admin, `action=${encodeURIComponent(c.code)}`);
    expect(status).toBe(200);
    const [newest] = list;
    const [, action, actor, , , detail] = must(newest, `an entry for ${c.code}`);
    expect(action).toBe(c.action);
    expect(actor).toBe(c.actor);
    for (const s of c.shows ?? []) expect(must(newest, 'the row').join(' | ')).toContain(s);
    expect(detail).not.toContain('undefined');
  }, 120_000);
});

describe('what happens to organiser accounts and hubs appears on the audit page with its actor, in English and Greek', () => {
  let mail: TestMail;
  const person = new Map<string, Browser>();
  let invitationLink = '';
  let invitationId = 0;
  let resetLink = '';
  let dimitraId = 0;
  const GR_HUB = 'GR DigiGOV-InnoHUB';
  const GR_PAGE = `/organiser/hubs/${GR_ORGANISER.hub}`;
  const dimitra = () => must(person.get('dimitra'), 'Dimitra’s browser');

  /** The path of the first link to `prefix` in the last message to `to`. */
  const linkTo = (to: string, prefix: string) => {
    const msg = must(mail.sink.messages.filter((m) => m.envelope.rcptTo.includes(to)).at(-1), `a message to ${to}`);
    return must(new RegExp(`http://kairos\\.test(${prefix}[A-Za-z0-9_-]+)`).exec(msg.parsed.text ?? '')?.[1], `a ${prefix} link`);
  };
  const invitationOf = (email: string) => (t.db.prepare('SELECT id FROM organiser_invitations WHERE email = ? ORDER BY id DESC').get(email) as { id: number }).id;
  const invite = async (form: Record<string, string>) => {
    await admin.get('/organiser/people');
    const res = await admin.post('/organiser/people/invitations', form);
    expect(res.statusCode).toBe(303);
  };

  beforeAll(async () => {
    mail = await withMail(t);
  });
  afterAll(async () => {
    await mail?.close();
  });

  const cases: { action: string; el: string; code: string; actor: string; about?: () => string; run: () => Promise<void>; shows?: () => string[]; also?: () => string }[] = [
    {
      action: 'Organiser invited',
      el: 'Πρόσκληση διοργανωτή',
      code: 'organiser.invited',
      actor: 'Admin',
      shows: () => [`organiser of ${GR_HUB}`, `Invitation ${invitationId}`],
      run: async () => {
        await invite({ name: 'Dimitra Kosta', email: 'dimitra@example.gr', role: 'hub', hubId: String(hubId(GR_ORGANISER.hub)), language: 'el' });
        await mail.drain();
        invitationLink = linkTo('dimitra@example.gr', '/invitations/');
        invitationId = invitationOf('dimitra@example.gr');
      },
    },
    {
      action: 'Invitation withdrawn',
      el: 'Ανάκληση πρόσκλησης',
      code: 'invitation.withdrawn',
      actor: 'Admin',
      shows: () => ['administrator', `Invitation ${invitationOf('late@example.org')}`],
      run: async () => {
        await invite({ name: 'Late Person', email: 'late@example.org', role: 'admin', hubId: '', language: 'en' });
        await admin.get('/organiser/people');
        expect((await admin.post(`/organiser/people/invitations/${invitationOf('late@example.org')}/withdraw`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Invitation withdrawn',
      el: 'Ανάκληση πρόσκλησης',
      code: 'invitation.withdrawn',
      actor: 'Admin',
      // Inviting the same address again replaces the open invitation: the first is withdrawn, and says by which.
      shows: () => ['organiser of DIH4Society', `Replaced by invitation ${invitationOf('nikos@example.org')}`],
      run: async () => {
        await invite({ name: 'Nikos', email: 'nikos@example.org', role: 'hub', hubId: String(hubId(RO_ORGANISER.hub)), language: 'en' });
        await invite({ name: 'Nikos', email: 'nikos@example.org', role: 'hub', hubId: String(hubId(RO_ORGANISER.hub)), language: 'en' });
      },
    },
    {
      action: 'Organiser created',
      el: 'Δημιουργία διοργανωτή',
      code: 'organiser.created',
      actor: 'Dimitra Kosta',
      shows: () => [`organiser of ${GR_HUB}`, `Invitation ${invitationId}`],
      // The command line's entry carries the computer's clock, later than this test's: the days filter leaves it out.
      also: () => 'to=2026-01-12',
      run: async () => {
        const b = new Browser(t.app, { 'accept-language': 'en' });
        await b.get(invitationLink);
        expect((await b.post(invitationLink, { password: 'dimitra-password-1', confirm: 'dimitra-password-1' })).statusCode).toBe(303);
        person.set('dimitra', b);
        dimitraId = organiser('dimitra@example.gr').id;
      },
    },
    {
      action: 'Password changed',
      el: 'Αλλαγή κωδικού πρόσβασης',
      code: 'password.changed',
      actor: 'Dimitra Kosta',
      run: async () => {
        await dimitra().get('/organiser/account');
        const res = await dimitra().post('/organiser/account/password', { current: 'dimitra-password-1', password: 'dimitra-password-2', confirm: 'dimitra-password-2' });
        expect(res.statusCode).toBe(303);
      },
    },
    {
      action: 'Password reset asked for',
      el: 'Αίτημα επαναφοράς κωδικού πρόσβασης',
      code: 'password.resetRequested',
      actor: 'Unknown',
      about: () => 'Dimitra Kosta',
      shows: () => ['Link sent by email'],
      run: async () => {
        const visitor = new Browser(t.app, { 'accept-language': 'en' });
        // An address of nobody leaves no entry; Dimitra's leaves one, about her account.
        for (const email of ['nobody.here@example.net', 'dimitra@example.gr']) {
          await visitor.get('/password/forgot');
          expect((await visitor.post('/password/forgot', { email })).statusCode).toBe(200);
        }
        expect((await page(admin, 'action=password.resetRequested')).rows).toHaveLength(1);
        await mail.drain();
        resetLink = linkTo('dimitra@example.gr', '/password/reset/');
      },
    },
    {
      action: 'Password reset from an emailed link',
      el: 'Επαναφορά κωδικού πρόσβασης μέσω συνδέσμου email',
      code: 'password.reset',
      actor: 'Dimitra Kosta',
      run: async () => {
        const b = new Browser(t.app, { 'accept-language': 'en' });
        await b.get(resetLink);
        expect((await b.post(resetLink, { password: 'dimitra-password-3', confirm: 'dimitra-password-3' })).statusCode).toBe(303);
      },
    },
    {
      action: 'Role or hub changed',
      el: 'Αλλαγή ρόλου ή κόμβου',
      code: 'organiser.changed',
      actor: 'Admin',
      about: () => 'Dimitra Kosta',
      shows: () => [`Role: organiser of ${GR_HUB} → organiser of DIH4Society`],
      run: async () => {
        await admin.get('/organiser/people');
        expect((await admin.post(`/organiser/people/${dimitraId}`, { role: 'hub', hubId: String(hubId(RO_ORGANISER.hub)) })).statusCode).toBe(303);
      },
    },
    {
      action: 'Organiser deactivated',
      el: 'Απενεργοποίηση διοργανωτή',
      code: 'organiser.deactivated',
      actor: 'Admin',
      about: () => 'Dimitra Kosta',
      run: async () => {
        await admin.get('/organiser/people');
        expect((await admin.post(`/organiser/people/${dimitraId}/deactivate`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Organiser reactivated',
      el: 'Επανενεργοποίηση διοργανωτή',
      code: 'organiser.reactivated',
      actor: 'Admin',
      about: () => 'Dimitra Kosta',
      run: async () => {
        await admin.get('/organiser/people');
        expect((await admin.post(`/organiser/people/${dimitraId}/reactivate`, {})).statusCode).toBe(303);
      },
    },
    {
      action: 'Hub details changed',
      el: 'Αλλαγή στοιχείων κόμβου',
      code: 'hub.changed',
      actor: 'Eleni',
      about: () => GR_HUB,
      shows: () => ['Changed: Coordinator, Contact email'],
      run: async () => {
        const hub = must(t.services.repos.hubs.getBySlug(GR_ORGANISER.hub), 'the hub');
        await eleni.get(GR_PAGE);
        const res = await eleni.post(GR_PAGE, { name: hub.name, fullName: hub.fullName ?? '', coordinator: 'Eleni Papadopoulou', contactEmail: 'events@digigov.example.gr' });
        expect(res.statusCode).toBe(303);
      },
    },
  ];

  it.each(cases)('$action ($actor)', async (c) => {
    await c.run();
    const query = `action=${encodeURIComponent(c.code)}${c.also ? `&${c.also()}` : ''}`;
    const { status, rows: list } = await page(admin, query);
    expect(status).toBe(200);
    const newest = must(list[0], `an entry for ${c.code}`);
    const [, action, actor, session, about, detail] = newest;
    expect(action).toBe(c.action);
    expect(actor).toBe(c.actor);
    expect(session).toBe('');
    expect(about).toBe(c.about?.() ?? '');
    for (const s of c.shows?.() ?? []) expect(detail).toContain(s);
    expect(newest.join(' | ')).not.toMatch(/undefined|audit\.|hubs\.|org\./);
    // The same entry in Greek.
    const greek = await page(admin, `${query}&lang=el`);
    expect(must(greek.rows[0], `the Greek entry for ${c.code}`)[1]).toBe(c.el);
    await admin.get('/organiser/audit?lang=en');
  }, 120_000);

  it('says when a reset link asked for was not sent: the account deactivated, or asked for too often', async () => {
    await admin.get('/organiser/people');
    expect((await admin.post(`/organiser/people/${dimitraId}/deactivate`, {})).statusCode).toBe(303);
    const visitor = new Browser(t.app, { 'accept-language': 'en' });
    await visitor.get('/password/forgot');
    expect((await visitor.post('/password/forgot', { email: 'dimitra@example.gr' })).statusCode).toBe(200);
    await admin.get('/organiser/people');
    expect((await admin.post(`/organiser/people/${dimitraId}/reactivate`, {})).statusCode).toBe(303);
    // Three links an hour at most (one went already); the page's own limit per client is left aside here.
    for (let i = 0; i < 3; i++) t.services.accounts.requestReset('dimitra@example.gr');
    const asked = (await page(admin, 'action=password.resetRequested')).rows.map((r) => [r[2], r[4], r[5]]);
    expect(asked).toEqual([
      ['Unknown', 'Dimitra Kosta', 'No link sent: asked too often in the last hour'],
      ['Unknown', 'Dimitra Kosta', 'Link sent by email'],
      ['Unknown', 'Dimitra Kosta', 'Link sent by email'],
      ['Unknown', 'Dimitra Kosta', 'No link sent: the account is deactivated'],
      ['Unknown', 'Dimitra Kosta', 'Link sent by email'],
    ]);
  });

  it('keeps no email address in the table: neither the invited, nor the typed, nor the hub’s', () => {
    const stored = tableText();
    expect(stored).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
    for (const secret of ['dimitra@example.gr', 'late@example.org', 'nikos@example.org', 'nobody.here', 'events@digigov']) expect(stored).not.toContain(secret);
    expect(stored).toContain('"hub"');
  });

  it('shows a hub organiser the entries about their own account and their hub, not a colleague’s account nor invitations', async () => {
    // An administrator changes the GR hub too: its organisers see that, the other hubs do not.
    await admin.get(GR_PAGE);
    const hub = must(t.services.repos.hubs.getBySlug(GR_ORGANISER.hub), 'the hub');
    expect((await admin.post(GR_PAGE, { name: hub.name, fullName: '', coordinator: hub.coordinator ?? '', contactEmail: hub.contactEmail })).statusCode).toBe(303);
    const detailsChanged = (await page(admin, 'action=hub.changed')).rows.map((r) => [r[2], r[5]]);
    expect(detailsChanged).toEqual([
      ['Admin', 'Changed: Full name'],
      ['Eleni', 'Changed: Coordinator, Contact email'],
    ]);

    expect((await page(eleni, 'action=hub.changed')).rows.map((r) => r[2])).toEqual(['Admin', 'Eleni']);
    const eleniSees = (await page(eleni)).rows;
    expect(eleniSees.some((r) => r[2] === 'Dimitra Kosta' || r[4] === 'Dimitra Kosta')).toBe(false);
    expect(eleniSees.some((r) => ['Organiser invited', 'Invitation withdrawn'].includes(r[1] ?? ''))).toBe(false);
    const ro = new Browser(t.app, { 'accept-language': 'en' });
    await ro.login(RO_ORGANISER.email, RO_ORGANISER.password);
    expect((await page(ro, 'action=hub.changed')).rows).toEqual([]);

    // Dimitra, signed in again, sees everything about her own account (and nothing about invitations).
    const b = new Browser(t.app, { 'accept-language': 'en' });
    expect((await b.login('dimitra@example.gr', 'dimitra-password-3')).statusCode).toBe(303);
    const hers = (await page(b)).rows.map((r) => r[1]);
    for (const a of ['Organiser created', 'Password changed', 'Password reset asked for', 'Password reset from an emailed link', 'Role or hub changed', 'Organiser deactivated', 'Organiser reactivated']) expect(hers).toContain(a);
    expect(hers).not.toContain('Organiser invited');
    expect(hers).not.toContain('Hub details changed');
  });
});

describe('failed logins', () => {
  it('are recorded without the address typed: an organiser\'s account by the organiser, an unknown address by nothing but the time', async () => {
    t.clock.set('2026-01-12T12:10:00Z');
    const visitor = new Browser(t.app);
    expect((await visitor.login(GR_ORGANISER.email, 'not-her-password')).statusCode).toBe(401);
    expect((await visitor.login('nobody.at.all@example.net', 'whatever-password')).statusCode).toBe(401);
    const { rows: failed } = await page(admin, 'action=login.failed');
    expect(failed.map((r) => [r[1], r[2], r[4]])).toEqual([
      ['Login failed', 'Unknown', ''],
      ['Login failed', 'Unknown', 'Eleni'],
    ]);
    const stored = tableText();
    expect(stored).not.toContain('nobody.at.all');
    expect(stored).not.toContain(GR_ORGANISER.email);
    // Eleni sees the failed login on her own account; Ana does not.
    expect((await page(eleni, 'action=login.failed')).rows).toHaveLength(1);
    ana = new Browser(t.app, { 'accept-language': 'en' });
    await ana.login(RO_ORGANISER.email, RO_ORGANISER.password);
    expect((await page(ana, 'action=login.failed')).rows).toHaveLength(0);
  });
});

describe('the audit page', () => {
  it('offers exactly the actions and subjects the table accepts', () => {
    // The newest migration that (re)makes the table holds its list of actions.
    const files = readdirSync(path.join(ROOT, 'db')).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
    const sql = must(files.map((f) => readFileSync(path.join(ROOT, 'db', f), 'utf8')).filter((text) => /CREATE TABLE audit_log\w* \(/.test(text)).at(-1), 'the audit table');
    const list = (column: string) => [...must(new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)`).exec(sql)?.[1], column).matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(list('action')).toEqual([...AUDIT_ACTIONS]);
    expect(list('subject_type')).toEqual(['session', 'registration', 'organiser', 'token', 'hub']);
  });

  it('never holds a registrant\'s address or name in the table', () => {
    const stored = tableText();
    for (const secret of ['maria.walkin@example.org', 'Maria Walkin', 'person.first@example.org', 'person.second@example.org', 'person.briefing@example.org', 'Person briefing']) expect(stored).not.toContain(secret);
    expect(stored).toContain('"registration"');
  });

  it('filters by action, actor, session and days', async () => {
    const byAction = await page(admin, 'action=session.created');
    expect(byAction.rows.length).toBeGreaterThanOrEqual(3);
    for (const r of byAction.rows) expect(r[1]).toBe('Session created');
    expect(byAction.html).toContain('<option value="session.created" selected>');

    const byActor = await page(admin, `actor=${organiser(GR_ORGANISER.email).id}`);
    expect(byActor.rows.length).toBeGreaterThanOrEqual(10);
    for (const r of byActor.rows) expect(['Eleni', 'API token “calendar sync”']).toContain(r[2]);
    expect((await page(admin, 'actor=cli')).rows.map((r) => [r[1], r[2]])).toEqual([['Organiser created', 'Command line']]);
    expect((await page(admin, 'actor=system&action=organiser.created')).rows.map((r) => r[4]).sort()).toEqual(['Admin', 'Ana', 'Eleni']);

    const bySession = await page(admin, `session=${sessionId}`);
    expect(bySession.rows.map((r) => r[1])).toEqual([
      'Session cancelled',
      'Registration cancelled by an organiser',
      'Export downloaded',
      'Update sent',
      'Attendance recorded',
      'Registration added by an organiser',
      'Hosting hubs changed',
      'Session changed',
      'Session created',
    ]);
    for (const r of bySession.rows) expect(r[3]).toBe('Audit trail session');

    // Everything so far happened on 12 January; nothing on the 13th.
    expect((await page(admin, 'from=2026-01-12&to=2026-01-12')).rows.length).toBeGreaterThan(15);
    expect((await page(admin, 'from=2026-01-13&to=2026-01-13')).rows).toEqual([]);
    expect((await page(admin, 'from=2026-01-13&to=2026-01-13')).html).toContain('No entries match these filters.');
  });

  it('speaks each of the eight languages, never showing an action\'s code', async () => {
    for (const lang of LANGUAGES) {
      const res = await admin.get(`/organiser/audit?lang=${lang}`);
      expect(res.statusCode, lang).toBe(200);
      const visible = text(res.body);
      for (const code of AUDIT_ACTIONS) expect(visible, `${lang} ${code}`).not.toContain(code);
      expect(visible, lang).not.toMatch(/undefined|audit\.|regStatus\.|form\./);
      if (lang !== 'en') expect(visible, lang).not.toContain('Audit log');
    }
    await admin.get('/organiser/audit?lang=en');
  });

  it('shows a bad filter again with the error summary, keeping what was typed', async () => {
    const res = await page(admin, 'session=abc&from=2026-02-30&to=2026-01-01&action=nonsense');
    expect(res.status).toBe(400);
    const summary = must(/<div class="alert error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(res.html)?.[1], 'the error summary');
    expect(text(summary)).toContain('Write a session number, such as 12.');
    expect(text(summary)).toContain('Choose an action from the list.');
    expect(summary).toContain('href="#f-session"');
    expect(summary).toContain('href="#f-from"');
    expect(res.html).toContain('value="abc"');
    expect(res.html).not.toContain('undefined');
    const reversed = await page(admin, 'from=2026-01-12&to=2026-01-11');
    expect(reversed.status).toBe(400);
    expect(text(reversed.html)).toContain('The last day comes before the first.');
    // A list where one value is expected is refused naming the field, not a server error.
    expect((await page(admin, 'action=login.failed&action=session.created')).status).toBe(400);
  });

  it('gives times and days in the viewer\'s zone and names it', async () => {
    // The follow-up went at 12:00 UTC on 12 January: 14:00 that day in Athens, already 01:00 on the 13th in Auckland.
    const athens = await page(admin, 'action=followup.sent');
    expect(text(athens.html)).toContain('Times and days are in Europe/Athens.');
    expect(must(athens.rows[0], 'the follow-up')[0]).toBe('12 Jan 2026, 14:00 (Europe/Athens, UTC+02:00)');
    const auckland = 'Pacific/Auckland';
    const there = await page(admin, 'action=followup.sent', auckland);
    expect(text(there.html)).toContain('Times and days are in Pacific/Auckland.');
    expect(must(there.rows[0], 'the follow-up')[0]).toBe('13 Jan 2026, 01:00 (Pacific/Auckland, UTC+13:00)');
    expect(there.html).toContain('<time datetime="2026-01-12T12:00:00Z">');
    // The same days, read in each zone.
    const day = (d: string, zone?: string) => page(admin, `action=followup.sent&from=${d}&to=${d}`, zone).then((r) => r.rows.length);
    expect(await day('2026-01-12')).toBe(1);
    expect(await day('2026-01-13')).toBe(0);
    expect(await day('2026-01-12', auckland)).toBe(0);
    expect(await day('2026-01-13', auckland)).toBe(1);
  });

  it('pages newest first, with a link to older entries that neither repeats nor skips', async () => {
    // More entries than a page holds, many at the same instant.
    for (let i = 0; i < 45; i++) t.services.repos.audit.record({ action: 'login.failed', actor: ANONYMOUS_ACTOR }, t.clock.now());
    const all: string[][] = [];
    let url = '/organiser/audit';
    for (let i = 0; i < 5 && url; i++) {
      const res = await admin.get(url);
      all.push(...rows(res.body));
      url = (/<a href="([^"]+)" rel="next">/.exec(res.body)?.[1] ?? '').replace(/&amp;/g, '&');
    }
    expect(url).toBe('');
    const db = new Database(t.config.databasePath, { readonly: true });
    const count = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    db.close();
    expect(count).toBeGreaterThan(50);
    expect(all).toHaveLength(count);
  });

  it('says how long entries are kept, and a hub organiser sees only their hub\'s sessions and their own actions', async () => {
    expect(text((await admin.get('/organiser/audit')).body)).toContain('Entries are kept for 180 days, then deleted.');
    // A session of Ana's hub that Eleni's hub co-hosts: both see it.
    const s = t.services.sessions.create({ title: 'Joint webinar', hubId: hubId('dih4society'), coHostIds: [hubId('gr-digigov-innohub')], date: '2026-03-12', time: '10:00', zone: 'Europe/Bucharest', durationMinutes: 60 }, organiser(ADMIN.email));
    const anaSees = (await page(ana)).rows;
    expect(anaSees.map((r) => r[3])).toContain('Joint webinar');
    expect(anaSees.map((r) => r[3])).not.toContain('Audit trail session');
    expect(anaSees.map((r) => r[2])).not.toContain('Eleni');
    // Each entry is about the joint session, by Ana, or about Ana's own account.
    for (const r of anaSees) expect(r[3] === 'Joint webinar' || r[2] === 'Ana' || r[4] === 'Ana').toBe(true);
    expect((await page(ana, `session=${sessionId}`)).rows).toEqual([]);
    const eleniSees = (await page(eleni, `session=${s.id}`)).rows;
    expect(eleniSees.map((r) => [r[1], r[2]])).toEqual([['Session created', 'Admin']]);
    // Eleni sees her own actions and her hub's sessions, not Ana's logins.
    const mine = (await page(eleni)).rows;
    expect(mine.some((r) => r[1] === 'Logged in' && r[2] === 'Ana')).toBe(false);
    expect(mine.some((r) => r[3] === 'Audit trail session')).toBe(true);
  });
});

describe('retention', () => {
  it('deletes entries older than RETENTION_DAYS when the clock moves on and housekeeping runs', async () => {
    const housekeeping = new MaintenanceService(t.services.registrations, t.clock, undefined, { audit: t.services.repos.audit, retentionDays: t.config.retentionDays });
    expect(housekeeping.runOnce().auditPruned).toBe(0);
    const before = (await page(admin)).rows.length;
    expect(before).toBeGreaterThan(0);
    t.clock.set('2026-07-13T12:00:00Z'); // more than 180 days after the last entry (13 January)
    const fresh = new Browser(t.app, { 'accept-language': 'en' });
    await fresh.login(ADMIN.email, ADMIN.password);
    expect(housekeeping.runOnce().auditPruned).toBeGreaterThan(before);
    const { rows: left } = await page(fresh);
    // What is left: this login, and the organiser the command line created (its clock is the computer's, later than this test's).
    expect(left.map((r) => [r[1], r[2]])).toEqual([
      ['Organiser created', 'Command line'],
      ['Logged in', 'Admin'],
    ]);
  });
});

/**
 * The audit log as organisers meet it: each recorded action done through the real routes (the
 * organiser area, the API, the command line) appears on /organiser/audit with the right actor; a
 * failed login is there without the address typed; the filters work, dates and times are in the
 * viewer's zone; a hub organiser sees only entries about their hub's sessions and their own; no
 * registrant's address or name is ever in the table; housekeeping deletes entries past retention.
 */
import { spawn } from 'node:child_process';
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

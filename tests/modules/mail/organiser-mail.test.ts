import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { ManualClock } from '../../../src/core/clock.js';
import { migrate } from '../../../src/core/db/migrate.js';
import { openDatabase, type DB } from '../../../src/core/db/open.js';
import { seed, WEBINAR_SLUG } from '../../../src/seed/seed.js';
import { Dispatcher } from '../../../src/core/outbox/dispatcher.js';
import { enqueue, pauseDispatch, pauseState } from '../../../src/core/outbox/queue.js';
import { getMail } from '../../../src/modules/mail/repository.js';
import { createServices } from '../../../src/services.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, testConfig, text } from '../../helpers/app.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { must } from '../../helpers/must.js';
import { createEmailKinds } from '../../../src/email-kinds.js';

let app: FastifyInstance;
let db: DB;
let dir: string;
let clock: ManualClock;
let sink: SmtpSink;
let grMail: number;
let failedMail: number;
let roMail: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kairos-mail-page-'));
  const config = testConfig(dir);
  db = openDatabase(config.databasePath);
  migrate(db);
  clock = new ManualClock(Date.parse('2026-01-12T09:00:00Z'));
  const services = createServices({ db, clock, config });
  seed(db, services, clock);
  await services.auth.createOrganiser({ email: ADMIN.email, name: 'Admin', password: ADMIN.password, role: 'admin' });
  await services.auth.createOrganiser({ email: GR_ORGANISER.email, name: 'Eleni', password: GR_ORGANISER.password, role: 'hub', hubSlug: GR_ORGANISER.hub, zone: 'Europe/Athens' });
  await services.auth.createOrganiser({ email: RO_ORGANISER.email, name: 'Ana', password: RO_ORGANISER.password, role: 'hub', hubSlug: RO_ORGANISER.hub, zone: 'Europe/Bucharest' });
  app = await buildApp({ config, db, clock, services, logger: false });
  await app.ready();

  // Mail about the GR hub's webinar: one delivered, one refused by the relay.
  const webinar = services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
  grMail = enqueue(
    db,
    {
      kind: 'notice',
      dedupeKey: 'page:1:notice',
      to: { email: 'kostas@example.org', name: 'Kostas' },
      language: 'en',
      zone: 'Europe/Bucharest',
      sessionId: webinar.id,
      payload: { subject: 'Slides <b>attached</b>', body: 'See <script>alert(1)</script> the slides.' },
    },
    clock,
  )!;
  failedMail = enqueue(
    db,
    { kind: 'notice', dedupeKey: 'page:2:notice', to: { email: 'gone@example.org' }, language: 'en', zone: 'Europe/Athens', sessionId: webinar.id, payload: { subject: 'Bounced', body: 'x' } },
    clock,
  )!;
  // Mail about a session of the Romanian hub alone.
  const ro = services.repos.hubs.getBySlug(RO_ORGANISER.hub)!;
  const roSession = services.repos.sessions.insert(
    {
      slug: 'ro-only-session',
      seriesId: null,
      hubId: ro.id,
      coHostIds: [],
      title: 'Atelier DIH4Society',
      description: '',
      status: 'scheduled',
      startDate: '2026-02-10',
      startTime: '10:00',
      zone: 'Europe/Bucharest',
      durationMinutes: 60,
      startUtc: Date.parse('2026-02-10T08:00:00Z'),
      endUtc: Date.parse('2026-02-10T09:00:00Z'),
      timeStated: true,
      approxMonth: null,
      approxPart: null,
      joinUrl: null,
      capacity: null,
      language: 'ro',
      doubleOptIn: true,
      calendarUid: 'ro-only-session@kairos.test',
    },
    clock.now(),
  );
  roMail = enqueue(
    db,
    { kind: 'notice', dedupeKey: 'page:3:notice', to: { email: 'radu@example.org' }, language: 'ro', zone: 'Europe/Bucharest', sessionId: roSession.id, payload: { subject: 'Atelier', body: 'x' } },
    clock,
  )!;
  sink = await SmtpSink.start();
  sink.reply('rcpt', 250, { code: 550, message: 'No such user' });
  const d = new Dispatcher({ registry: createEmailKinds(), db, clock, config: { ...config, smtpUrl: sink.url }, concurrency: 1 });
  await d.runOnce();
  await d.stop();
  expect(getMail(db, grMail)!.status).toBe('sent');
  expect(getMail(db, failedMail)!.status).toBe('failed');
});

afterAll(async () => {
  await app.close();
  await sink.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('organiser mail page', () => {
  it('is for signed-in organisers only', async () => {
    const res = await new Browser(app).get('/organiser/mail');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Forganiser%2Fmail');
  });

  it('lists the mail of the organiser’s hub with its status and the relay’s refusal', async () => {
    const b = new Browser(app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const res = await b.get('/organiser/mail');
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Slides <b>attached</b>');
    expect(res.body).not.toContain('<b>attached</b>');
    expect(page).toContain('kostas@example.org');
    expect(page).toContain('Failed');
    expect(page).toContain('550');
    expect(page).toContain('No SMTP relay is configured');

    const failed = await b.get('/organiser/mail?status=failed');
    expect(text(failed.body)).toContain('gone@example.org');
    expect(text(failed.body)).not.toContain('kostas@example.org');
    expect((await b.get('/organiser/mail?status=bogus')).statusCode).toBe(400);
    // A page, a session or a message named by something other than digits is refused, never a server error.
    for (const url of ['/organiser/mail?page=Infinity', '/organiser/mail?page=1e3', '/organiser/mail?page=0', '/organiser/mail?session=Infinity', '/organiser/mail/Infinity', '/organiser/mail/1.5']) {
      expect((await b.get(url)).statusCode, url).toBe(400);
    }
    expect((await b.get('/organiser/mail?page=2&session=1')).statusCode).toBe(200);
  });

  it('names mail not sent yet by what it is, in the organiser’s language, never by an internal key', async () => {
    const webinar = must(db.prepare<[string], { id: number }>('SELECT id FROM sessions WHERE slug = ?').get(WEBINAR_SLUG), 'the webinar');
    const later = must(
      enqueue(db, { kind: 'poll.reminder', dedupeKey: 'page:later:poll.reminder', to: { email: 'later@example.org' }, language: 'en', zone: 'Europe/Athens', sessionId: webinar.id, notBefore: clock.now() + 86_400_000, payload: {} }, clock),
      'the queued reminder',
    );
    const b = new Browser(app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const list = await b.get('/organiser/mail?status=queued');
    const row = must(new RegExp(`<tr>\\s*<th scope="row"><a href="/organiser/mail/${later}">([\\s\\S]*?)</th>`).exec(list.body)?.[1], 'the queued row');
    expect(text(row)).toBe('Date poll reminder (subject set when sent)');
    expect(text(list.body)).not.toMatch(/\bpoll\.reminder\b/);
    const one = await b.get(`/organiser/mail/${later}`);
    expect(text(must(/<h1>([\s\S]*?)<\/h1>/.exec(one.body)?.[1], 'the heading'))).toBe('Date poll reminder');
    const el = new Browser(app, { 'accept-language': 'el' });
    await el.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect(text((await el.get('/organiser/mail?status=queued&lang=el')).body)).toContain('Υπενθύμιση ψηφοφορίας ημερομηνίας');
  });

  it('shows one email as sent, with user text escaped in both parts', async () => {
    const b = new Browser(app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const res = await b.get(`/organiser/mail/${grMail}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('See &lt;script&gt;alert(1)&lt;/script&gt; the slides.');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toMatch(/<iframe class="mail-html" sandbox=""/);
    expect(text(res.body)).toContain(getMail(db, grMail)!.messageId!);
  });

  it('hides mail about sessions the organiser’s hub neither hosts nor co-hosts', async () => {
    const gr = new Browser(app, { 'accept-language': 'en' });
    await gr.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect(text((await gr.get('/organiser/mail')).body)).not.toContain('radu@example.org');
    expect((await gr.get(`/organiser/mail/${roMail}`)).statusCode).toBe(404);
    await gr.get('/organiser/mail');
    expect((await gr.post(`/organiser/mail/${roMail}/retry`, {})).statusCode).toBe(404);

    // The Romanian hub sees its own session's mail; of the webinar it only co-hosts, only the mail to
    // people who chose the Romanian hub (none of these two).
    const ro = new Browser(app, { 'accept-language': 'en' });
    await ro.login(RO_ORGANISER.email, RO_ORGANISER.password);
    const page = text((await ro.get('/organiser/mail')).body);
    expect(page).toContain('radu@example.org');
    expect(page).not.toContain('kostas@example.org');

    const admin = new Browser(app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);
    expect(text((await admin.get('/organiser/mail')).body)).toContain('radu@example.org');
  });

  it('sends a failed email again, with the same Message-ID', async () => {
    const before = getMail(db, failedMail)!;
    const b = new Browser(app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get(`/organiser/mail/${failedMail}`);
    const res = await b.post(`/organiser/mail/${failedMail}/retry`, {});
    expect(res.statusCode).toBe(303);
    expect(getMail(db, failedMail)).toMatchObject({ status: 'queued', attempts: 0, messageId: before.messageId });
    // The organiser is told, on the message's page, which now says it is queued.
    const shown = text((await b.get(String(res.headers.location))).body);
    expect(shown).toContain('The message is queued to be sent again.');
    expect(shown).toMatch(/Status\s*Queued/);
  });

  it('shows a pause; only an administrator can resume sending', async () => {
    pauseDispatch(db, { now: clock.now(), until: clock.now() + 900_000, reason: '535 Authentication credentials invalid', code: '535' });
    const hub = new Browser(app, { 'accept-language': 'en' });
    await hub.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const page = await hub.get('/organiser/mail');
    expect(text(page.body)).toContain('Sending is paused until');
    expect(text(page.body)).toContain('535 Authentication credentials invalid');
    expect((await hub.post('/organiser/mail/resume', {})).statusCode).toBe(403);
    expect(pauseState(db, clock.now()).paused).toBe(true);

    const admin = new Browser(app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);
    await admin.get('/organiser/mail');
    const resumed = await admin.post('/organiser/mail/resume', {});
    expect(resumed.statusCode).toBe(303);
    expect(pauseState(db, clock.now()).paused).toBe(false);
    const after = text((await admin.get(String(resumed.headers.location))).body);
    expect(after).toContain('Sending has resumed.');
    expect(after).not.toContain('Sending is paused until');
  });
});

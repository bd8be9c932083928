/**
 * The server secret lives in a key file, never in the database: created on the first start beside
 * the database (mode 0600), read by every process on the same database (server, worker, scripts),
 * and moved out of the database where an earlier version had kept it there, so that links already
 * sent keep working while the database file no longer holds what rebuilds them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock.js';
import { ConfigError, ROOT, loadConfig } from '../../src/core/config.js';
import { migrate } from '../../src/core/db/migrate.js';
import { openDatabase } from '../../src/core/db/open.js';
import { seed } from '../../src/seed/seed.js';
import { createServices } from '../../src/services.js';
import { secretOf } from '../../src/core/secret.js';
import { manageToken } from '../../src/modules/registrations/tokens.js';
import { ADMIN, GR_ORGANISER, makeApp, testConfig, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { must } from '../helpers/must.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'kairos-key-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent/.env');

describe('SECRET_KEY_FILE', () => {
  it('defaults to kairos.key beside the database; none for an in-memory database', () => {
    expect(load({ DATABASE_PATH: '/srv/kairos/data/kairos.sqlite' }).secretKeyFile).toBe('/srv/kairos/data/kairos.key');
    expect(load({ DATABASE_PATH: ':memory:' }).secretKeyFile).toBeUndefined();
    expect(load({ DATABASE_PATH: ':memory:', SECRET_KEY_FILE: '/etc/kairos/key' }).secretKeyFile).toBe('/etc/kairos/key');
  });

  it('refuses a directory, naming the variable', () => {
    const dir = tempDir();
    let err: unknown;
    try {
      load({ SECRET_KEY_FILE: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('SECRET_KEY_FILE');
  });

  it('refuses a key file too short to be a secret, naming the variable', () => {
    const dir = tempDir();
    const keyFile = path.join(dir, 'kairos.key');
    writeFileSync(keyFile, 'short\n', { mode: 0o600 });
    const config = load({ DATABASE_PATH: path.join(dir, 'kairos.sqlite') });
    const db = openDatabase(config.databasePath);
    try {
      migrate(db);
      expect(() => secretOf(db, config)).toThrow(ConfigError);
      expect(() => secretOf(db, config)).toThrow(/SECRET_KEY_FILE/);
    } finally {
      db.close();
    }
  });
});

describe('the key file', () => {
  it('is created on the first start (owner-only) and read again by the next process on the same database', () => {
    const dir = tempDir();
    const config = testConfig(dir, { SESSION_SECRET: '' });
    const first = openDatabase(config.databasePath);
    migrate(first);
    const secret = createServices({ db: first, clock: new ManualClock(0), config }).secret;
    const keyFile = path.join(dir, 'kairos.key');
    expect(config.secretKeyFile).toBe(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(secret);
    // Another process (another connection) on the same database: the same secret.
    const second = openDatabase(config.databasePath);
    expect(secretOf(second, config)).toBe(secret);
    // An in-memory database gets a secret of its own, the same for every use of that database.
    const mem = openDatabase(':memory:');
    migrate(mem);
    const memConfig = load({ DATABASE_PATH: ':memory:' });
    expect(secretOf(mem, memConfig)).not.toBe(secret);
    expect(secretOf(mem, memConfig)).toBe(secretOf(mem, memConfig));
    first.close();
    second.close();
    mem.close();
  });

  it('takes over a secret an earlier version kept in the database: the links sent keep working, the file no longer holds it', async () => {
    const dir = tempDir();
    const config = testConfig(dir, { SESSION_SECRET: '' });
    const legacy = 'legacy-secret-kept-in-the-settings-table-' + 'x'.repeat(24);
    const db = openDatabase(config.databasePath);
    migrate(db);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('session_secret', ?)`).run(legacy);
    const clock = new ManualClock(Date.parse('2026-03-01T09:00:00Z'));
    const services = createServices({ db, clock, config });
    seed(db, services, clock);
    expect(services.secret).toBe(legacy);
    expect(readFileSync(path.join(dir, 'kairos.key'), 'utf8').trim()).toBe(legacy);
    expect(services.repos.settings.get('session_secret')).toBeUndefined();
    const bytes = Buffer.concat(['', '-wal', '-shm'].map((s) => (existsSync(config.databasePath + s) ? readFileSync(config.databasePath + s) : Buffer.alloc(0))));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from(legacy))).toBe(false);

    // A link made with the old secret (as in an email sent before) still opens the person's page.
    const admin = await services.auth.createOrganiser({ email: ADMIN.email, name: 'Admin', password: ADMIN.password, role: 'admin' });
    const session = services.sessions.create(
      { title: 'Kept links', hubId: services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id, date: '2026-04-01', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false },
      admin,
    );
    const { registration } = services.registrations.register(
      session.id,
      { name: 'Eleni', email: 'eleni.kept@example.org', orgType: 'public', country: 'GR', language: 'en', zone: 'Europe/Athens', consent: 'on' },
      'api',
    );
    const app = await buildApp({ config, db, clock, services, logger: false });
    try {
      const res = await app.inject({ method: 'GET', url: `/r/${manageToken(legacy, registration.tokenNonce)}` });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
      db.close();
    }
  });
});

describe('npm run worker', () => {
  let t: TestApp;
  let sink: SmtpSink;
  const children: ReturnType<typeof spawn>[] = [];
  beforeAll(async () => {
    // The server's secret comes from the key file; so must the worker's.
    t = await makeApp({ now: '2021-08-20T09:00:00Z', env: { SESSION_SECRET: '' } });
    sink = await SmtpSink.start();
  });
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
  afterAll(async () => {
    await sink?.close();
    await t?.close();
  });

  it('reads the same key file: the voting links it sends open the voters’ pages on the server', async () => {
    const gr = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const s = t.services.sessions.create({ title: 'Worker poll', hubId, status: 'tentative', approxMonth: '2021-10', zone: 'Europe/Athens', durationMinutes: 60 }, gr);
    t.services.polls.create(s.id, { zone: 'Europe/Athens' }, gr);
    t.services.polls.addSlot(s.id, { date: '2021-10-05', time: '11:00', durationMinutes: 60 }, gr);
    t.services.polls.invite(s.id, { hubIds: [String(hubId)] }, gr);

    const worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'worker.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: t.config.databasePath, SESSION_SECRET: '', SECRET_KEY_FILE: '', SMTP_URL: sink.url, PUBLIC_URL: 'http://kairos.test', DISPATCHER_INTERVAL_MS: '100', LOG_LEVEL: 'silent', MAINTENANCE_INTERVAL_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(worker);
    let out = '';
    worker.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    worker.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    await sink.waitFor(1, 60_000);
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.on('exit', resolve));

    const token = /http:\/\/kairos\.test\/poll\/([A-Za-z0-9_-]{43})/.exec(must(sink.messages[0], 'the invitation').parsed.text ?? '')?.[1];
    expect(token, out).toBeDefined();
    const base = await listen(t);
    const page = await new HttpClient(base).get(`/poll/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Worker poll');
  });
});

describe('copies of sent mail kept by an earlier version', () => {
  it('have their personal links replaced by the marker on the first start', () => {
    const dir = tempDir();
    const config = testConfig(dir);
    const db = openDatabase(config.databasePath);
    migrate(db);
    const token = 'Qm9uam91ciBsZSBtb25kZSwgdm9pY2kgdW4gamV0b24';
    const joinLink = 'http://kairos.test/join/12.AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    // As an earlier version kept it: the links in clear.
    db.prepare(
      `INSERT INTO outbox (kind, dedupe_key, recipient_email, recipient_name, language, zone, payload, status, not_before, created_at, updated_at,
         rendered_subject, rendered_text, rendered_html, rendered_ical)
       VALUES ('registration.confirmed', 'earlier:1', 'anna@example.org', 'Anna', 'en', 'Europe/Athens', '{}', 'sent', 0, 0, 0,
         'You are registered', ?, ?, ?)`,
    ).run(`Manage: http://kairos.test/r/${token}\nJoin: ${joinLink}`, `<a href="http://kairos.test/r/${token}">manage</a>`, `BEGIN:VCALENDAR\r\nURL:${joinLink}\r\nEND:VCALENDAR\r\n`);
    createServices({ db, clock: new ManualClock(0), config });
    const row = db.prepare(`SELECT rendered_text, rendered_html, rendered_ical FROM outbox WHERE dedupe_key = 'earlier:1'`).get() as Record<string, string>;
    expect(row.rendered_text).toBe('Manage: http://kairos.test/r/[personal link]\nJoin: http://kairos.test/join/[personal link]');
    expect(row.rendered_html).toBe('<a href="http://kairos.test/r/[personal link]">manage</a>');
    expect(row.rendered_ical).toBe('BEGIN:VCALENDAR\r\nURL:http://kairos.test/join/[personal link]\r\nEND:VCALENDAR\r\n');
    const bytes = Buffer.concat(['', '-wal'].map((s) => (existsSync(config.databasePath + s) ? readFileSync(config.databasePath + s) : Buffer.alloc(0))));
    expect(bytes.includes(Buffer.from(token))).toBe(false);
    db.close();
  });
});

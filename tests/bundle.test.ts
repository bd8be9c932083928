/**
 * npm start serves from one bundled file (dist/bundle/server.mjs, src/scripts/bundle.mjs): the
 * bundle starts, serves every kind of answer the app has (pages with templates and static files,
 * the API and its documentation, calendar files), sends mail through SMTP, and is built again only
 * when a source changed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/core/config.js';
import { LANGUAGES, catalogue, t } from '../src/core/i18n/index.js';
import net from 'node:net';
import { startSmtpSink } from './helpers/smtp-sink.js';

async function freePortUrl(): Promise<{ port: number; url: string }> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });
  return { port, url: `http://127.0.0.1:${port}` };
}

/** The bundled server started on a free port with `env` added; resolves once /healthz answers 200. */
async function startBundled(env: Record<string, string>): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const { port, url } = await freePortUrl();
  const child = spawn(process.execPath, [outfile], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', PUBLIC_URL: url, PASSWORD_HASH_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  const deadline = Date.now() + 120_000;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`the bundle did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, output: () => output, stop };
}

type Bundle = (o: { outfile?: string; force?: boolean }) => Promise<{ built: boolean; outfile: string }>;
let bundle: Bundle;
const outDir = path.join(ROOT, 'dist', `test-bundle-${process.pid}`);
const outfile = path.join(outDir, 'server.mjs');
let dir: string;

beforeAll(async () => {
  ({ bundle } = (await import(pathToFileURL(path.join(ROOT, 'src', 'scripts', 'bundle.mjs')).href)) as { bundle: Bundle });
  dir = mkdtempSync(path.join(tmpdir(), 'kairos-bundle-'));
});
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundled server', () => {
  it('is built, then left alone while no source changed, and built again after a change', async () => {
    expect((await bundle({ outfile, force: true })).built).toBe(true);
    expect((await bundle({ outfile })).built).toBe(false);
    // A source newer than the bundle.
    const source = path.join(ROOT, 'src', 'server.ts');
    const before = statSync(source);
    const later = new Date(statSync(outfile).mtimeMs + 5_000);
    utimesSync(source, before.atime, later);
    try {
      expect((await bundle({ outfile })).built).toBe(true);
    } finally {
      utimesSync(source, before.atime, before.mtime);
    }
  });

  it('keeps what loads only when first needed in chunks of its own, each of which loads', () => {
    const chunks = readdirSync(path.join(outDir, 'chunks')).filter((f) => f.endsWith('.mjs'));
    // The MIME parser of replies is the largest of them: not in the file every start reads.
    expect(chunks.length).toBeGreaterThan(2);
    expect(statSync(outfile).size).toBeLessThan(3.5 * 1024 * 1024);
    // Plain ASCII, which Node reads and V8 scans as one byte per character (one other character
    // would make the whole file two bytes per character).
    expect(readFileSync(outfile).every((byte) => byte < 0x80)).toBe(true);
    for (const chunk of chunks) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(path.join(outDir, 'chunks', chunk)).href)}); console.log('loaded')`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(out.trim()).toBe('loaded');
    }
  });

  it('keeps the catalogues other than English beside the bundle, each the same messages as its source', () => {
    const files = readdirSync(path.join(outDir, 'i18n')).sort();
    expect(files).toEqual(LANGUAGES.filter((l) => l !== 'en').map((l) => `${l}.json`).sort());
    for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
      expect(JSON.parse(readFileSync(path.join(outDir, 'i18n', `${lang}.json`), 'utf8')), lang).toEqual({ ...catalogue(lang) });
    }
  });

  it('starts and serves pages, static files, the API and its documentation, and calendar files, and its SMTP listener answers', async () => {
    const { port: smtpPort } = await freePortUrl();
    const server = await startBundled({
      DATABASE_PATH: path.join(dir, 'kairos.sqlite'),
      SMTP_URL: '',
      DISPATCHER_ENABLED: 'false',
      // The listener's library is a chunk loaded when the listener starts.
      REPLY_ADDRESS: 'rsvp@kairos.test',
      INBOUND_SMTP_PORT: String(smtpPort),
    });
    const { url } = server;
    try {
      const get = async (p: string) => {
        const r = await fetch(url + p);
        return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
      };
      const home = await get('/');
      expect(home.status).toBe(200);
      expect(home.body).toContain('Next generation of public services');
      const session = await get('/sessions/1');
      expect(session.status).toBe(200);
      expect(session.body).toContain('Europe/Athens');
      expect((await get('/public/css/kairos.css')).type).toMatch(/^text\/css/);
      const api = await get('/api/v1/sessions');
      expect(api.type).toMatch(/^application\/json/);
      expect((JSON.parse(api.body) as unknown[]).length).toBeGreaterThan(1);
      // A page in a language other than English, from its catalogue read beside the bundle.
      const greek = await fetch(`${url}/`, { headers: { 'accept-language': 'el' } });
      expect(await greek.text()).toContain(`<h1>${t('el', 'home.title')}</h1>`);
      const bulgarian = await fetch(`${url}/sessions/1?lang=bg`);
      expect(await bulgarian.text()).toContain(t('bg', 'session.when'));
      expect((await get('/api/docs/json')).body).toContain('/api/v1/sessions');
      const yaml = await get('/api/docs/yaml');
      expect(yaml.type).toBe('application/x-yaml');
      expect(yaml.body).toMatch(/^openapi: 3\.\d+\.\d+\n/);
      expect(yaml.body).toContain('\n  /api/v1/sessions:\n');
      // The documentation's UI, loaded on the first visit: its page and files, with its own policy.
      for (const [p, type] of [
        ['/api/docs/', /^text\/html/],
        ['/api/docs/static/swagger-ui-bundle.js', /^application\/javascript/],
      ] as const) {
        const r = await fetch(url + p);
        expect(r.status, p).toBe(200);
        expect(r.headers.get('content-type'), p).toMatch(type);
        expect(r.headers.get('content-security-policy'), p).toMatch(/^default-src 'self'; .*img-src 'self' data: validator\.swagger\.io;/);
        expect((await r.text()).length, p).toBeGreaterThan(500);
      }
      const feed = await get('/hubs/1/calendar.ics');
      expect(feed.type).toMatch(/^text\/calendar/);
      expect(feed.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
      // The first start printed the administrator's login, as the unbundled server does.
      expect(server.output()).toContain('First start: an administrator was created.');
      // The inbound SMTP listener greets.
      const banner = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(smtpPort, '127.0.0.1');
        socket.setTimeout(30_000, () => reject(new Error('no SMTP greeting')));
        socket.once('data', (d: Buffer) => {
          resolve(d.toString('utf8'));
          socket.end('QUIT\r\n');
        });
        socket.once('error', reject);
      });
      expect(banner).toMatch(/^220 .*Kairos replies and bounces/);
    } finally {
      await server.stop();
    }
  });
  it('sends a registration\'s email through SMTP, the mail library read when first sent', async () => {
    const sink = await startSmtpSink();
    const server = await startBundled({
      DATABASE_PATH: path.join(dir, 'kairos-mail.sqlite'),
      SMTP_URL: sink.url,
      DISPATCHER_ENABLED: 'true',
      DISPATCHER_INTERVAL_MS: '200',
      SEED_DEMO: 'true',
    });
    const { url } = server;
    try {
      // The demo's upcoming webinar takes registrations.
      const sessions = (await (await fetch(`${url}/api/v1/sessions?limit=100`)).json()) as { id: number; status: string; startUtc: string | null; hubId: number }[];
      const open = sessions.find((x) => x.status === 'scheduled' && x.startUtc !== null && Date.parse(x.startUtc) > Date.now());
      expect(open, `an upcoming session among ${JSON.stringify(sessions.map((x) => [x.id, x.status, x.startUtc]))}`).toBeDefined();
      const res = await fetch(`${url}/api/v1/sessions/${open!.id}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ioana Popescu', email: 'ioana.bundle@example.org', organisation: 'Cluj city', orgType: 'public', hubId: open!.hubId, country: 'RO', language: 'ro', zone: 'Europe/Bucharest', consent: true }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      await sink.waitFor(1, 60_000);
      const [mail] = sink.messages;
      expect(mail!.envelope.rcptTo).toEqual(['ioana.bundle@example.org']);
      // The demo asks registrants to confirm their address: the email in Romanian, with the link.
      expect(mail!.parsed.html).toContain('<html lang="ro"');
      expect(mail!.parsed.text).toMatch(new RegExp(`${url}/r/[A-Za-z0-9_-]{40,60}/confirm`));
    } finally {
      await server.stop();
      await sink.close();
    }
  });
});

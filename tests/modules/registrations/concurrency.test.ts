import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApp, type TestApp } from '../../helpers/app.js';

// Real listening ports, the real clock (sessions are placed well in the future), two processes
// writing to one SQLite file.
let t: TestApp;
let child: ChildProcess;
let ports: number[] = [];
const RAISED_LIMITS = { REGISTRATION_RATE_PER_IP: '1000', REGISTRATION_RATE_PER_SESSION: '1000' };

beforeAll(async () => {
  // 500 registrations from one address: this test is about seats, not about the rate limits.
  t = await makeApp({ now: new Date().toISOString(), env: RAISED_LIMITS });
  // the test app's clock stays where it is; the child uses the system clock
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const own = (t.app.server.address() as { port: number }).port;
  child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/server-child.ts'], {
    env: { ...process.env, ...RAISED_LIMITS, DATABASE_PATH: t.config.databasePath, SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789', PUBLIC_URL: 'http://kairos.test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child server did not start')), 30_000);
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  ports = [own, port];
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await t.close();
});

describe('capacity under concurrency', () => {
  it('500 simultaneous registrations for 50 places, over two server processes: exactly 50 confirmed, 450 waitlisted, 0 errors', async () => {
    const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
    const next = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const session = t.services.sessions.create(
      { title: 'Capacity test', hubId: t.services.repos.hubs.getBySlug('smart-secure-cities')!.id, date: next, time: '12:00', zone: 'Europe/Warsaw', durationMinutes: 60, capacity: 50, doubleOptIn: false },
      admin,
    );
    const N = 500;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        fetch(`http://127.0.0.1:${ports[i % 2]}/api/v1/sessions/${session.id}/registrations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Load ${i}`, email: `load${i}@example.org`, orgType: 'sme', country: 'PL', zone: 'Europe/Warsaw', language: 'pl', consent: true }),
        }).then(async (r) => ({ code: r.status, body: (await r.json()) as { status?: string } }), (e: Error) => ({ code: 0, body: { status: e.message } })),
      ),
    );
    const ms = Date.now() - started;
    const by = (status: string) => results.filter((r) => r.code === 201 && r.body.status === status).length;
    const errors = results.filter((r) => r.code !== 201).length;
    const counts = t.services.repos.registrations.statusCounts(session.id);
    const outboxRows = (t.db.prepare("SELECT count(*) AS n FROM outbox WHERE session_id = ? AND kind <> 'reminder'").get(session.id) as { n: number }).n;
    const reminderRows = (t.db.prepare("SELECT count(*) AS n FROM outbox WHERE session_id = ? AND kind = 'reminder'").get(session.id) as { n: number }).n;
    console.log(
      `concurrency: ${N} requests over 2 processes in ${ms} ms → confirmed ${by('confirmed')}, waitlisted ${by('waitlisted')}, errors ${errors}; ` +
        `database: confirmed ${counts.confirmed}, waitlisted ${counts.waitlisted}; outbox rows ${outboxRows}`,
    );
    expect(errors).toBe(0);
    expect(by('confirmed')).toBe(50);
    expect(by('waitlisted')).toBe(450);
    expect(counts).toMatchObject({ confirmed: 50, waitlisted: 450, pending: 0 });
    // one email per registration, written with it; two reminders (a day and an hour before) per confirmed seat
    expect(outboxRows).toBe(500);
    expect(reminderRows).toBe(100);
    // the waitlist order is the order of arrival as the database saw it: every waitlisted person came after every confirmed one
    const rows = t.db.prepare('SELECT status, id FROM registrations WHERE session_id = ? ORDER BY id').all(session.id) as { status: string; id: number }[];
    const lastConfirmed = Math.max(...rows.filter((r) => r.status === 'confirmed').map((r) => r.id));
    const firstWaiting = Math.min(...rows.filter((r) => r.status === 'waitlisted').map((r) => r.id));
    expect(lastConfirmed).toBeLessThan(firstWaiting);
  });
});

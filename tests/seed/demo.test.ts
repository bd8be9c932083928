/**
 * The demo series a fresh installation gets: dated from the first start, clearly marked, open for
 * registration and voting, added once, and removed by an administrator in one action without
 * touching the press-release history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { FOLLOW_UP_SLUG, WEBINAR_SLUG } from '../../src/seed/seed.js';
import { seedDemo } from '../../src/seed/seed-demo.js';
import { ADMIN, Browser, GR_ORGANISER, makeApp, text, type TestApp } from '../helpers/app.js';
import { must } from '../helpers/must.js';

/** Wall clock in Athens by Intl (not the code under test). */
const athens = (ms: number) => {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Athens', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return { weekday: parts.weekday, date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
};
const DAY = 86_400_000;

let t: TestApp;
// A first start on Monday 7 December 2026, 09:00 UTC.
const FIRST_START = '2026-12-07T09:00:00Z';
beforeAll(async () => {
  t = await makeApp({ now: FIRST_START });
});
afterAll(() => t.close());

const demoSessions = () => t.services.repos.sessions.list().filter((s) => s.slug.startsWith('demo-'));

describe('the demo series of a fresh installation', () => {
  it('is dated from the first start: an upcoming webinar open for registration, a tentative follow-up with an open poll', async () => {
    const { created } = seedDemo(t.db, t.services, t.clock);
    expect(created).toHaveLength(4);
    const now = t.clock.now();
    const [webinar, followUp] = [must(t.services.repos.sessions.getBySlug('demo-webinar'), 'the demo webinar'), must(t.services.repos.sessions.getBySlug('demo-follow-up'), 'the demo follow-up')];
    expect(webinar.title).toMatch(/^Demo: /);
    expect(followUp.title).toMatch(/^Demo: /);
    expect(webinar.status).toBe('scheduled');
    const start = must(webinar.startUtc, 'the webinar start');
    expect(start - now).toBeGreaterThanOrEqual(14 * DAY - DAY);
    expect(start - now).toBeLessThan(22 * DAY);
    expect(athens(start)).toMatchObject({ weekday: 'Tue', time: '11:00' });
    expect(followUp.status).toBe('tentative');
    const poll = must(t.services.repos.polls.forSession(followUp.id), 'the demo poll');
    const deadline = must(poll.deadlineUtc, 'the poll deadline');
    expect(deadline).toBeGreaterThan(now);
    expect(athens(deadline)).toMatchObject({ weekday: 'Fri', time: '17:00' });
    const slots = t.services.repos.polls.slots(poll.id);
    expect(slots).toHaveLength(4);
    for (const s of slots) expect(s.startUtc).toBeGreaterThan(deadline);

    // A visitor sees it as upcoming and can register.
    const visitor = new Browser(t.app, { 'accept-language': 'en' });
    const home = text((await visitor.get('/')).body);
    expect(home).toContain('Demo: AI in public services, an open webinar');
    const page = await visitor.get(`/sessions/${webinar.id}`);
    expect(page.body).toContain('id="register-form"');
    // The history of the press release is untouched.
    expect(t.services.repos.sessions.getBySlug(WEBINAR_SLUG)?.status).toBe('completed');
    expect(t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)?.approxMonth).toBe('2021-09');
  });

  it('is added once: a second start adds nothing', () => {
    const before = demoSessions().length;
    expect(seedDemo(t.db, t.services, t.clock).created).toEqual([]);
    expect(demoSessions()).toHaveLength(before);
  });

  it('is removed by an administrator in one action, with its registrations, poll and mail, and never comes back', async () => {
    const webinar = must(t.services.repos.sessions.getBySlug('demo-webinar'), 'the demo webinar');
    t.services.registrations.register(webinar.id, { name: 'Trying it out', email: 'tryer@example.org', orgType: 'public', country: 'GR', zone: 'Europe/Athens', language: 'el', consent: true }, 'api');
    const mailFor = () => (t.db.prepare('SELECT count(*) AS n FROM outbox WHERE session_id = ?').get(webinar.id) as { n: number }).n;
    expect(mailFor()).toBeGreaterThan(0);

    const hub = new Browser(t.app, { 'accept-language': 'en' });
    await hub.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect(text((await hub.get('/organiser')).body)).not.toContain('Remove the demo');
    expect((await hub.post('/organiser/demo/remove', {})).statusCode).toBe(403);
    expect(demoSessions()).toHaveLength(2);

    const admin = new Browser(t.app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);
    const org = text((await admin.get('/organiser')).body);
    expect(org).toContain('This installation holds a demo series (2 sessions)');
    const removed = await admin.post('/organiser/demo/remove', {});
    expect(removed.statusCode).toBe(303);
    expect(text((await admin.get(removed.headers.location as string)).body)).toContain('The demo series was removed.');
    expect(demoSessions()).toEqual([]);
    expect(t.services.repos.series.getBySlug('demo-series')).toBeUndefined();
    expect(mailFor()).toBe(0);
    expect(t.db.prepare("SELECT count(*) AS n FROM registrations WHERE email_norm = 'tryer@example.org'").get()).toEqual({ n: 0 });
    expect(text((await admin.get('/organiser')).body)).not.toContain('Remove the demo');
    // The press-release history stays, and a later start does not bring the demo back.
    expect(t.services.repos.sessions.getBySlug(WEBINAR_SLUG)).toBeDefined();
    expect(t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)).toBeDefined();
    expect(seedDemo(t.db, t.services, t.clock).created).toEqual([]);
    expect(demoSessions()).toEqual([]);
  });

  it('is on by default and off with SEED_DEMO=false (the production setting)', () => {
    expect(loadConfig({ DATABASE_PATH: 'x.sqlite' }, '/nonexistent/.env').seedDemo).toBe(true);
    expect(loadConfig({ DATABASE_PATH: 'x.sqlite', SEED_DEMO: 'false' }, '/nonexistent/.env').seedDemo).toBe(false);
  });
});

/**
 * Golden output: what people and programs receive from the public pages, the organiser pages, the
 * API and the calendar files, byte for byte, compared with files in tests/fixtures/golden/. The app
 * runs on a fixed clock and the seed data, on a real port; only what is random per request or per
 * database is replaced before comparing (CSRF token values, the personal link's token and the join
 * link derived from it, the random part of calendar UIDs). Caches must not change a byte: a second
 * identical request gives identical bytes, and an edit by an organiser shows at once on the page,
 * in the API and in the calendar file, whose ETag changes.
 *
 * To write the files again after an intended change of output: UPDATE_GOLDEN=1 npx vitest run tests/core/render/golden-output.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registration } from '../../../src/modules/registrations/repository.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { ADMIN, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen, type HttpResponse } from '../../helpers/http.js';
import { newSession } from '../../helpers/sessions.js';
import { must } from '../../helpers/must.js';

const need = <T>(v: T | undefined | null, what = 'a fixture value'): T => must(v, what);

const DIR = path.join(import.meta.dirname, '..', '..', 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** Headers that differ per request by nature (or are compared on their own, like the ETag). */
const SKIPPED_HEADERS = new Set(['date', 'etag', 'set-cookie', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']);

let t: TestApp;
let base: string;
let visitor: HttpClient;
let organiser: HttpClient;
let vilnius: Session;
let cancelled: Session;
let registration: Registration;
let secrets: [string, string][] = [];

const hubId = (slug: string) => need(t.services.repos.hubs.getBySlug(slug)).id;

/** The answer as one text: status, the headers that do not vary by nature, a blank line, the body. */
function snapshot(res: HttpResponse): string {
  const headers = Object.entries(res.headers)
    .filter(([k]) => !SKIPPED_HEADERS.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${v}`);
  let body = res.body.replace(/(name="_csrf" value=")[^"]+"/g, '$1<csrf>"');
  for (const [secret, marker] of secrets) body = body.split(secret).join(marker);
  return [`HTTP ${res.statusCode}`, ...headers, '', body].join('\n');
}

function fileOf(name: string): string {
  return path.join(DIR, `${name}.txt`);
}

/** Compares with the stored file (or writes it with UPDATE_GOLDEN=1). */
function expectGolden(name: string, res: HttpResponse): void {
  const got = snapshot(res);
  const file = fileOf(name);
  if (UPDATE) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, got);
    return;
  }
  expect(existsSync(file), `missing golden file ${name}.txt`).toBe(true);
  expect(got).toBe(readFileSync(file, 'utf8'));
}

interface Case {
  name: string;
  url: string;
  as?: 'organiser';
  headers?: Record<string, string>;
}

function cases(): Case[] {
  const webinar = need(t.services.repos.sessions.getBySlug('next-generation-of-public-services-2021-07-15'));
  const followUp = need(t.services.sessions.list().find((s) => s.status === 'tentative'));
  const seriesId = need(webinar.seriesId);
  const gr = hubId('gr-digigov-innohub');
  const ro = hubId('dih4society');
  const mailId = need(t.db.prepare<[], { id: number }>('SELECT min(id) AS id FROM outbox').get()).id;
  const token = t.services.registrations.tokenFor(registration);
  const list: Case[] = [
    { name: 'home', url: '/' },
    { name: 'home-el', url: '/?lang=el' },
    { name: 'home-organiser', url: '/', as: 'organiser' },
    { name: 'healthz', url: '/healthz' },
    { name: 'api-hubs', url: '/api/v1/hubs' },
    { name: 'hub-feed-gr', url: `/hubs/${gr}/calendar.ics` },
    { name: 'hub-feed-ro', url: `/hubs/${ro}/calendar.ics` },
    { name: 'series-feed', url: `/series/${seriesId}/calendar.ics` },
    { name: 'personal-feed', url: `/r/${token}/calendar.ics` },
    { name: 'organiser-index', url: '/organiser', as: 'organiser' },
    { name: 'organiser-mail', url: '/organiser/mail', as: 'organiser' },
    { name: 'organiser-mail-message', url: `/organiser/mail/${mailId}`, as: 'organiser' },
    { name: 'not-found', url: '/no-such-page' },
  ];
  for (const [label, s] of [['webinar', webinar], ['follow-up', followUp], ['vilnius', vilnius], ['cancelled', cancelled]] as const) {
    list.push(
      { name: `session-${label}`, url: `/sessions/${s.id}` },
      { name: `session-${label}-el`, url: `/sessions/${s.id}?lang=el` },
      { name: `session-${label}-ro-madrid`, url: `/sessions/${s.id}`, headers: { 'accept-language': 'ro-RO,ro;q=0.9', cookie: 'kairos_tz=Atlantic/Canary' } },
      { name: `session-${label}-organiser`, url: `/sessions/${s.id}`, as: 'organiser' },
      { name: `api-session-${label}`, url: `/api/v1/sessions/${s.id}` },
      { name: `ics-session-${label}`, url: `/sessions/${s.id}/calendar.ics` },
      { name: `organiser-registrations-${label}`, url: `/organiser/sessions/${s.id}/registrations`, as: 'organiser' },
    );
  }
  return list;
}

beforeAll(async () => {
  // Two weeks before the seeded webinar: its page still has the registration form.
  t = await makeApp({ now: '2021-07-01T09:00:00Z' });
  const admin = need(t.services.repos.organisers.credentials(ADMIN.email)).organiser;
  vilnius = newSession(t, { hubId: hubId('gr-digigov-innohub'), coHostIds: [String(hubId('dih4society'))], capacity: '30', doubleOptIn: false, description: 'Open data & <municipal> services "in practice".' });
  cancelled = newSession(t, { title: 'A session called off', date: '2021-10-05', time: '16:30', zone: 'Europe/Madrid', hubId: hubId('gr-digigov-innohub') });
  cancelled = t.services.sessions.cancel(cancelled.id, admin);
  const form = { name: 'Ioana Pop', email: 'ioana.pop@example.org', organisation: 'Municipality of Cluj', orgType: 'public', country: 'RO', hubId: String(hubId('dih4society')), language: 'ro', zone: 'Europe/Bucharest', consent: 'on' };
  registration = t.services.registrations.register(vilnius.id, form).registration;
  t.services.registrations.register(vilnius.id, { ...form, name: 'Nikos P', email: 'nikos@example.org', hubId: String(hubId('gr-digigov-innohub')), country: 'GR', language: 'el', zone: 'Europe/Athens' });
  // Calendar UIDs carry 96 random bits; the files compare the same with a stable stand-in.
  t.db.prepare("UPDATE sessions SET calendar_uid = 'session-golden-' || id || '@kairos.test'").run();
  // So do the slugs of new sessions (a random suffix keeps them unique).
  const setSlug = t.db.prepare('UPDATE sessions SET slug = ? WHERE id = ?');
  setSlug.run('open-data-for-municipalities-golden', vilnius.id);
  setSlug.run('a-session-called-off-golden', cancelled.id);
  cancelled = need(t.services.repos.sessions.get(cancelled.id));
  vilnius = need(t.services.repos.sessions.get(vilnius.id));
  registration = need(t.services.repos.registrations.get(registration.id));
  secrets = [
    [t.services.registrations.tokenFor(registration), '<personal-token>'],
    [t.services.attendance.joinUrl(registration), '<personal-join-url>'],
  ];
  base = await listen(t);
  visitor = new HttpClient(base);
  organiser = new HttpClient(base);
  const login = await organiser.login(GR_ORGANISER.email, GR_ORGANISER.password);
  expect(login.statusCode).toBe(303);
});
afterAll(async () => {
  await t?.close();
});

async function fetchCase(c: Case): Promise<HttpResponse> {
  // A visitor comes fresh each time: no language or zone remembered from another case.
  const client = c.as === 'organiser' ? organiser : new HttpClient(base);
  return client.get(c.url, c.headers ?? {});
}

describe('golden output', () => {
  it('every page, API answer and calendar file is byte for byte what it was', async () => {
    const list = cases();
    expect(list.length).toBeGreaterThan(30);
    for (const c of list) expectGolden(c.name, await fetchCase(c));
  });

  it('asking again gives the same bytes (caches do not drift)', async () => {
    for (const c of cases()) {
      const first = snapshot(await fetchCase(c));
      const again = snapshot(await fetchCase(c));
      expect(again, c.name).toBe(first);
    }
  });

  it('an organiser\'s edit shows at once on the page, in the API and in the calendar file, whose ETag changes', async () => {
    const ics = `/sessions/${vilnius.id}/calendar.ics`;
    const hubFeed = `/hubs/${hubId('gr-digigov-innohub')}/calendar.ics`;
    const before = await visitor.get(ics);
    const feedBefore = await visitor.get(hubFeed);
    const etag = need(before.headers.etag);
    expect((await visitor.get(ics, { 'if-none-match': etag })).statusCode).toBe(304);
    // Warm every cache that could hold the old title.
    await visitor.get(`/sessions/${vilnius.id}`);
    await visitor.get(`/api/v1/sessions/${vilnius.id}`);
    await visitor.get('/');

    await organiser.get(`/organiser/sessions/${vilnius.id}/edit`);
    const s = vilnius;
    t.clock.advance(60_000);
    const saved = await organiser.post(`/organiser/sessions/${s.id}`, {
      title: 'Open data for municipalities, second edition',
      description: s.description,
      seriesId: '',
      hubId: String(s.hubId),
      coHostIds: s.coHostIds.map(String),
      status: s.status,
      date: need(s.startDate),
      time: '12:30',
      zone: s.zone,
      durationMinutes: String(s.durationMinutes),
      approxMonth: '',
      approxPart: '',
      joinUrl: s.joinUrl ?? '',
      capacity: String(s.capacity ?? ''),
      language: s.language,
      doubleOptIn: 'on',
      reminderOffsets: 'P1D, PT1H',
    });
    expect(saved.statusCode).toBe(303);

    const page = await visitor.get(`/sessions/${vilnius.id}`);
    expect(page.body).toContain('Open data for municipalities, second edition');
    expect(page.body).toContain('12:30');
    const api = (await visitor.get(`/api/v1/sessions/${vilnius.id}`)).json<{ title: string }>();
    expect(api.title).toBe('Open data for municipalities, second edition');
    expect((await visitor.get('/')).body).toContain('Open data for municipalities, second edition');
    const after = await visitor.get(ics, { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('SUMMARY:Open data for municipalities\\, second edition');
    expect(after.body).not.toBe(before.body);
    expect(need(after.headers.etag)).not.toBe(etag);
    const feedAfter = await visitor.get(hubFeed, { 'if-none-match': need(feedBefore.headers.etag) });
    expect(feedAfter.statusCode).toBe(200);
    expect(feedAfter.body).toContain('second edition');
    expect(feedAfter.headers.etag).not.toBe(feedBefore.headers.etag);
  });
});

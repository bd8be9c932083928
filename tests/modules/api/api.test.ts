import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP_SLUG, WEBINAR_SLUG } from '../../../src/seed/seed.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let grToken: string;
let roToken: string;
beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
  const id = (email: string) => t.services.repos.organisers.credentials(email)!.organiser.id;
  grToken = t.services.auth.createToken(id(GR_ORGANISER.email), 'test').token;
  roToken = t.services.auth.createToken(id(RO_ORGANISER.email), 'test').token;
});
afterAll(() => t.close());

/** The parts of the API's JSON answers these tests read. */
interface SessionJson {
  id: number;
  startUtc: string | null;
  joinUrl?: string;
  sequence: number;
  status: string;
  places: { key: string }[];
}
interface ErrorJson {
  field?: string;
  message?: string;
  fields?: { field: string }[];
}

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, token?: string) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(body === undefined ? {} : { payload: body as object }),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

const hubId = (slug: string) => t.services.repos.hubs.getBySlug(slug)!.id;

describe('reading', () => {
  it('lists the hubs with zones and languages, without a token', async () => {
    const res = await api('GET', '/hubs');
    expect(res.statusCode).toBe(200);
    const hubs = res.json<{ name: string; zone: string }[]>();
    expect(hubs).toHaveLength(9);
    expect(hubs.find((h) => h.name === 'DiGiNN Cyprus EDIH')!.zone).toBe('Asia/Nicosia');
  });

  it('reports a session\'s instant, zone, wall time and local time per country', async () => {
    const w = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
    const res = await api('GET', `/sessions/${w.id}`);
    expect(res.statusCode).toBe(200);
    const s = res.json<SessionJson>();
    expect(s).toMatchObject({
      startUtc: '2021-07-15T08:00:00Z',
      zone: 'Europe/Athens',
      wallTime: { date: '2021-07-15', time: '11:00', zone: 'Europe/Athens' },
      timeStated: false,
      status: 'completed',
    });
    expect(s.joinUrl).toBeUndefined();
    const canary = s.places.find((p) => p.key === 'canary');
    expect(canary).toMatchObject({ localStart: '09:00', localEnd: '11:00', utcOffset: 'UTC+01:00', localIso: '2021-07-15T09:00:00+01:00', workingHours: true });
    expect(s.places).toHaveLength(9);
  });

  it('reports the tentative follow-up with its rough time and no instant', async () => {
    const f = t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)!;
    const s = (await api('GET', `/sessions/${f.id}`)).json<SessionJson>();
    expect(s).toMatchObject({ status: 'tentative', startUtc: null, wallTime: null, approximate: { month: '2021-09', part: 'mid', label: 'mid-September 2021, date to be announced' }, places: [] });
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    expect((await api('GET', '/sessions/99999')).statusCode).toBe(404);
    const bad = await api('GET', '/sessions/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>().fields?.[0]?.field).toBe('id');
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json<{ paths: Record<string, unknown> }>().paths)).toEqual(expect.arrayContaining(['/api/v1/sessions', '/api/v1/sessions/{id}', '/api/v1/hubs', '/api/v1/series']));
    // Only the API: no page, form or calendar route among the operations.
    expect(Object.keys(res.json<{ paths: Record<string, unknown> }>().paths).filter((p) => !p.startsWith('/api/v1/'))).toEqual([]);
  });
});

describe('writing with a token', () => {
  const body = () => ({
    title: 'Case studies: AI in public services',
    hubId: hubId('gr-digigov-innohub'),
    coHostIds: [hubId('edih4dt')],
    date: '2026-10-25',
    time: '10:00',
    zone: 'Europe/Athens',
    durationMinutes: 90,
    joinUrl: 'https://meet.example.org/ai',
  });

  it('refuses writes without a valid token (401)', async () => {
    expect((await api('POST', '/sessions', body())).statusCode).toBe(401);
    expect((await api('POST', '/sessions', body(), 'kairos_not-a-real-token')).statusCode).toBe(401);
  });

  it('creates a session on the day the clocks go back: 10:00 Athens is 08:00Z', async () => {
    const res = await api('POST', '/sessions', body(), grToken);
    expect(res.statusCode).toBe(201);
    const s = res.json<SessionJson>();
    expect(s.startUtc).toBe('2026-10-25T08:00:00Z');
    expect(s.joinUrl).toBe('https://meet.example.org/ai');
    expect(res.headers.location).toBe(`/api/v1/sessions/${s.id}`);
  });

  it('answers 400 naming the field for bad input, and stores nothing', async () => {
    const before = t.services.repos.sessions.list().length;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...body(), zone: 'Etc/GMT+2' }, 'zone'],
      [{ ...body(), date: '2026-03-29', time: '03:30' }, 'time'],
      [{ ...body(), date: '2026-10-25', time: '03:30' }, 'time'],
      [{ ...body(), durationMinutes: 'long' }, 'durationMinutes'],
      [{ ...body(), colour: 'red' }, 'colour'],
      [{ ...body(), title: '' }, 'title'],
      [{ ...body(), joinUrl: 'ftp://x' }, 'joinUrl'],
      [{ ...body(), date: '2020-01-01' }, 'date'],
    ];
    for (const [payload, field] of cases) {
      const res = await api('POST', '/sessions', payload, grToken);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const j = res.json<ErrorJson>();
      const fields = (j.fields ?? [{ field: j.field }]).map((f) => f.field);
      expect(fields, j.message).toContain(field);
    }
    expect(t.services.repos.sessions.list().length).toBe(before);
  });

  it('updates with PATCH; another hub\'s organiser gets 403 and nothing changes', async () => {
    const created = (await api('POST', '/sessions', { ...body(), coHostIds: [] }, grToken)).json<SessionJson>();
    const moved = await api('PATCH', `/sessions/${created.id}`, { time: '12:00', zone: 'Atlantic/Canary' }, grToken);
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ startUtc: '2026-10-25T12:00:00Z', wallTime: { time: '12:00', zone: 'Atlantic/Canary' }, sequence: created.sequence + 1 });
    const denied = await api('PATCH', `/sessions/${created.id}`, { title: 'Taken over' }, roToken);
    expect(denied.statusCode).toBe(403);
    expect(t.services.repos.sessions.get(created.id)!.title).toBe(body().title);
    const cancelled = await api('POST', `/sessions/${created.id}/cancel`, undefined, grToken);
    expect(cancelled.json<SessionJson>().status).toBe('cancelled');
  });

  it('an administrator token may write any hub\'s session; a revoked token no longer works', async () => {
    const adminId = t.services.repos.organisers.credentials(ADMIN.email)!.organiser.id;
    const { token, id } = t.services.auth.createToken(adminId, 'temp');
    const res = await api('POST', '/sessions', { ...body(), hubId: hubId('smart-secure-cities') }, token);
    expect(res.statusCode).toBe(201);
    t.services.auth.revokeToken(adminId, id);
    expect((await api('POST', '/sessions', body(), token)).statusCode).toBe(401);
  });

  it('refuses a hub organiser creating a session for another hub', async () => {
    const res = await api('POST', '/sessions', { ...body(), hubId: hubId('smart-secure-cities') }, grToken);
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorJson>().fields?.[0]?.field).toBe('hubId');
  });
});

describe('health', () => {
  it('reports readiness', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ status: string }>().status).toBe('ok');
  });
});

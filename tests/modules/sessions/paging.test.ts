/**
 * Lists a page at a time: the home page (upcoming, then past), the past view, the organiser's list and
 * the API's session list, walked page by page over HTTP on a real port with 120 sessions more than
 * the seed's; their SQL read in index order (EXPLAIN QUERY PLAN), never sorted whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGED_SQL, type Session } from '../../../src/modules/sessions/repository.js';
import { ADMIN, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';

const NOW = '2026-01-12T09:00:00Z';
let t: TestApp;
let base: string;
let all: Session[];

const hubIds = () => t.services.repos.hubs.list().map((h) => h.id);

beforeAll(async () => {
  t = await makeApp({ now: NOW });
  // Sessions are made a year earlier, so that the ones now past could be given a future date then.
  t.clock.set('2024-12-01T09:00:00Z');
  const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  const hubs = hubIds();
  const series = t.services.sessions.seriesList()[0]!.id;
  for (let i = 0; i < 120; i++) {
    const hubId = hubs[i % hubs.length]!;
    const common = { title: `Session ${i}`, hubId, zone: 'Europe/Vilnius', durationMinutes: 60, seriesId: i % 4 === 0 ? series : null, coHostIds: i % 7 === 0 ? [hubs[(i + 1) % hubs.length]!] : [] };
    // Every tenth session has no date yet (a rough month); every twelfth shares its start with the one before.
    const dated = {
      date: `${2025 + Math.floor(i / 60)}-${String(((i * 5) % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
      time: i % 12 === 11 ? '10:00' : `${String(8 + (i % 9)).padStart(2, '0')}:30`,
    };
    const s =
      i % 10 === 3
        ? t.services.sessions.create({ ...common, status: 'tentative', approxMonth: `${2025 + (i % 2)}-${String((i % 12) + 1).padStart(2, '0')}`, approxPart: (['early', 'mid', 'late'] as const)[i % 3] }, admin)
        : t.services.sessions.create({ ...common, ...dated, status: i % 17 === 5 ? 'completed' : 'scheduled' }, admin);
    if (i % 13 === 6) t.services.sessions.cancel(s.id, admin);
  }
  t.clock.set(NOW);
  all = t.services.sessions.list();
  base = await listen(t);
}, 120_000);
afterAll(() => t.close());

// The order people read, worked out here from the rules (not from the queries under test).
const now = Date.parse(NOW);
const monthEnd = (m: string) => Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1);
const isPast = (s: Session) =>
  s.status === 'completed' || (s.endUtc !== null && s.endUtc <= now) || ((s.status === 'tentative' || s.startUtc === null) && !!s.approxMonth && monthEnd(s.approxMonth) <= now);
const sortKey = (s: Session) => {
  if (s.startUtc !== null) return s.startUtc;
  if (s.approxMonth) return Date.UTC(Number(s.approxMonth.slice(0, 4)), Number(s.approxMonth.slice(5, 7)) - 1, s.approxPart === 'early' ? 5 : s.approxPart === 'late' ? 25 : 15);
  return s.createdAt;
};
const upcomingOrder = (list: Session[]) => list.filter((s) => !isPast(s)).sort((a, b) => sortKey(a) - sortKey(b) || a.id - b.id).map((s) => s.id);
const pastOrder = (list: Session[]) => list.filter(isPast).sort((a, b) => sortKey(b) - sortKey(a) || a.id - b.id).map((s) => s.id);

/** Session ids in the order a page shows them, series groups read one after the other. */
const cardIds = (html: string, section: string) => {
  const start = html.indexOf(`<section aria-labelledby="h-${section}">`);
  if (start < 0) return [];
  const body = html.slice(start, html.indexOf('</section>', start));
  return [...body.matchAll(/<h4><a href="\/sessions\/(\d+)">/g)].map((m) => Number(m[1]));
};
/** Rows of the organiser's table. */
const rowIds = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/sessions\/(\d+)">/g)].map((m) => Number(m[1]));
const relLink = (html: string, rel: 'next' | 'prev') => new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html)?.[1]?.replace(/&amp;/g, '&');

/** Series groups put a page's sessions in series order; within each group the list order holds. */
function expectGroupedOrder(pageIds: number[], expected: number[]) {
  const seriesOf = new Map(all.map((s) => [s.id, s.seriesId]));
  const order: (number | null)[] = [];
  for (const id of expected) if (!order.includes(seriesOf.get(id) ?? null)) order.push(seriesOf.get(id) ?? null);
  const grouped = order.flatMap((g) => expected.filter((id) => (seriesOf.get(id) ?? null) === g));
  expect(pageIds).toEqual(grouped);
}

describe('home page, a page at a time', () => {
  it('walks every upcoming session once, soonest first, following rel="next" to the end', async () => {
    const c = new HttpClient(base);
    const expected = upcomingOrder(all);
    expect(expected.length).toBeGreaterThan(40);
    const seen: number[] = [];
    let url: string | undefined = '/';
    let pages = 0;
    while (url) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(200);
      const ids = cardIds(res.body, 'upcoming');
      expect(ids.length).toBeLessThanOrEqual(20);
      expectGroupedOrder(ids, expected.slice(seen.length, seen.length + ids.length));
      seen.push(...ids);
      pages++;
      expect(res.body).toContain('<nav class="pager" aria-label="Pages of upcoming sessions">');
      if (pages > 1) expect(relLink(res.body, 'prev')).toBe(pages === 2 ? '/' : `/?page=${pages - 1}`);
      else expect(relLink(res.body, 'prev')).toBeUndefined();
      // Only the first page shows the past sessions.
      expect(res.body.includes('id="h-past"')).toBe(pages === 1);
      url = relLink(res.body, 'next');
    }
    expect(pages).toBe(Math.ceil(expected.length / 20));
    expect([...seen].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
  });

  it('walks every past session once, latest first: the first page on the home page, the rest in the past view', async () => {
    const c = new HttpClient(base);
    const expected = pastOrder(all);
    expect(expected.length).toBeGreaterThan(40);
    const home = await c.get('/');
    const first = cardIds(home.body, 'past');
    expect(first).toHaveLength(20);
    expectGroupedOrder(first, expected.slice(0, 20));
    // The onward link from the home page is not the page's own "next" (that one pages upcoming sessions).
    expect(home.body).toMatch(/<nav class="pager" aria-label="Pages of past sessions">\s*<a href="\/past\?page=2">Earlier sessions<\/a>/);

    const seen = [...first];
    let url: string | undefined = '/past?page=2';
    while (url) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1>Past sessions</h1>');
      const ids = cardIds(res.body, 'past');
      expectGroupedOrder(ids, expected.slice(seen.length, seen.length + ids.length));
      seen.push(...ids);
      url = relLink(res.body, 'next');
    }
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen).size).toBe(expected.length);
    // Page 1 of the past view is the home page's past section.
    expect(cardIds((await c.get('/past')).body, 'past')).toEqual(first);
  });

  it('keeps the seed\'s undated follow-up (mid-September, no date yet) in the upcoming list while its month lasts', async () => {
    const t2 = await makeApp({ now: '2021-08-01T09:00:00Z' });
    try {
      const res = await t2.app.inject({ url: '/' });
      expect(res.body).toContain('mid-September 2021, date to be announced');
      // Everything fits on one page: no page links at all.
      expect(res.body).not.toContain('class="pager"');
    } finally {
      await t2.close();
    }
  });

  it.each(['0', '-1', 'abc', '1000000000', '1.5', ''])('refuses ?page=%s with a 400 naming the field', async (page) => {
    const c = new HttpClient(base);
    for (const path of ['/', '/past']) {
      const res = await c.get(`${path}?page=${page}`);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('page');
    }
  });

  it('says there are no more sessions on a page past the last one, with a link back to the first', async () => {
    const c = new HttpClient(base);
    const res = await c.get('/?page=99');
    expect(res.statusCode).toBe(200);
    expect(cardIds(res.body, 'upcoming')).toEqual([]);
    expect(res.body).toContain('No more sessions.');
    expect(res.body).toContain('<a href="/">Back to the first page</a>');
    const past = await c.get('/past?page=99');
    expect(past.body).toContain('<a href="/past">Back to the first page</a>');
  });

  it('speaks the visitor\'s language in the page links', async () => {
    const res = await new HttpClient(base).get('/?page=2&lang=pl');
    expect(res.body).toContain('aria-label="Strony nadchodzących sesji"');
    expect(res.body).toMatch(/rel="prev">Poprzednia strona</);
    expect(res.body).toContain('Strona 2');
  });
});

describe('organiser list, a page at a time', () => {
  async function walk(c: HttpClient): Promise<number[]> {
    const seen: number[] = [];
    let url: string | undefined = '/organiser';
    while (url) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(200);
      const ids = rowIds(res.body);
      expect(ids.length).toBeLessThanOrEqual(20);
      seen.push(...ids);
      url = relLink(res.body, 'next');
    }
    return seen;
  }

  it('shows an administrator every session once: upcoming soonest first, then past latest first', async () => {
    const c = new HttpClient(base);
    expect((await c.login(ADMIN.email, ADMIN.password)).statusCode).toBe(303);
    expect(await walk(c)).toEqual([...upcomingOrder(all), ...pastOrder(all)]);
    const beyond = await c.get('/organiser?page=99');
    expect(beyond.body).toContain('No more sessions.');
    expect((await c.get('/organiser?page=0')).statusCode).toBe(400);
  });

  it("shows a hub's organiser only their hub's sessions (owned or co-hosted), each once", async () => {
    const c = new HttpClient(base);
    expect((await c.login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(303);
    const hub = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const mine = all.filter((s) => s.hubId === hub || s.coHostIds.includes(hub));
    expect(mine.length).toBeGreaterThan(0);
    expect(await walk(c)).toEqual([...upcomingOrder(mine), ...pastOrder(mine)]);
  });
});

describe('GET /api/v1/sessions, a page at a time', () => {
  const apiOrder = (list: Session[]) => [...list].sort((a, b) => (a.startUtc ?? a.createdAt) - (b.startUtc ?? b.createdAt) || a.id - b.id).map((s) => s.id);

  async function walk(first: string): Promise<{ ids: number[]; pages: number }> {
    const c = new HttpClient(base);
    const ids: number[] = [];
    let url: string | undefined = first;
    let pages = 0;
    while (url) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(200);
      ids.push(...res.json<{ id: number }[]>().map((s) => s.id));
      pages++;
      const link = res.headers.link;
      if (link) {
        const m = /^<([^>]+)>; rel="next"$/.exec(link);
        expect(m).not.toBeNull();
        expect(m![1]).toContain(`cursor=${res.headers['x-next-cursor']}`);
        url = m![1];
      } else {
        expect(res.headers['x-next-cursor']).toBeUndefined();
        url = undefined;
      }
    }
    return { ids, pages };
  }

  it('walks every session once, in date order, by the Link header', async () => {
    const { ids, pages } = await walk('/api/v1/sessions?limit=7');
    expect(ids).toEqual(apiOrder(all));
    expect(pages).toBe(Math.ceil(all.length / 7));
  });

  it('gives 50 a page unless asked otherwise, and keeps the filters on the next pages', async () => {
    const first = await new HttpClient(base).get('/api/v1/sessions');
    expect(first.json<unknown[]>()).toHaveLength(50);
    const series = t.services.sessions.seriesList()[0]!.id;
    const bySeries = await walk(`/api/v1/sessions?seriesId=${series}&limit=4`);
    expect(bySeries.ids).toEqual(apiOrder(all.filter((s) => s.seriesId === series)));
    const scheduled = await walk('/api/v1/sessions?status=scheduled&limit=9');
    expect(scheduled.ids).toEqual(apiOrder(all.filter((s) => s.status === 'scheduled')));
  });

  it('starts the page after a cursor right after the session it came from', async () => {
    const c = new HttpClient(base);
    const first = await c.get('/api/v1/sessions?limit=3');
    const cursor = first.headers['x-next-cursor']!;
    const second = await c.get(`/api/v1/sessions?limit=3&cursor=${cursor}`);
    expect(second.json<{ id: number }[]>().map((s) => s.id)).toEqual(apiOrder(all).slice(3, 6));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=abc', 'cursor'],
    ['cursor=%24%24', 'cursor'],
    [`cursor=${Buffer.from('1.2.3').toString('base64url')}`, 'cursor'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const res = await new HttpClient(base).get(`/api/v1/sessions?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ field?: string; fields?: { field: string }[] }>();
    expect([body.field, ...(body.fields ?? []).map((f) => f.field)]).toContain(field);
  });

  it('documents limit, cursor and the next-page headers in the OpenAPI description', async () => {
    const doc = (await new HttpClient(base).get('/api/docs/json')).json<{ paths: Record<string, { get: { parameters: { name: string; description?: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> } }> }>();
    const op = doc.paths['/api/v1/sessions']!.get;
    expect(op.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'status', 'seriesId']));
    for (const p of op.parameters) expect(p.description).toBeTruthy();
    expect(Object.keys(op.responses['200']!.headers ?? {})).toEqual(['Link', 'X-Next-Cursor']);
  });
});

describe('query plans', () => {
  const plan = (sql: string, params: Record<string, number | null>) =>
    (t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n');
  const params = {
    upcoming: { now, floor: now, hub: null, limit: 21, offset: 0 },
    upcomingCount: { now, floor: now, hub: 3 },
    past: { now, hub: null, limit: 21, offset: 0 },
    orderedFirst: { status: null, seriesId: null, limit: 51 },
    orderedAfter: { status: null, seriesId: null, limit: 51, at: now, id: 7 },
  };

  for (const analysed of [false, true]) {
    it(`reads each list in index order, never sorting it${analysed ? ' (after ANALYZE)' : ''}`, () => {
      if (analysed) t.db.exec('ANALYZE');
      const plans = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, plan(PAGED_SQL[k as keyof typeof PAGED_SQL], p)]));
      for (const p of Object.values(plans)) expect(p).not.toMatch(/TEMP B-TREE/);
      // Upcoming starts its range near now instead of reading every past session.
      expect(plans.upcoming).toMatch(/SEARCH s USING INDEX sessions_list \(list_at>\?\)/);
      expect(plans.upcomingCount).toMatch(/SEARCH s USING (COVERING )?INDEX sessions_list(_past)? \(list_at>\?\)/);
      expect(plans.past).toMatch(/SCAN s USING INDEX sessions_list_past/);
      expect(plans.orderedFirst).toMatch(/SCAN s USING INDEX sessions_order/);
      // A later page starts where the cursor points, in the index.
      expect(plans.orderedAfter).toMatch(/SEARCH s USING INDEX sessions_order \(order_at>\?\)/);
    });
  }
});

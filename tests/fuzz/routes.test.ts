/**
 * Fuzzing every route the app serves: pages (forms) and the JSON API get generated bodies and query
 * strings (JSON values of every shape, prototype-pollution keys, forms with repeated keys, wrong
 * content types, random path parameters, long strings, control characters), anonymously, as a hub
 * organiser past CSRF, and with an API token. Whatever is sent, the server never answers 5xx, and a
 * refused request (4xx) stores nothing.
 *
 * Reproduce a failure with FUZZ_SEED=<seed printed below>.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, GR_ORGANISER, makeApp, type TestApp } from '../helpers/app.js';
import { must } from '../helpers/must.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20210715);
const TOTAL_CASES = 10_000;

type Route = { method: string; url: string };

/** Every route with its method, read from the app's own route tree (static files and API docs aside). */
function routesOf(t: TestApp): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const [, indent = '', segment = '', methods = ''] = m;
    const depth = indent.length / 4;
    stack.length = depth;
    stack.push(segment);
    const url = stack.join('');
    if (url.includes('*') || url.startsWith('/api/docs')) continue;
    for (const method of methods.split(', ')) if (method !== 'HEAD') out.push({ method, url });
  }
  return out;
}

// ---------------------------------------------------------------- generators

const FIELDS = [
  'name', 'email', 'organisation', 'orgType', 'hubId', 'country', 'language', 'zone', 'consent', 'followupConsent', 'q1', 'q2',
  'title', 'description', 'seriesId', 'coHostIds', 'status', 'date', 'time', 'durationMinutes', 'approxMonth', 'approxPart',
  'joinUrl', 'capacity', 'doubleOptIn', 'reminderOffsets', 'subject', 'body', 'audience', 'inviteNext', 'label', 'kind',
  'options', 'required', 'attended', 'csv', 'deadlineDate', 'deadlineTime', 'reminderHours', 'back', 'hubIds', 'registrants',
  'slotId', 'slot-1', 'slot-2', 'slot-3', 'email', 'password', 'next', 'answers',
];
const QUERY_KEYS = ['lang', 'msg', 'prefill', 'outcome', 'next', 'status', 'hub', 'country', 'orgType', 'from', 'to', 'durationMinutes', 'zone', 'invited', 'already', 'noConsent', 'invalid', 'session', 'page', 'seriesId'];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '_csrf', ''];

/** Strings a person or an attacker might type: plausible values, long ones, control characters, odd Unicode. */
const str = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom('', ' ', '0', '1', '-1', '2', '3', '99999999999999999999', '1e400', 'NaN', 'Infinity', 'true', 'on', 'yes', 'no', 'maybe', 'null', 'undefined', '[object Object]', 'GR', 'ZZ', 'en', 'el', 'xx', 'Europe/Athens', 'Etc/GMT+2', 'Mars/Olympus', '2026-03-29', '2026-03-29T03:30', '03:30', '25:99', '2026-02-30', 'P1D, PT1H', 'PT0S', 'P9999Y', 'https://example.org/x', 'javascript:alert(1)', 'company', 'confirmed', 'active', 'attended', 'choice', 'text', 'early', 'tentative', 'scheduled', 'cancelled', 'a@b.c', 'x@', '<script>alert(1)</script>', '"quoted"', '=SUM(A1)', '%00', '../../etc/passwd') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\r', '\n', '\t', '\u202e', '\u2028', '\ufeff', '\ud800', 'é', '€', '𝄞', '"', "'", '&', '=', '%', '+', ';', ',', '\\'), maxLength: 30 }) },
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

const anyKey = (own: string[]) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(own.length ? own : FIELDS)) }, { weight: 2, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom('name[toString]', 'a[b][c]', 'q1[]', 'coHostIds[]', 'x.y') });
const key = anyKey([]);

/** JSON values of every shape, with objects that carry prototype-pollution keys. */
const { json: jsonValue } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, 1e21, 0.5, -0, 123456789012345680000),
    str,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('json')), { maxLength: 5 }).map((entries) => ({ __entries: entries })),
    // Objects that break string conversion or pollute prototypes: {"toString":1}, {"__proto__":{…}}.
    fc.array(fc.tuple(fc.constantFrom('toString', 'valueOf', 'toJSON', '__proto__', 'constructor', 'length', 'then'), tie('json')), { minLength: 1, maxLength: 3 }).map((entries) => ({ __entries: entries })),
  ),
}));

/** JSON text of a value; `{__entries}` becomes an object literal so keys like __proto__ are sent as keys. */
function toJson(v: unknown): string {
  if (v !== null && typeof v === 'object' && '__entries' in v) {
    return `{${(v as { __entries: [string, unknown][] }).__entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  const s = JSON.stringify(v);
  return s === undefined ? 'null' : s;
}

/** Plausible values for every field the app's forms have: a body starts from some of them, then is mutated. */
const BASE: Record<string, string> = {
  name: 'Maria Papadopoulou', email: 'maria@example.org', organisation: 'Municipality of Patras', orgType: 'public', hubId: '1', country: 'GR',
  language: 'el', zone: 'Europe/Athens', consent: 'on', followupConsent: 'on', q1: 'a', title: 'Open data', description: 'About open data',
  seriesId: '', coHostIds: '2', status: 'scheduled', date: '2026-04-01', time: '10:00', durationMinutes: '60', approxMonth: '', approxPart: '',
  joinUrl: 'https://meet.example.org/x', capacity: '', doubleOptIn: 'on', reminderOffsets: 'P1D, PT1H', subject: 'Update', body: 'Hello',
  audience: 'confirmed', inviteNext: 'on', label: 'Role', kind: 'choice', options: 'a\nb', required: 'on', attended: 'yes',
  csv: 'Name,Email\nMaria,p0@example.org', deadlineDate: '2026-02-01', deadlineTime: '12:00', reminderHours: '24', back: '', hubIds: '1',
  registrants: 'on', slotId: '1', 'slot-1': 'yes', 'slot-2': 'maybe', password: 'wrong-password', next: '/organiser',
};

/** A JSON object body: some of the route's fields with plausible values, some replaced by values of every shape. */
const jsonObjectBody = (own: string[]) =>
  fc.tuple(fc.subarray(own.length ? own : FIELDS), fc.array(fc.tuple(anyKey(own), jsonValue), { maxLength: 4 })).map(([keys, extra]) =>
    toJson({ __entries: [...keys.filter((k) => !extra.some(([e]) => e === k)).map((k): [string, unknown] => [k, BASE[k] ?? 'x']), ...extra] }),
  );

/** A urlencoded form: some of the route's fields with plausible values, then random and repeated keys. */
const formBody = (own: string[]) =>
  fc.tuple(fc.subarray(own.length ? own : FIELDS), fc.array(fc.tuple(anyKey(own), str), { maxLength: 6 })).map(([keys, extra]) => [...keys.map((k): [string, string] => [k, BASE[k] ?? 'x']), ...extra]);

function encodeForm(pairs: [string, string][]): string {
  const p = new URLSearchParams();
  for (const [k, v] of pairs) p.append(k, v);
  return p.toString();
}

/** Percent-encoding that survives lone surrogates (they become U+FFFD, as a browser sends them). */
const pct = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

const queryString = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), key), str), { maxLength: 6 }).map((pairs) => {
  const s = pairs.map(([k, v]) => `${pct(k)}=${pct(v.slice(0, 500))}`).join('&');
  return s ? `?${s}` : '';
});

/** Path parameters that are not what a route expects. */
const ODD: string[] = [];

const WRONG_TYPES = ['text/plain', 'application/xml', 'text/html', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded-evil', 'application/merge-patch+json', 'image/png', 'x'];

type Payload = { kind: 'none' } | { kind: 'form'; pairs: [string, string][] } | { kind: 'json'; text: string } | { kind: 'wrong'; type: string; text: string };

const payload = (own: string[]): fc.Arbitrary<Payload> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 4, arbitrary: formBody(own).map((pairs) => ({ kind: 'form' as const, pairs })) },
    { weight: 4, arbitrary: fc.oneof({ weight: 4, arbitrary: jsonObjectBody(own) }, { weight: 1, arbitrary: jsonValue.map(toJson) }).map((text) => ({ kind: 'json' as const, text })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WRONG_TYPES), fc.oneof(jsonObjectBody(own), formBody(own).map(encodeForm), str)).map(([type, text]) => ({ kind: 'wrong' as const, type, text })) },
  );

/** Field names of the forms on a page, by the route their action posts to. */
function formsOf(html: string, routes: Route[], into: Map<string, Set<string>>): void {
  for (const m of html.matchAll(/<form[^>]*\baction="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
    const action = must(m[1], 'a form action').replace(/&amp;/g, '&').split('?')[0] ?? '';
    const route = routes.find((r) => r.method === 'POST' && new RegExp(`^${r.url.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+')}$`).test(action));
    if (!route) continue;
    const names = into.get(route.url) ?? new Set<string>();
    for (const [, name = ''] of must(m[2], 'a form body').matchAll(/\bname="([^"]+)"/g)) if (name !== '_csrf') names.add(name);
    into.set(route.url, names);
  }
}

type Persona = 'anonymous' | 'organiser' | 'api';

// ---------------------------------------------------------------- the run

describe('fuzzing every form and API route', () => {
  let t: TestApp;
  let routes: Route[];
  const paramValues: Record<string, string[]> = {};
  const formFields = new Map<string, Set<string>>();
  const personas: Record<Persona, { cookie: string; csrf: string | undefined; authorization?: string }> = {} as never;
  let sent = 0;
  const statuses = new Map<number, number>();
  const refusedWrites: string[] = [];
  const serverErrors: string[] = [];

  /** A checksum of every table's content. */
  const checksum = () => {
    const h = createHash('sha256');
    // The audit log is left out: it records some refusals on purpose (a failed login).
    const tables = t.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_log' ORDER BY name").all() as { name: string }[];
    for (const { name } of tables) {
      h.update(name);
      for (const row of t.db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).iterate()) h.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? v.toString('base64') : v)));
    }
    return h.digest('hex');
  };
  /** Rows changed through the app's connection so far: a cheap sign that something was written. */
  const changes = () => (t.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

  beforeAll(async () => {
    t = await makeApp();
    routes = routesOf(t);
    const { services } = t;
    const gr = services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    const grHub = services.repos.hubs.getBySlug(GR_ORGANISER.hub)!;
    // An open session of the Greek hub with a custom question, and people registered for it.
    const open = services.sessions.create({ title: 'Fuzzing session', hubId: grHub.id, date: '2026-03-10', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, capacity: 3, doubleOptIn: false }, gr);
    services.repos.registrations.addQuestion({ sessionId: open.id, label: 'Role', kind: 'choice', options: ['a', 'b'], required: false });
    const regTokens: string[] = [];
    const regIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { registration } = services.registrations.register(open.id, { name: `Person ${i}`, email: `p${i}@example.org`, organisation: 'Org', orgType: 'sme', hubId: String(grHub.id), country: 'GR', language: 'el', zone: 'Europe/Athens', consent: 'on', followupConsent: 'on', answers: {} }, 'form');
      regTokens.push(services.registrations.tokenFor(registration));
      regIds.push(String(registration.id));
    }
    const pollTokens: string[] = [];
    for (const s of services.sessions.list()) {
      const poll = services.polls.forSession(s.id);
      if (poll) for (const v of services.polls.voters(poll).slice(0, 3)) pollTokens.push(services.polls.tokenFor(v));
    }
    const sessionIds = services.sessions.list().map((s) => String(s.id));
    ODD.push('0', '-1', 'abc', '1.5', '99999999999999999999', '1e3', '%00', '%2F', '..', 'null', '%E2%80%AE', '%FF', '%C0%AF', 'x'.repeat(300));
    // The open session and its people come up most: that is where forms go deepest.
    paramValues.id = [...sessionIds, ...Array<string>(sessionIds.length).fill(String(open.id))];
    paramValues.rid = regIds;
    paramValues.qid = ['1', '2'];
    paramValues.slotId = ['1', '2', '3'];
    paramValues.audience = ['attended', 'absent', 'all'];
    paramValues.token = [...regTokens, ...pollTokens, 'A'.repeat(22)];

    // Anonymous: a visitor who opened a session page (its CSRF cookie and token, so public forms get past CSRF).
    const visitor = new Browser(t.app);
    await visitor.get(`/sessions/${open.id}`);
    personas.anonymous = { cookie: [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf: visitor.csrf() };
    const organiser = new Browser(t.app);
    expect((await organiser.login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(303);
    personas.api = { cookie: '', csrf: undefined, authorization: `Bearer ${services.auth.createToken(gr.id, 'fuzz').token}` };
    // What each form sends, read from the pages a visitor and the organiser see.
    const tentative = services.sessions.list().find((x) => services.polls.forSession(x.id));
    for (const url of [`/sessions/${open.id}`, `/r/${regTokens[0]}`, `/r/${regTokens[0]}/confirm`, `/poll/${pollTokens[0]}`, '/login']) formsOf((await visitor.get(url)).body, routes, formFields);
    for (const url of ['/organiser', '/organiser/sessions/new', `/organiser/sessions/${open.id}/edit`, `/organiser/sessions/${open.id}/registrations`, `/organiser/sessions/${open.id}/attendance`, `/organiser/sessions/${open.id}/followups`, `/organiser/sessions/${open.id}/poll`, `/organiser/sessions/${tentative?.id}/poll`, '/organiser/tokens', '/organiser/mail']) {
      formsOf((await organiser.get(url)).body, routes, formFields);
    }
    // What each API call takes, from the OpenAPI document.
    const spec = t.app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const op of Object.values(ops)) {
        const props = op.requestBody?.content?.['application/json']?.schema?.properties;
        if (props) formFields.set(path.replace(/\{(\w+)\}/g, ':$1'), new Set([...(formFields.get(path.replace(/\{(\w+)\}/g, ':$1')) ?? []), ...Object.keys(props)]));
      }
    }
    await organiser.get('/organiser/sessions/new');
    personas.organiser = { cookie: [...organiser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf: organiser.csrf() };
    expect(formFields.get('/sessions/:id/register')).toContain('name');
    expect(formFields.get('/api/v1/sessions/:id')).toContain('durationMinutes');
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} reproduces this run)`);
  });

  afterAll(async () => {
    console.log(`fuzz: ${sent} requests sent across ${routes?.length ?? 0} routes; answers: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    await t?.close();
  });

  it('finds every form and API route', () => {
    const has = (method: string, url: string) => routes.some((r) => r.method === method && r.url === url);
    expect(has('POST', '/sessions/:id/register')).toBe(true);
    expect(has('POST', '/organiser/sessions/:id/attendance/import')).toBe(true);
    expect(has('PATCH', '/api/v1/sessions/:id')).toBe(true);
    expect(routes.filter((r) => r.method !== 'GET').length).toBeGreaterThanOrEqual(35);
  });

  it(
    'never answers 5xx, and a refused request stores nothing',
    async () => {
      // FUZZ_RUNS=<n> sends n cases per route instead (a quicker look while fixing).
      const perRoute = Number(process.env.FUZZ_RUNS ?? Math.ceil(TOTAL_CASES / routes.length));
      let lastChanges = changes();
      let lastSum = checksum();
      for (const [i, route] of routes.entries()) {
        const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => must(m[1], 'a route parameter'));
        const params = fc.tuple(...names.map((n) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(paramValues[n] ?? ['1'])) }, { weight: 2, arbitrary: fc.constantFrom(...ODD) }, { weight: 1, arbitrary: str.map((s) => pct(s.slice(0, 300)) || 'x') })));
        const persona = fc.constantFrom<Persona>('anonymous', 'organiser', 'organiser', 'api');
        const withCsrf = fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
        await fc.assert(
          fc.asyncProperty(persona, params, queryString, payload([...(formFields.get(route.url) ?? [])]), withCsrf, async (who, values, query, body, csrf) => {
            // The organiser does not log out or revoke the token the run depends on.
            if (who === 'organiser' && (route.url === '/logout' || route.url === '/organiser/tokens/:id/revoke')) who = 'anonymous';
            let url = route.url;
            names.forEach((n, k) => (url = url.replace(`:${n}`, must(values[k], `a value for :${n}`))));
            const p = personas[who];
            const headers: Record<string, string> = {};
            if (p.cookie) headers.cookie = p.cookie;
            if (p.authorization) headers.authorization = p.authorization;
            const opts: InjectOptions = { method: route.method, url: url + query, headers };
            if (route.method !== 'GET') {
              if (body.kind === 'form') {
                const pairs = csrf && p.csrf ? [['_csrf', p.csrf] as [string, string], ...body.pairs] : body.pairs;
                opts.payload = encodeForm(pairs);
                headers['content-type'] = 'application/x-www-form-urlencoded';
              } else if (body.kind === 'json') {
                opts.payload = body.text;
                headers['content-type'] = 'application/json';
                if (p.csrf) headers['x-csrf-token'] = p.csrf;
              } else if (body.kind === 'wrong') {
                opts.payload = body.text;
                headers['content-type'] = body.type;
                if (p.csrf) headers['x-csrf-token'] = p.csrf;
              } else if (p.csrf) headers['x-csrf-token'] = p.csrf;
            }
            const res: LightMyRequestResponse = await t.app.inject(opts);
            sent++;
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            if (res.statusCode >= 500) serverErrors.push(`${route.method} ${url + query} as ${who} with ${JSON.stringify(opts.payload ?? '').slice(0, 300)} (${headers['content-type'] ?? 'no body'}) answered ${res.statusCode}`);
            const now = changes();
            if (now !== lastChanges) {
              lastChanges = now;
              const sum = checksum();
              if (res.statusCode >= 400 && sum !== lastSum) refusedWrites.push(`${route.method} ${route.url} ${res.statusCode}`);
              lastSum = sum;
            }
          }),
          { numRuns: perRoute, seed: SEED + i, endOnFailure: true },
        );
      }
      expect(sent).toBeGreaterThanOrEqual(process.env.FUZZ_RUNS ? perRoute * routes.length : TOTAL_CASES);
      expect(serverErrors.slice(0, 20)).toEqual([]);
      expect(refusedWrites).toEqual([]);
    },
    1_800_000,
  );
});

/**
 * The CSRF secret and its signed cookie come with the first form a visitor is shown, not with every
 * page: a page without a form sets no CSRF cookie; a page with forms sets it once, writes the same
 * token in each of its forms, and the form posts with it. Over HTTP on a real port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';
import { newSession } from '../../helpers/sessions.js';
import Tokens from '@fastify/csrf';
import { pooledSecret } from '../../../src/core/render/csrf-secret.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await makeApp();
  base = await listen(t);
});
afterAll(async () => {
  await t?.close();
});

const csrfCookies = (setCookie: string | undefined) => (setCookie ?? '').split(/,(?=\s*[A-Za-z0-9_]+=)/).filter((c) => c.trim().startsWith('kairos_csrf='));
const tokens = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);

describe('the CSRF cookie', () => {
  it('is not set by a page without a form, nor by the API or a calendar file', async () => {
    const visitor = new HttpClient(base);
    for (const url of ['/', '/privacy', '/healthz', '/api/v1/hubs', '/no-such-page']) {
      const res = await visitor.get(url);
      expect(tokens(res.body), url).toEqual([]);
      expect(csrfCookies(res.headers['set-cookie']), url).toEqual([]);
    }
    expect(visitor.cookies.has('kairos_csrf')).toBe(false);
  });

  it('is set once by a page with forms, whose forms all carry the same token, and the form posts with it', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const visitor = new HttpClient(base);
    const page = await visitor.get(`/sessions/${s.id}`);
    expect(page.statusCode).toBe(200);
    expect(csrfCookies(page.headers['set-cookie'])).toHaveLength(1);
    const onPage = tokens(page.body);
    expect(onPage.length).toBeGreaterThan(0);
    expect(new Set(onPage).size).toBe(1);
    const posted = await visitor.post(`/sessions/${s.id}/register`, {
      name: 'Rūta K',
      email: 'ruta.k@example.org',
      organisation: 'Vilnius city',
      orgType: 'public',
      country: 'LT',
      language: 'lt',
      zone: 'Europe/Vilnius',
      consent: 'on',
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toContain(`/sessions/${s.id}/registered`);

    // Without the cookie the same post is refused.
    const stranger = new HttpClient(base);
    stranger.lastPage = page.body;
    const refused = await stranger.post(`/sessions/${s.id}/register`, { name: 'Someone', email: 'someone@example.org', consent: 'on' });
    expect(refused.statusCode).toBe(403);
  });

  it('holds a secret of each visitor’s own: 18 random bytes, drawn from the pooled CSPRNG', async () => {
    const secrets = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const visitor = new HttpClient(base);
      await visitor.get('/login');
      // The cookie is signed: the secret, a dot, the signature.
      const secret = (visitor.cookies.get('kairos_csrf') ?? '').split('.')[0] ?? '';
      expect(Buffer.from(secret, 'base64url')).toHaveLength(18);
      secrets.add(secret);
    }
    expect(secrets.size).toBe(5);
    expect((Tokens as unknown as { prototype: { secretSync: unknown } }).prototype.secretSync).toBe(pooledSecret);
  });

  it('comes with the login form', async () => {
    const visitor = new HttpClient(base);
    const res = await visitor.get('/login');
    expect(tokens(res.body).length).toBeGreaterThan(0);
    expect(visitor.cookies.has('kairos_csrf')).toBe(true);
  });
});

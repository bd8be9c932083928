/**
 * Security headers on every answer (pages, API, calendar files, errors, static files), as a browser
 * receives them over HTTP on a real port: the strict policy always, HSTS and
 * upgrade-insecure-requests only when the public URL is https.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';

const CSP = "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'";
const ALWAYS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
const URLS = ['/', '/healthz', '/api/v1/hubs', '/hubs/1/calendar.ics', '/no-such-page', '/public/css/kairos.css'];

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('security headers', () => {
  it('over http: the strict policy on every answer, no HSTS', async () => {
    t = await makeApp();
    const client = new HttpClient(await listen(t));
    for (const url of URLS) {
      const res = await client.get(url);
      expect(res.headers['content-security-policy'], url).toBe(CSP);
      expect(res.headers, url).toMatchObject(ALWAYS);
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('behind an https public URL: HSTS and upgrade-insecure-requests as well', async () => {
    t = await makeApp({ env: { PUBLIC_URL: 'https://kairos.test' } });
    const client = new HttpClient(await listen(t));
    for (const url of URLS) {
      const res = await client.get(url);
      expect(res.headers['content-security-policy'], url).toBe(`${CSP};upgrade-insecure-requests`);
      expect(res.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers, url).toMatchObject(ALWAYS);
    }
  });
});

/**
 * The API's documentation (/api/docs): its page, scripts and styles, and the spec as JSON and YAML,
 * each with the documentation's own Content-Security-Policy (its page loads the UI's files and the
 * validator's badge) beside the app's other security headers; a file it does not have is the API's
 * not-found answer, and a path out of its folder is refused.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { listen } from '../../helpers/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
});
afterAll(() => t.close());

/** The documentation's policy: what @fastify/swagger-ui sends with `staticCSP: true`. */
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; img-src 'self' data: validator.swagger.io; object-src 'none'; script-src 'self' ; script-src-attr 'none'; style-src 'self' https: ; upgrade-insecure-requests;";

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

describe('the API documentation', () => {
  it('shows its page with and without the trailing slash, the links of each pointing at its files', async () => {
    for (const [url, prefix] of [
      ['/api/docs/', './static/'],
      ['/api/docs', '/api/docs/static/'],
    ] as const) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(DOCS_CSP);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.body).toContain(`<script src="${prefix}swagger-ui-bundle.js"`);
    }
  });

  it('serves the UI files, conditional requests and ranges included', async () => {
    const css = await get('/api/docs/static/swagger-ui.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(css.body).toMatch(/^\.swagger-ui\{/);
    const etag = String(css.headers.etag);
    expect((await get('/api/docs/static/swagger-ui.css', { 'if-none-match': etag })).statusCode).toBe(304);
    const part = await get('/api/docs/static/swagger-ui.css', { range: 'bytes=0-10' });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe(css.body.slice(0, 11));
    const setup = await get('/api/docs/static/swagger-initializer.js');
    expect(setup.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(setup.body).toContain("resolveUrl('./json')");
    const index = await get('/api/docs/static/index.html');
    expect(index.statusCode).toBe(302);
    expect(index.headers.location).toBe('/api/docs/');
  });

  it('gives the spec as JSON and YAML, both made of the app’s API routes', async () => {
    const json = await get('/api/docs/json');
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-security-policy']).toBe(DOCS_CSP);
    const spec = json.json<{ info: { title: string }; paths: Record<string, unknown> }>();
    expect(spec.info.title).toBe('Kairos API');
    expect(Object.keys(spec.paths)).toContain('/api/v1/sessions');
    const yaml = await get('/api/docs/yaml');
    expect(yaml.headers['content-type']).toBe('application/x-yaml');
    expect(yaml.body).toContain('  /api/v1/sessions:');
  });

  it('answers a file it does not have as the API does, and refuses a path out of its folder', async () => {
    const missing = await get('/api/docs/static/nope.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: 'no such route' });
    expect(missing.headers['content-security-policy']).toBe(DOCS_CSP);
    // Sent as typed over HTTP: `inject` and fetch would resolve the `..` before the app saw it.
    const { hostname, port } = new URL(await listen(t));
    const out = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ hostname, port, path: '/api/docs/static/../index.js' }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(out.status).toBe(403);
    expect(JSON.parse(out.body)).toEqual({ error: 'FST_STATIC_FORBIDDEN_PATH', message: 'Forbidden' });
    // Not a route of the documentation: the API's not-found answer, with the app's own policy.
    const other = await get('/api/docs/nope');
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-security-policy']).toMatch(/^default-src 'self';base-uri/);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/api/docs/json' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength((await get('/api/docs/json')).body));
  });
});

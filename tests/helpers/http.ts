/**
 * The real app on a real port: `listen(t)` starts the test app on 127.0.0.1 (a free port) and
 * `HttpClient` is a cookie-keeping client over `fetch` that fills CSRF tokens from the last page it
 * loaded, as a person's browser would. Use it where a test must go through HTTP as an attacker would.
 */
import type { TestApp } from './app.js';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json<T = unknown>(): T;
}

/** Starts the app on 127.0.0.1 and a free port; returns its base URL (no trailing slash). */
export async function listen(t: TestApp): Promise<string> {
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return address.replace(/\/+$/, '');
}

export class HttpClient {
  cookies = new Map<string, string>();
  lastPage = '';
  constructor(
    public readonly base: string,
    public headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attrs.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
      const maxAge = attrs.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
      const gone = value === '' || (maxAge !== undefined && Number(maxAge.split('=')[1]) <= 0) || (expires !== undefined && Date.parse(expires.slice(8)) < Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Any request; `body` as given (string or bytes), headers merged over the client's. Redirects are not followed. */
  async request(method: string, url: string, opts: { body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...this.headers, ...(opts.headers ?? {}) };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const res = await fetch(this.base + url, { method, headers, body: opts.body as BodyInit | undefined, redirect: 'manual' });
    this.keep(res);
    const body = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
    if ((out['content-type'] ?? '').includes('text/html')) this.lastPage = body;
    return { statusCode: res.status, headers: out, body, json: <T>() => JSON.parse(body) as T };
  }

  get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request('GET', url, { headers });
  }

  /** The CSRF token in the last page loaded. */
  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastPage);
    if (!m?.[1]) throw new Error('no CSRF token on the last page');
    return m[1];
  }

  /** Posts a form (urlencoded); `csrf: false` leaves the token out. */
  post(url: string, form: Record<string, string | string[]>, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.append('_csrf', this.csrf());
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.request('POST', url, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) } });
  }

  /** Sends JSON (for the API); `token` adds a bearer header. */
  json(method: string, url: string, data: unknown, token?: string): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    return this.request(method, url, { body: JSON.stringify(data), headers });
  }

  async login(email: string, password: string): Promise<HttpResponse> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}

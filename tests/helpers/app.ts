/**
 * Builds the real app on a temporary SQLite file with a controllable clock, and a tiny cookie-keeping
 * browser for `app.inject` that fills CSRF tokens from the last page it loaded, as a person's browser would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyServerOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig, type Config } from '../../src/core/config.js';
import { migrate } from '../../src/core/db/migrate.js';
import { openDatabase, type DB } from '../../src/core/db/open.js';
import { seed } from '../../src/seed/seed.js';
import { createServices, type Services } from '../../src/services.js';

export interface TestApp {
  app: FastifyInstance;
  db: DB;
  clock: ManualClock;
  services: Services;
  config: Config;
  dir: string;
  close(): Promise<void>;
}

export const ADMIN = { email: 'admin@kairos.test', password: 'admin-password-123' };
export const GR_ORGANISER = { email: 'eleni@grnet.test', password: 'greek-password-123', hub: 'gr-digigov-innohub' };
export const RO_ORGANISER = { email: 'ana@dih4society.test', password: 'romanian-password-123', hub: 'dih4society' };

export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      DATABASE_PATH: path.join(dir, 'kairos.sqlite'),
      PUBLIC_URL: 'http://kairos.test',
      LOG_LEVEL: 'silent',
      DISPATCHER_ENABLED: 'false',
      MAINTENANCE_INTERVAL_MS: '0',
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      // Cheap password hashing (N = 2^10): the suite logs in many times on 2 cores.
      PASSWORD_HASH_COST: '10',
      ...env,
    },
    path.join(dir, 'no.env'),
  );
}

export async function makeApp(opts: { now?: string; seed?: boolean; organisers?: boolean; env?: Record<string, string>; onRoute?: (route: RouteOptions) => void; logger?: FastifyServerOptions['logger'] } = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-test-'));
  const config = testConfig(dir, opts.env);
  const db = openDatabase(config.databasePath);
  migrate(db);
  const clock = new ManualClock(Date.parse(opts.now ?? '2026-01-12T09:00:00Z'));
  const services = createServices({ db, clock, config });
  if (opts.seed !== false) seed(db, services, clock);
  if (opts.organisers !== false && opts.seed !== false) {
    await services.auth.createOrganiser({ email: ADMIN.email, name: 'Admin', password: ADMIN.password, role: 'admin' });
    await services.auth.createOrganiser({ email: GR_ORGANISER.email, name: 'Eleni', password: GR_ORGANISER.password, role: 'hub', hubSlug: GR_ORGANISER.hub, zone: 'Europe/Athens' });
    await services.auth.createOrganiser({ email: RO_ORGANISER.email, name: 'Ana', password: RO_ORGANISER.password, role: 'hub', hubSlug: RO_ORGANISER.hub, zone: 'Europe/Bucharest' });
  }
  const app = await buildApp({ config, db, clock, services, logger: opts.logger ?? false, onRoute: opts.onRoute });
  await app.ready();
  return {
    app,
    db,
    clock,
    services,
    config,
    dir,
    async close() {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping client over app.inject that sends forms with the CSRF token of the last page. */
export class Browser {
  cookies = new Map<string, string>();
  lastPage = '';
  constructor(
    private readonly app: FastifyInstance,
    public headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse): void {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { ...this.headers, cookie: this.cookieHeader(), ...headers } });
    this.keep(res);
    if ((res.headers['content-type'] ?? '').toString().includes('text/html')) this.lastPage = res.body;
    return res;
  }

  /** The CSRF token in the last page loaded. */
  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastPage);
    const token = m?.[1];
    if (!token) throw new Error('no CSRF token on the last page');
    return token;
  }

  /** Posts a form (urlencoded); `csrf: false` leaves the token out. */
  async post(url: string, form: Record<string, string | string[]>, opts: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.append('_csrf', this.csrf());
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader() },
    });
    this.keep(res);
    if ((res.headers['content-type'] ?? '').toString().includes('text/html')) this.lastPage = res.body;
    return res;
  }

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}

/** Visible text of an HTML page (tags dropped, entities decoded, spaces folded), for assertions a reader would make. */
export function text(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

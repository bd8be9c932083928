/**
 * A network of four organisers for the access tests: an administrator, the owning hub (Greece), a
 * co-hosting hub (Romania) and an unrelated hub (Italy), each with a logged-in HTTP client on a real
 * port and an API token; a shared session with one registrant per hub, and the database snapshot
 * that shows a refused request changed nothing.
 */
import type { RouteOptions } from 'fastify';
import { enqueue } from '../../../src/core/outbox/queue.js';
import type { Organiser } from '../../../src/modules/organisers/repository.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';

export const IT_ORGANISER = { email: 'giulia@edih4dt.test', password: 'italian-password-123', hub: 'edih4dt' };

export type Role = 'admin' | 'owner' | 'cohost' | 'other';
export const ROLES: Role[] = ['admin', 'owner', 'cohost', 'other'];

export interface Person {
  name: string;
  email: string;
  id: number;
}

export interface AccessWorld {
  t: TestApp;
  base: string;
  routes: string[];
  organisers: Record<Role, Organiser>;
  clients: Record<Role, HttpClient>;
  tokens: Record<Role, string>;
  hubs: { gr: number; ro: number; it: number };
  /** GR-owned, RO co-hosting, scheduled, with one registrant per hub. */
  shared: Session;
  people: { gr: Person; ro: Person; it: Person };
  /** One email to each of them (outbox ids). */
  mail: { gr: number; ro: number };
}

export async function makeWorld(): Promise<AccessWorld> {
  const routes: string[] = [];
  const collect = (r: RouteOptions) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
  };
  const t = await makeApp({ onRoute: collect });
  await t.services.auth.createOrganiser({ email: IT_ORGANISER.email, name: 'Giulia', password: IT_ORGANISER.password, role: 'hub', hubSlug: IT_ORGANISER.hub, zone: 'Europe/Rome' });
  const base = await listen(t);
  const credentials: Record<Role, { email: string; password: string }> = { admin: ADMIN, owner: GR_ORGANISER, cohost: RO_ORGANISER, other: IT_ORGANISER };
  const organisers = {} as Record<Role, Organiser>;
  const clients = {} as Record<Role, HttpClient>;
  credentialsOf = credentials;
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    organisers[role] = t.services.repos.organisers.credentials(credentials[role].email)!.organiser;
    clients[role] = new HttpClient(base, { 'accept-language': 'en' });
    const res = await clients[role].login(credentials[role].email, credentials[role].password);
    if (res.statusCode !== 303) throw new Error(`login of ${role} answered ${res.statusCode}`);
    tokens[role] = t.services.auth.createToken(organisers[role].id, 'access test').token;
  }
  const hub = (slug: string) => t.services.repos.hubs.getBySlug(slug)!.id;
  const hubs = { gr: hub(GR_ORGANISER.hub), ro: hub(RO_ORGANISER.hub), it: hub(IT_ORGANISER.hub) };
  const shared = t.services.sessions.create(
    { title: 'Shared workshop on e-procurement', hubId: hubs.gr, coHostIds: [hubs.ro], status: 'scheduled', date: '2026-02-10', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, joinUrl: 'https://meet.example.org/shared-room-7731' },
    organisers.admin,
  );
  const register = (name: string, email: string, hubId: number, country: string): Person => {
    const r = t.services.registrations.register(
      shared.id,
      { name, email, organisation: 'Municipality', orgType: 'public', hubId, country, language: 'en', zone: 'Europe/Athens', consent: true, followupConsent: true },
      'organiser',
    );
    return { name, email, id: r.registration.id };
  };
  const people = {
    gr: register('Giorgos Papadakis', 'giorgos.papadakis@example.gr', hubs.gr, 'GR'),
    ro: register('Radu Ionescu', 'radu.ionescu@example.ro', hubs.ro, 'RO'),
    it: register('Isabella Romano', 'isabella.romano@example.it', hubs.it, 'IT'),
  };
  const notice = (p: Person) =>
    enqueue(
      t.db,
      { kind: 'notice', dedupeKey: `access-test:${p.id}:notice`, to: { email: p.email, name: p.name }, language: 'en', zone: 'Europe/Athens', sessionId: shared.id, registrationId: p.id, payload: { subject: `Note for ${p.name}`, body: 'x' } },
      t.clock,
    )!;
  const mail = { gr: notice(people.gr), ro: notice(people.ro) };
  return { t, base, routes, organisers, clients, tokens, hubs, shared, people, mail };
}

let credentialsOf: Record<Role, { email: string; password: string }>;

/** Logs every client in again (after the clock moved past the login's lifetime). */
export async function relogin(w: AccessWorld): Promise<void> {
  for (const role of ROLES) {
    const res = await w.clients[role].login(credentialsOf[role].email, credentialsOf[role].password);
    if (res.statusCode !== 303) throw new Error(`login of ${role} answered ${res.statusCode}`);
  }
}

/** Everything a refused request must leave as it was (logins and tokens aside). */
export function snapshot(t: TestApp): string {
  const tables = (t.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !/login|token|settings|mail_state/.test(n));
  return JSON.stringify(tables.map((n) => [n, t.db.prepare(`SELECT * FROM "${n}"`).all().map((r) => JSON.stringify(r)).sort()]));
}

/** Registrants a role must never read, by name and address. */
export function hiddenFrom(w: AccessWorld, role: Role): string[] {
  const of = (p: Person) => [p.name, p.email];
  if (role === 'cohost') return [...of(w.people.gr), ...of(w.people.it)];
  if (role === 'other') return [...of(w.people.gr), ...of(w.people.ro), ...of(w.people.it)];
  return [];
}

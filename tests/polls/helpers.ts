/**
 * The real app for poll tests, built as tests/helpers/app.ts builds it, plus the poll wiring for as
 * long as the app does not do it itself (each step is skipped once src/ does it): the PollService
 * in createServices, its session listener, the email kinds and the route plugin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { seed } from '../../src/db/seed.js';
import { registerPollEmailKinds } from '../../src/email/poll.js';
import type { Organiser } from '../../src/repositories/organisers.js';
import pollRoutes from '../../src/routes/polls.js';
import { createServices, type Services } from '../../src/services/index.js';
import { PollService } from '../../src/services/polls.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, testConfig, type TestApp } from '../helpers/app.js';

export type PollTestApp = TestApp & { polls: PollService; admin: Organiser; gr: Organiser };

export async function makePollApp(opts: { now?: string; env?: Record<string, string> } = {}): Promise<PollTestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-poll-'));
  const config = testConfig(dir, opts.env);
  const db = openDatabase(config.databasePath);
  migrate(db);
  const clock = new ManualClock(Date.parse(opts.now ?? '2021-08-20T09:00:00Z'));
  const services = createServices({ db, clock, config }) as Services & { polls?: PollService };
  if (!services.polls) {
    const polls = new PollService(db, services.repos, clock, config, services.secret, services.sessions);
    services.sessions.onChange((c) => polls.onSessionChange(c));
    services.polls = polls;
  }
  seed(db, services, clock);
  await services.auth.createOrganiser({ email: ADMIN.email, name: 'Admin', password: ADMIN.password, role: 'admin' });
  await services.auth.createOrganiser({ email: GR_ORGANISER.email, name: 'Eleni', password: GR_ORGANISER.password, role: 'hub', hubSlug: GR_ORGANISER.hub, zone: 'Europe/Athens' });
  await services.auth.createOrganiser({ email: RO_ORGANISER.email, name: 'Ana', password: RO_ORGANISER.password, role: 'hub', hubSlug: RO_ORGANISER.hub, zone: 'Europe/Bucharest' });
  registerPollEmailKinds();
  const app = await buildApp({ config, db, clock, services, logger: false });
  if (!app.hasRoute({ method: 'GET', url: '/poll/:token' })) await app.register(pollRoutes, { polls: services.polls });
  await app.ready();
  const organiser = (email: string) => services.repos.organisers.credentials(email)!.organiser;
  return {
    app,
    db,
    clock,
    services,
    config,
    dir,
    polls: services.polls,
    admin: organiser(ADMIN.email),
    gr: organiser(GR_ORGANISER.email),
    async close() {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new tentative session of the series, organised by the Greek hub with the other eight co-hosting. */
export function tentativeSession(t: PollTestApp, extra: Record<string, unknown> = {}) {
  const gr = t.services.repos.hubs.getBySlug('gr-digigov-innohub')!;
  const others = t.services.repos.hubs.list().filter((h) => h.id !== gr.id).map((h) => h.id);
  return t.services.sessions.create(
    {
      title: 'Case studies: next generation of public services',
      hubId: gr.id,
      coHostIds: others,
      seriesId: t.services.repos.series.list()[0]?.id ?? '',
      status: 'tentative',
      approxMonth: '2021-09',
      approxPart: 'mid',
      zone: 'Europe/Athens',
      durationMinutes: 120,
      ...extra,
    },
    t.admin,
  );
}

/** Outbox rows of a kind, oldest first. */
export function outboxRows(t: PollTestApp, kind: string) {
  return t.db.prepare('SELECT * FROM outbox WHERE kind = ? ORDER BY id').all(kind) as {
    id: number;
    dedupe_key: string;
    recipient_email: string;
    recipient_name: string;
    language: string;
    zone: string;
    status: string;
    not_before: number;
    deadline: number | null;
    payload: string;
    withdrawn_reason: string | null;
  }[];
}

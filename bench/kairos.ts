/**
 * Kairos on a temporary SQLite file, built the way the tests build it (tests/helpers/app.ts):
 * real config, migrations, seed data, an organiser, a fixed clock. Nothing here is imported
 * from tests/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig, type Config } from '../src/core/config.js';
import { migrate } from '../src/core/db/migrate.js';
import { openDatabase, type DB } from '../src/core/db/open.js';
import { SERIES_SLUG, WEBINAR_SLUG, seed } from '../src/seed/seed.js';
import type { Organiser } from '../src/modules/organisers/repository.js';
import type { Session } from '../src/modules/sessions/repository.js';
import { createServices, type Services } from '../src/services.js';

/** The fixed "now" of the run: sessions below start after it, so registration is open. */
export const NOW = '2026-01-12T09:00:00Z';

export interface BenchKairos {
  dir: string;
  config: Config;
  db: DB;
  clock: ManualClock;
  services: Services;
  organiser: Organiser;
  /** Id of the seed webinar of 15 July 2021 (its public page, API record and .ics are measured). */
  webinarId: number;
  /** A new app on this database. `development: true` builds it as `npm run dev` does (NODE_ENV=development: Eta template cache off). */
  app(opts?: { development?: boolean }): Promise<FastifyInstance>;
  /** A scheduled session open for registration: no capacity limit, no double opt-in. */
  openSession(title: string): Session;
  /** Closes the apps built here, the database, and removes the directory. */
  close(): Promise<void>;
}

export async function setupKairos(): Promise<BenchKairos> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-bench-'));
  const config = loadConfig(
    {
      DATABASE_PATH: path.join(dir, 'kairos.sqlite'),
      PUBLIC_URL: 'http://kairos.test',
      LOG_LEVEL: 'silent',
      DISPATCHER_ENABLED: 'false',
      SESSION_SECRET: 'a-bench-secret-that-is-long-enough-0123456789',
      // The pages are measured, not the password hash.
      PASSWORD_HASH_COST: '10',
    },
    path.join(dir, 'no.env'),
  );
  const db = openDatabase(config.databasePath);
  migrate(db);
  const clock = new ManualClock(Date.parse(NOW));
  const services = createServices({ db, clock, config });
  seed(db, services, clock);
  const organiser = await services.auth.createOrganiser({
    email: 'eleni@grnet.test',
    name: 'Eleni',
    password: 'greek-password-123',
    role: 'hub',
    hubSlug: 'gr-digigov-innohub',
    zone: 'Europe/Athens',
  });
  const webinarId = services.repos.sessions.getBySlug(WEBINAR_SLUG)!.id;
  const seriesId = services.repos.series.getBySlug(SERIES_SLUG)!.id;
  const apps: FastifyInstance[] = [];

  return {
    dir,
    config,
    db,
    clock,
    services,
    organiser,
    webinarId,
    async app(opts = {}) {
      const saved = process.env.NODE_ENV;
      if (opts.development) process.env.NODE_ENV = 'development';
      else delete process.env.NODE_ENV;
      try {
        const app = await buildApp({ config, db, clock, services, logger: false });
        apps.push(app);
        return app;
      } finally {
        if (saved === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = saved;
      }
    },
    openSession(title) {
      return services.sessions.create(
        {
          title,
          description: 'A session created by the benchmark.',
          seriesId,
          status: 'scheduled',
          date: '2026-03-05',
          time: '11:00',
          zone: 'Europe/Athens',
          durationMinutes: 90,
          joinUrl: 'https://meet.example.org/kairos-bench',
          capacity: '',
          language: 'en',
          doubleOptIn: false,
        },
        organiser,
      );
    },
    async close() {
      for (const app of apps) await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

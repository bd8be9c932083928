/**
 * Kairos in the benchmark's own process, on a database file the built server also uses (never at
 * the same time as a measurement of the server): to create the sessions the run needs, and for the
 * rows measured in-process (register(), the dispatcher's claim tick). Nothing is imported from tests/.
 */
import path from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { loadConfig, type Config } from '../src/core/config.js';
import { openDatabase, type DB } from '../src/core/db/open.js';
import type { Session } from '../src/modules/sessions/repository.js';
import { SEED_HUBS } from '../src/seed/seed.js';
import type { RegistrationInput } from '../src/modules/registrations/validate.js';
import { createServices, type Services } from '../src/services.js';

export interface InProcess {
  db: DB;
  config: Config;
  services: Services;
  close(): void;
}

/** Opens the file as the server would (same environment, same key file beside the database). */
export function openKairos(databasePath: string): InProcess {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_PATH: databasePath, DISPATCHER_ENABLED: 'false' };
  delete env.NODE_ENV;
  const config = loadConfig(env);
  const db = openDatabase(config.databasePath);
  const services = createServices({ db, clock: systemClock, config });
  return { db, config, services, close: () => db.close() };
}

/**
 * An upcoming session open for registration, created by the first organiser (the administrator
 * of the first start): 60 days ahead, capacity 100,000, no double opt-in (so a registration
 * comes out confirmed: its confirmation email and reminders are queued).
 */
export function createOpenSession(k: InProcess, title: string): Session {
  const organiser = k.services.repos.organisers.list()[0];
  if (!organiser) throw new Error('no organiser in the database (the first start creates one)');
  const date = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  return k.services.sessions.create(
    {
      title,
      hubId: String(hubIdsOf(k)[0]),
      description: 'An online session: talks, a demonstration and questions.',
      status: 'scheduled',
      date,
      time: '11:00',
      zone: 'Europe/Athens',
      durationMinutes: 90,
      joinUrl: 'https://meet.example.org/kairos-open',
      capacity: '100000',
      language: 'en',
      doubleOptIn: false,
    },
    organiser,
  );
}

/** A registration as a person would send it, spread over the nine hubs' countries, languages and zones. */
export function registrationInput(i: number, prefix: string, hubIds: number[]): RegistrationInput {
  const h = SEED_HUBS[i % SEED_HUBS.length]!;
  return {
    name: `Participant ${prefix}${i}`,
    email: `${prefix}${i}@bench.example.org`,
    organisation: 'Municipality of Example',
    orgType: 'public',
    hubId: hubIds[i % hubIds.length],
    country: h.countryCode,
    language: h.language,
    zone: h.zone,
    consent: true,
    followupConsent: i % 2 === 0,
  };
}

/** The same as JSON for POST /api/v1/sessions/:id/registrations; __N__ is made unique per request by the load generator. */
export function registrationJson(hubId: number): string {
  return JSON.stringify({
    name: 'Participant __N__',
    email: 'p__N__@bench.example.org',
    organisation: 'Municipality of Example',
    orgType: 'public',
    hubId,
    country: 'GR',
    language: 'el',
    zone: 'Europe/Athens',
    consent: true,
    followupConsent: true,
  });
}

export const hubIdsOf = (k: InProcess) => SEED_HUBS.map((h) => k.services.repos.hubs.getBySlug(h.slug)!.id);
export const dirOf = (file: string) => path.dirname(file);

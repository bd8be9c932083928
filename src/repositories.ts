/**
 * Every repository of a database, as the services are given them. Each is built once per connection
 * by its own module (statements prepared once), so a service, a renderer and a route of the same
 * database share them. A service declares the repositories it uses; this bag has them all.
 */
import type { DB } from './core/db/open.js';
import { auditWriter, type AuditWriter } from './core/audit/index.js';
import { settingsRepository, type SettingsRepository } from './core/db/settings.js';
import { agendaRepository, type AgendaRepository } from './modules/agenda/index.js';
import { followupRepository, type FollowupRepository } from './modules/followups/index.js';
import { materialRepository, type MaterialRepository } from './modules/materials/index.js';
import { callRepository, type CallRepository } from './modules/calls/index.js';
import { accountRepository, organiserRepository, type AccountRepository, type OrganiserRepository } from './modules/organisers/index.js';
import { pollRepository, type PollRepository } from './modules/polls/index.js';
import { registrationRepository, type RegistrationRepository } from './modules/registrations/index.js';
import { hubRepository, seriesRepository, sessionRepository, type HubRepository, type SeriesRepository, type SessionRepository } from './modules/sessions/index.js';

export interface Repositories {
  hubs: HubRepository;
  series: SeriesRepository;
  sessions: SessionRepository;
  organisers: OrganiserRepository;
  accounts: AccountRepository;
  settings: SettingsRepository;
  registrations: RegistrationRepository;
  followups: FollowupRepository;
  polls: PollRepository;
  /** The audit log's writer (core: every module records through it). */
  audit: AuditWriter;
  materials: MaterialRepository;
  agenda: AgendaRepository;
  calls: CallRepository;
}

export function createRepositories(db: DB): Repositories {
  return {
    hubs: hubRepository(db),
    series: seriesRepository(db),
    sessions: sessionRepository(db),
    organisers: organiserRepository(db),
    accounts: accountRepository(db),
    settings: settingsRepository(db),
    registrations: registrationRepository(db),
    followups: followupRepository(db),
    polls: pollRepository(db),
    audit: auditWriter(db),
    materials: materialRepository(db),
    agenda: agendaRepository(db),
    calls: callRepository(db),
  };
}

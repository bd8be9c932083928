import type { DB } from '../db/open.js';
import { FollowupRepository } from './followups.js';
import { HubRepository } from './hubs.js';
import { OrganiserRepository } from './organisers.js';
import { RegistrationRepository } from './registrations.js';
import { SeriesRepository } from './series.js';
import { SessionRepository } from './sessions.js';
import { SettingsRepository } from './settings.js';

export interface Repositories {
  hubs: HubRepository;
  series: SeriesRepository;
  sessions: SessionRepository;
  organisers: OrganiserRepository;
  settings: SettingsRepository;
  registrations: RegistrationRepository;
  followups: FollowupRepository;
}

/** Builds every repository once per database: their statements are prepared here, once. */
export function createRepositories(db: DB): Repositories {
  return {
    hubs: new HubRepository(db),
    series: new SeriesRepository(db),
    sessions: new SessionRepository(db),
    organisers: new OrganiserRepository(db),
    settings: new SettingsRepository(db),
    registrations: new RegistrationRepository(db),
    followups: new FollowupRepository(db),
  };
}

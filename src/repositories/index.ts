import type { DB } from '../core/db/open.js';
import { FollowupRepository } from './followups.js';
import { HubRepository } from './hubs.js';
import { OrganiserRepository } from './organisers.js';
import { PollRepository } from './polls.js';
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
  polls: PollRepository;
}

const built = new WeakMap<DB, Repositories>();

/**
 * Every repository of a database, built once per connection: their statements are prepared once and
 * shared by the services and the email renderers (which get only the database handle).
 */
export function createRepositories(db: DB): Repositories {
  let repos = built.get(db);
  if (!repos) built.set(db, (repos = buildRepositories(db)));
  return repos;
}

function buildRepositories(db: DB): Repositories {
  return {
    hubs: new HubRepository(db),
    series: new SeriesRepository(db),
    sessions: new SessionRepository(db),
    organisers: new OrganiserRepository(db),
    settings: new SettingsRepository(db),
    registrations: new RegistrationRepository(db),
    followups: new FollowupRepository(db),
    polls: new PollRepository(db),
  };
}

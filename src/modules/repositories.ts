import type { DB } from '../core/db/open.js';
import { FollowupRepository } from './followups/repository.js';
import { HubRepository } from './sessions/hubs-repository.js';
import { OrganiserRepository } from './organisers/repository.js';
import { PollRepository } from './polls/repository.js';
import { RegistrationRepository } from './registrations/repository.js';
import { SeriesRepository } from './sessions/series-repository.js';
import { SessionRepository } from './sessions/repository.js';
import { SettingsRepository } from '../core/db/settings.js';

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

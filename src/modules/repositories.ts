import type { DB } from '../core/db/open.js';
import { FollowupRepository } from './followups/index.js';
import { HubRepository } from './sessions/index.js';
import { OrganiserRepository } from './organisers/index.js';
import { PollRepository } from './polls/index.js';
import { RegistrationRepository } from './registrations/index.js';
import { SeriesRepository } from './sessions/index.js';
import { SessionRepository } from './sessions/index.js';
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

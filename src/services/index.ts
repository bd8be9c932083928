import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DB } from '../db/open.js';
import { createRepositories, type Repositories } from '../repositories/index.js';
import { AuthService } from './auth.js';
import { SessionService } from './sessions.js';

export interface Services {
  repos: Repositories;
  auth: AuthService;
  sessions: SessionService;
}

export interface ServiceDeps {
  db: DB;
  clock: Clock;
  config: Config;
}

export function createServices({ db, clock, config }: ServiceDeps): Services {
  const repos = createRepositories(db);
  return {
    repos,
    auth: new AuthService(repos, clock),
    sessions: new SessionService(db, repos, clock, config),
  };
}

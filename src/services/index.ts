import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DB } from '../db/open.js';
import { createRepositories, type Repositories } from '../repositories/index.js';
import { AttendanceService } from './attendance.js';
import { AuthService } from './auth.js';
import { FollowupService } from './followups.js';
import { InviteService } from './invites.js';
import { PollService } from './polls.js';
import { randomToken } from './crypto.js';
import { RegistrationService } from './registrations.js';
import { ReminderService } from './reminders.js';
import { SessionService } from './sessions.js';

export interface Services {
  db: DB;
  clock: Clock;
  repos: Repositories;
  /** Signs cookies and derives personal tokens: SESSION_SECRET, or one generated once and kept in the database. */
  secret: string;
  auth: AuthService;
  sessions: SessionService;
  registrations: RegistrationService;
  reminders: ReminderService;
  attendance: AttendanceService;
  followups: FollowupService;
  polls: PollService;
}

export interface ServiceDeps {
  db: DB;
  clock: Clock;
  config: Config;
}

export function createServices({ db, clock, config }: ServiceDeps): Services {
  const repos = createRepositories(db);
  const secret = config.sessionSecret ?? repos.settings.getOrInsert('session_secret', randomToken(48));
  const sessions = new SessionService(db, repos, clock, config);
  const registrations = new RegistrationService(db, repos, clock, config, secret);
  const reminders = new ReminderService(db, repos, clock);
  // Order matters: seats are filled first, then reminders follow the confirmed registrations.
  sessions.onChange((change) => registrations.onSessionChange(change));
  sessions.onChange((change) => reminders.onSessionChange(change));
  const invites = new InviteService(db, repos, clock);
  sessions.onChange((change) => invites.onSessionChange(change));
  const polls = new PollService(db, repos, clock, config, secret, sessions);
  sessions.onChange((change) => polls.onSessionChange(change));
  registrations.on({ erased: (id) => polls.eraseForRegistration(id) });
  registrations.on({ confirmed: (reg) => reminders.schedule(reg), preferencesChanged: (reg) => reminders.reschedule(reg) });
  return {
    db,
    clock,
    repos,
    secret,
    auth: new AuthService(repos, clock, { passwordHashCost: config.passwordHashCost }),
    sessions,
    registrations,
    reminders,
    attendance: new AttendanceService(db, repos, clock, config, secret),
    followups: new FollowupService(db, repos, clock),
    polls,
  };
}

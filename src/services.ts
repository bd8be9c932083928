import type { Clock } from './core/clock.js';
import type { Config } from './core/config.js';
import { checkpoint, type DB } from './core/db/open.js';
import { redactKeptCopies } from './core/outbox/queue.js';
import { createRepositories, type Repositories } from './repositories.js';
import { AgendaService } from './modules/agenda/index.js';
import { AttendanceService } from './modules/attendance/index.js';
import { AuditService } from './modules/audit/index.js';
import { AccountService, AuthService } from './modules/organisers/index.js';
import { FollowupService } from './modules/followups/index.js';
import { InviteService } from './modules/registrations/index.js';
import { PollService } from './modules/polls/index.js';
import { RegistrationService } from './modules/registrations/index.js';
import { ReminderService } from './modules/registrations/index.js';
import { secretOf } from './core/secret.js';
import { SessionService } from './modules/sessions/index.js';
import { HealthService } from './modules/health/index.js';
import { MailService } from './modules/mail/index.js';
import { MaterialService } from './modules/materials/index.js';
import { CallService } from './modules/calls/index.js';
import { QuestionService } from './modules/registrations/index.js';
import { forgetUndeliverable } from './core/outbox/index.js';

export interface Services {
  db: DB;
  clock: Clock;
  repos: Repositories;
  /** Signs cookies and derives personal tokens: SESSION_SECRET, or the key file (never the database). */
  secret: string;
  auth: AuthService;
  accounts: AccountService;
  sessions: SessionService;
  registrations: RegistrationService;
  reminders: ReminderService;
  attendance: AttendanceService;
  followups: FollowupService;
  polls: PollService;
  mail: MailService;
  materials: MaterialService;
  agenda: AgendaService;
  calls: CallService;
  questions: QuestionService;
  health: HealthService;
  audit: AuditService;
}

const COPIES_REDACTED = 'outbox_copies_redacted';

export interface ServiceDeps {
  db: DB;
  clock: Clock;
  config: Config;
}

export function createServices({ db, clock, config }: ServiceDeps): Services {
  const repos = createRepositories(db);
  const secret = secretOf(db, config);
  // Copies of sent mail kept by earlier versions still held personal links: replaced once by a marker.
  if (repos.settings.get(COPIES_REDACTED) === undefined) {
    redactKeptCopies(db, config.publicUrl);
    repos.settings.set(COPIES_REDACTED, '1');
    checkpoint(db);
  }
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
  registrations.on({ erased: (id, email) => polls.eraseForRegistration(id, email), exporting: (reg) => ({ datePolls: polls.personalData(reg.email) }) });
  registrations.on({ confirmed: (reg, session) => reminders.schedule(reg, session), preferencesChanged: (reg) => reminders.reschedule(reg) });
  // A bounced address is personal data too: erasure forgets it.
  registrations.on({ erased: (_id, email) => { if (email) forgetUndeliverable(db, email); } });
  const auth = new AuthService(db, repos, clock, { passwordHashCost: config.passwordHashCost });
  return {
    db,
    clock,
    repos,
    secret,
    auth,
    accounts: new AccountService(db, repos, clock, secret, auth),
    sessions,
    registrations,
    reminders,
    attendance: new AttendanceService(db, repos, clock, config, secret),
    followups: new FollowupService(db, repos, clock, config),
    polls,
    mail: new MailService(db, clock),
    materials: new MaterialService(db, repos, clock),
    agenda: new AgendaService(db, repos, clock),
    calls: new CallService(db, repos, clock, secret),
    questions: new QuestionService(repos.registrations),
    health: new HealthService(db, clock),
    audit: new AuditService(db, repos),
  };
}

import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { DB } from '../../core/db/open.js';
import { checkpoint, immediate } from '../../core/db/open.js';
import { auditWriter, type AuditAction, type AuditActor, type AuditDetailValue } from '../../core/audit/index.js';
import { withdraw } from '../../core/outbox/queue.js';
import { eraseRegistrationMail, mailForRegistration } from '../../core/outbox/personal-data.js';
import { AppError, FieldErrors, notFound, mustExist } from '../../core/errors.js';
import { isLanguage } from '../../core/i18n/index.js';
import { type HubRepository, type SessionRepository } from '../sessions/index.js';
import type { RegistrationRepository } from './repository.js';
import type { PersonalScope } from '../../core/access/index.js';
import { type NewRegistration, type Registration, type RegistrationFilter, type RegistrationStatus, type RegistrationSource } from './repository.js';
import type { Session } from '../sessions/index.js';
import { validateZone } from '../../core/time/index.js';
import { randomToken, sha256 } from '../../core/crypto.js';
import { manageToken } from './tokens.js';
import type { SessionChange } from '../sessions/index.js';
import { str } from '../../core/text.js';
import { personalFeedRepository, type PersonalSeat } from './personal-feed-repository.js';
import { messageRegistrants, type MessageInput } from './messages.js';
import { personalDataExport } from './present.js';
import { queueRegistrationEmail } from './registration-email.js';
import { REG_EMAIL, type RegisterResult, type RegistrationHooks } from './service-types.js';
import { truthy, validateRegistration, type RegistrationInput, type ValidRegistration } from './validate.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { hubs: HubRepository; registrations: RegistrationRepository; sessions: SessionRepository };

export { REG_EMAIL, type RegisterOutcome, type RegisterResult, type RegistrationHooks } from './service-types.js';

/** Registration, waitlist and self-service. Every change and the emails it causes commit together. */
export class RegistrationService {
  private readonly hooks: RegistrationHooks[] = [];

  on(hooks: RegistrationHooks): void {
    this.hooks.push(hooks);
  }

  /** `session`: the registration's session as read in this transaction, if at hand (the hooks read it otherwise). */
  private confirmedHook(reg: Registration, session?: Session): void {
    // Taken up again after a cancellation: the new invite must outrank the CANCEL sent before (so the row read before is out of date).
    if (reg.cycle > 1) this.repos.sessions.bumpSequence(reg.sessionId);
    for (const h of this.hooks) h.confirmed?.(reg, reg.cycle > 1 ? undefined : session);
  }

  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly secret: string,
  ) {}

  // ---------------------------------------------------------------- tokens

  /** The personal token of a registration: an HMAC of its random nonce, so only its hash is stored. */
  tokenFor(r: Pick<Registration, 'tokenNonce'>): string {
    return manageToken(this.secret, r.tokenNonce);
  }

  manageUrl(r: Pick<Registration, 'tokenNonce'>): string {
    return `${this.config.publicUrl}/r/${this.tokenFor(r)}`;
  }

  /** The registration behind a token, or a 404 that says nothing about whether it ever existed. */
  byToken(token: string): Registration {
    const r = typeof token === 'string' && /^[A-Za-z0-9_-]{40,60}$/.test(token) ? this.repos.registrations.getByTokenHash(sha256(token)) : undefined;
    if (!r || r.anonymisedAt !== null) throw notFound('registration');
    return r;
  }

  private newToken(): { tokenNonce: string; tokenHash: string } {
    const tokenNonce = randomToken(16);
    return { tokenNonce, tokenHash: sha256(this.tokenFor({ tokenNonce })) };
  }

  // ---------------------------------------------------------------- validation

  /** Checks every field of a registration form or API body; throws a ValidationError naming each bad field (see ./validate.ts). */
  validate(session: Session, input: RegistrationInput): ValidRegistration {
    return validateRegistration(session, input, { questions: this.repos.registrations.questions(session.id), hubExists: (id) => !!this.repos.hubs.get(id) });
  }

  /** Whether a session takes registrations now; the error names why not. */
  assertOpen(session: Session): void {
    if (session.status === 'cancelled') throw new AppError('registration_closed', 'this session has been cancelled', 409, 'session');
    if (session.status === 'completed' || (session.startUtc !== null && session.startUtc <= this.clock.now())) {
      throw new AppError('registration_closed', 'this session has already taken place', 409, 'session');
    }
  }

  // ---------------------------------------------------------------- registering

  /** `actor`: the organiser adding someone by hand (recorded in the audit log); none for the person themselves. */
  register(sessionId: number, input: RegistrationInput, source: RegistrationSource = 'form', actor?: AuditActor): RegisterResult {
    // Read the session, check the form against it, check the seats and take one in a single
    // IMMEDIATE transaction: two processes cannot both see the last free seat, and the session is
    // read once.
    return immediate(this.db, () => {
      const fresh = this.repos.sessions.get(sessionId);
      if (!fresh) throw notFound('session');
      this.assertOpen(fresh);
      const data = this.validate(fresh, input);
      const now = this.clock.now();
      const existing = this.repos.registrations.getByEmail(sessionId, data.email);
      if (existing && existing.anonymisedAt === null && ['pending', 'confirmed', 'waitlisted'].includes(existing.status)) {
        // Tell the person, and send their link again (at most once an hour).
        this.email(existing, REG_EMAIL.link, `link:${Math.floor(now / 3_600_000)}`);
        return { registration: existing, outcome: 'duplicate' };
      }
      const verifiedNow = source === 'organiser' || !fresh.doubleOptIn;
      const free = this.hasFreeSeat(fresh, now);
      const status = free ? (verifiedNow ? 'confirmed' : 'pending') : 'waitlisted';
      // Unconfirmed registrations hold at most PENDING_MAX_SHARE of the seats; beyond that a pending
      // registration holds nothing and takes a seat when it is confirmed, if one is still free.
      const held = status === 'pending' && this.pendingRoom(fresh, now);
      const row: NewRegistration = {
        sessionId,
        status,
        name: data.name,
        email: data.email,
        organisation: data.organisation,
        orgType: data.orgType,
        hubId: data.hubId,
        country: data.country,
        language: data.language,
        zone: data.zone,
        consentVersion: data.consentVersion,
        followupConsent: data.followupConsent,
        answers: data.answers,
        ...this.newToken(),
        emailVerifiedAt: verifiedNow ? now : null,
        holdUntil: held ? now + this.config.pendingHoldHours * 3_600_000 : null,
        waitlistedAt: status === 'waitlisted' ? now : null,
        confirmedAt: status === 'confirmed' ? now : null,
        source,
      };
      const reg = existing ? this.repos.registrations.revive(existing.id, row, now) : this.repos.registrations.insert(row, now);
      if (!verifiedNow) this.email(reg, REG_EMAIL.received);
      else this.email(reg, status === 'confirmed' ? REG_EMAIL.confirmed : REG_EMAIL.waitlisted);
      if (status === 'confirmed') this.confirmedHook(reg, fresh);
      if (actor) this.audit('registration.added', actor, fresh, reg.id, { status });
      return { registration: reg, outcome: status, seatHeld: status === 'confirmed' || held };
    });
  }

  private hasFreeSeat(session: Session, now: number): boolean {
    return session.capacity === null || this.repos.registrations.seatsTaken(session.id, now) < session.capacity;
  }

  /** How many seats unconfirmed registrations may hold at once: PENDING_MAX_SHARE percent of the capacity, rounded up. */
  pendingHoldLimit(session: Pick<Session, 'capacity'>): number {
    return session.capacity === null ? Infinity : Math.ceil((session.capacity * this.config.pendingMaxShare) / 100);
  }

  /** Whether one more unconfirmed registration may hold a seat now. */
  private pendingRoom(session: Session, now: number): boolean {
    return session.capacity === null || this.repos.registrations.pendingHeld(session.id, now) < this.pendingHoldLimit(session);
  }

  // ---------------------------------------------------------------- self-service

  /** Confirms the email address (double opt-in). A pending seat becomes confirmed. */
  confirm(token: string): Registration {
    return immediate(this.db, () => {
      const reg = this.byToken(token);
      const now = this.clock.now();
      if (reg.status === 'cancelled' || reg.status === 'expired') throw new AppError('registration_inactive', 'this registration is no longer active', 409, 'registration');
      if (reg.status === 'confirmed') return reg;
      const verified = reg.emailVerifiedAt ?? now;
      if (reg.status === 'waitlisted') {
        if (reg.emailVerifiedAt) return reg;
        this.repos.registrations.transition(reg.id, { status: 'waitlisted', emailVerifiedAt: verified }, now);
        // Confirmed now: a free seat the cap on unconfirmed holds kept from the waitlist goes out, in order.
        this.fillSeats(reg.sessionId);
        return mustExist(this.repos.registrations.get(reg.id), 'registration');
      }
      // pending: the seat is held until hold_until; if the hold ran out and nobody took the seat, keep it.
      const session = mustExist(this.repos.sessions.get(reg.sessionId), 'session');
      const holdValid = reg.holdUntil !== null && reg.holdUntil > now;
      if (holdValid || this.hasFreeSeat(session, now)) {
        const r = this.repos.registrations.transition(reg.id, { status: 'confirmed', confirmedAt: now, holdUntil: null, emailVerifiedAt: verified }, now);
        this.email(r, REG_EMAIL.confirmed);
        this.confirmedHook(r);
        // A hold given up makes room for the next unconfirmed person on the waitlist.
        if (holdValid) this.fillSeats(r.sessionId);
        return r;
      }
      const r = this.repos.registrations.transition(reg.id, { status: 'waitlisted', waitlistedAt: now, holdUntil: null, emailVerifiedAt: verified }, now);
      this.email(r, REG_EMAIL.waitlisted);
      return r;
    });
  }

  /** Cancels a registration (by its owner or an organiser, `actor` in the audit log); the first in line gets the seat. */
  cancel(reg: Registration, by: 'self' | 'organiser' = 'self', actor?: AuditActor): Registration {
    return immediate(this.db, () => {
      const current = mustExist(this.repos.registrations.get(reg.id), 'registration');
      if (current.status === 'cancelled' || current.status === 'expired') return current;
      const now = this.clock.now();
      const r = this.repos.registrations.transition(current.id, { status: 'cancelled', cancelledAt: now, holdUntil: null }, now);
      withdraw(this.db, { registrationId: r.id }, this.clock, `registration cancelled by ${by}`);
      // The person's CANCEL must carry a higher SEQUENCE than the invite it cancels.
      if (current.confirmedAt !== null) this.repos.sessions.bumpSequence(r.sessionId);
      if (current.emailVerifiedAt !== null) this.email(r, REG_EMAIL.cancelled);
      if (actor) this.audit('registration.cancelled', actor, mustExist(this.repos.sessions.get(r.sessionId), 'session'), r.id, { before: current.status });
      this.fillSeats(r.sessionId);
      return r;
    });
  }

  /**
   * The answer to the invite that came back by mail (an iTIP REPLY through the registration's
   * reply address). DECLINED cancels exactly as the manage link does; ACCEPTED confirms a pending
   * double opt-in (the answer came through the address only this person's invites carry) and is
   * recorded, as is TENTATIVE. Returns what was done.
   */
  answerInvite(reg: Registration, partstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE'): 'cancelled' | 'confirmed' | 'recorded' | 'inactive' {
    if (reg.status === 'cancelled' || reg.status === 'expired') return 'inactive';
    if (partstat === 'DECLINED') {
      this.cancel(reg, 'self');
      return 'cancelled';
    }
    return immediate(this.db, () => {
      let outcome: 'confirmed' | 'recorded' = 'recorded';
      if (partstat === 'ACCEPTED' && reg.status === 'pending') {
        outcome = this.confirm(this.tokenFor(reg)).status === 'confirmed' ? 'confirmed' : 'recorded';
      }
      this.repos.registrations.setRsvp(reg.id, partstat, this.clock.now());
      return outcome;
    });
  }

  cancelByToken(token: string): Registration {
    return this.cancel(this.byToken(token), 'self');
  }

  updatePreferences(token: string, input: { language?: unknown; zone?: unknown; followupConsent?: unknown }): Registration {
    const reg = this.byToken(token);
    const errs = new FieldErrors();
    const language = str(input.language);
    if (!isLanguage(language)) errs.add('language', 'language_invalid', 'unsupported language');
    const zone = errs.catch('zone', () => validateZone(input.zone, 'zone')) ?? reg.zone;
    errs.throwIfAny();
    return immediate(this.db, () => {
      const r = this.repos.registrations.setPreferences(reg.id, { language, zone, followupConsent: truthy(input.followupConsent) }, this.clock.now());
      if (r.language !== reg.language || r.zone !== reg.zone) for (const h of this.hooks) h.preferencesChanged?.(r);
      return r;
    });
  }

  /** Everything Kairos keeps about a person's registration, as JSON (right of access). */
  exportData(token: string): Record<string, unknown> {
    const r = this.byToken(token);
    const session = mustExist(this.repos.sessions.get(r.sessionId), 'session');
    const hub = r.hubId === null ? null : this.repos.hubs.get(r.hubId)?.name ?? null;
    const questions = new Map(this.repos.registrations.questions(r.sessionId).map((q) => [String(q.id), q.label]));
    const fromHooks: Record<string, unknown> = {};
    for (const h of this.hooks) Object.assign(fromHooks, h.exporting?.(r) ?? {});
    return {
      ...personalDataExport({ reg: r, session, hub, questions, emails: mailForRegistration(this.db, r.id), now: this.clock.now() }),
      ...fromHooks,
    };
  }

  /**
   * Erases a person's data (right to erasure): the seat is released, unsent mail withdrawn, and
   * name, email, organisation, answers, token and every outbox copy are removed. Only country,
   * hub and organisation type stay, without anything that identifies the person, for counts.
   */
  erase(token: string): void {
    const reg = this.byToken(token);
    immediate(this.db, () => {
      const now = this.clock.now();
      const wasActive = ['pending', 'confirmed', 'waitlisted'].includes(reg.status);
      if (wasActive) this.repos.registrations.transition(reg.id, { status: 'cancelled', cancelledAt: now, holdUntil: null }, now);
      eraseRegistrationMail(this.db, reg.id, now);
      this.repos.registrations.anonymise(reg.id, now);
      for (const h of this.hooks) h.erased?.(reg.id, reg.email);
      if (wasActive) this.fillSeats(reg.sessionId);
    });
    // secure_delete zeroed the old content in the pages; the checkpoint clears the copies in the WAL.
    checkpoint(this.db);
  }

  /**
   * Retention: anonymises registrations of sessions that ended more than RETENTION_DAYS ago. A
   * session that never got a date counts from the end of its rough month (or, without one, from
   * its creation), and never before the registration itself is RETENTION_DAYS old.
   */
  anonymiseExpired(): number {
    const n = immediate(this.db, () => {
      const now = this.clock.now();
      const ids = this.repos.registrations.dueForAnonymising(now - this.config.retentionDays * 86_400_000);
      for (const id of ids) {
        eraseRegistrationMail(this.db, id, now);
        this.repos.registrations.anonymise(id, now);
        for (const h of this.hooks) h.erased?.(id, null);
      }
      return ids.length;
    });
    if (n > 0) checkpoint(this.db);
    return n;
  }

  // ---------------------------------------------------------------- seats and waitlist

  /** Gives free seats to the waitlist in order. Runs inside the caller's transaction. */
  fillSeats(sessionId: number): Registration[] {
    const session = mustExist(this.repos.sessions.get(sessionId), 'session');
    if (session.status === 'cancelled' || session.status === 'completed') return [];
    const promoted: Registration[] = [];
    const now = this.clock.now();
    while (this.hasFreeSeat(session, now)) {
      // In waitlist order; someone who has not confirmed their address is passed over while
      // unconfirmed registrations already hold their share of the seats.
      const anyone = !session.doubleOptIn || this.pendingRoom(session, now);
      const next = this.repos.registrations.firstWaitlisted(sessionId, !anyone);
      if (!next) break;
      promoted.push(this.promote(next, session, now));
    }
    return promoted;
  }

  private promote(reg: Registration, session: Session, now: number): Registration {
    const verified = reg.emailVerifiedAt !== null || !session.doubleOptIn;
    const r = verified
      ? this.repos.registrations.transition(reg.id, { status: 'confirmed', confirmedAt: now, holdUntil: null }, now)
      : this.repos.registrations.transition(reg.id, { status: 'pending', holdUntil: now + this.config.pendingHoldHours * 3_600_000 }, now);
    this.email(r, REG_EMAIL.promoted);
    if (r.status === 'confirmed') this.confirmedHook(r);
    return r;
  }

  /** Organiser: moves one person from the waitlist onto a free seat ("give a place"). */
  moveFromWaitlist(registrationId: number, actor?: AuditActor): Registration {
    return immediate(this.db, () => {
      const reg = this.repos.registrations.get(registrationId);
      if (!reg) throw notFound('registration');
      if (reg.status !== 'waitlisted') throw new AppError('not_waitlisted', 'this person is not on the waitlist', 409, 'registration');
      const session = mustExist(this.repos.sessions.get(reg.sessionId), 'session');
      const now = this.clock.now();
      if (!this.hasFreeSeat(session, now)) throw new AppError('session_full', 'every seat is taken: raise the capacity or cancel a registration first', 409, 'capacity');
      const r = this.promote(reg, session, now);
      if (actor) this.audit('registration.promoted', actor, session, r.id, { status: r.status });
      return r;
    });
  }

  /** Releases pending seats whose hold ran out, and gives them to the waitlist. */
  expireHolds(): { expired: number; promoted: number } {
    return immediate(this.db, () => {
      const now = this.clock.now();
      const due = this.repos.registrations.expiredHolds(now);
      let promoted = 0;
      const sessions = new Set<number>();
      for (const r of due) {
        this.repos.registrations.transition(r.id, { status: 'expired', holdUntil: null }, now);
        withdraw(this.db, { registrationId: r.id }, this.clock, 'confirmation not received in time');
        sessions.add(r.sessionId);
      }
      for (const s of sessions) promoted += this.fillSeats(s).length;
      return { expired: due.length, promoted };
    });
  }

  /** Session listener: more capacity (or no limit) lets the waitlist in. */
  onSessionChange(change: SessionChange): void {
    if (change.kind === 'updated' && (change.changed.includes('capacity') || change.changed.includes('status'))) this.fillSeats(change.after.id);
  }

  // ---------------------------------------------------------------- reading

  /** Registrations of a session within the caller's access scope. */
  list(sessionId: number, scope: PersonalScope, filter: RegistrationFilter = {}): Registration[] {
    return this.repos.registrations.list(sessionId, scope, filter);
  }

  get(id: number): Registration {
    const r = this.repos.registrations.get(id);
    if (!r) throw notFound('registration');
    return r;
  }

  /** The sessions an address holds a confirmed seat for that ended at or after `since` (the person's own calendar feed). */
  confirmedSeats(email: string, since: number): PersonalSeat[] {
    return personalFeedRepository(this.db).confirmedSeats(email, since);
  }

  /** Changes whenever the person's feed (`confirmedSeats` and its sessions) does; one query. */
  personalFeedVersion(email: string, since: number): string {
    return personalFeedRepository(this.db).versionOf(email, since);
  }

  /** Seats taken now (confirmed, and pending registrations still holding one). */
  seatsTaken(sessionId: number): number {
    return this.repos.registrations.seatsTaken(sessionId, this.clock.now());
  }

  waitlistPosition(id: number): number {
    return this.repos.registrations.waitlistPosition(id);
  }

  statusCounts(sessionId: number): Record<RegistrationStatus, number> {
    return this.repos.registrations.statusCounts(sessionId);
  }

  /** Counts by a dimension and status, within the caller's access scope. */
  countsBy(sessionId: number, dimension: 'country' | 'hub_id' | 'org_type', scope: PersonalScope): { key: string | number | null; status: RegistrationStatus; n: number }[] {
    return this.repos.registrations.countsBy(sessionId, dimension, scope);
  }

  /**
   * An organiser's message to the people registered for a session (confirmed, or also those on the
   * waitlist and pending), each in their language and zone, through the outbox.
   */
  message(sessionId: number, input: MessageInput, scope: PersonalScope, actor?: AuditActor): number {
    return messageRegistrants({ db: this.db, repo: this.repos.registrations, clock: this.clock }, sessionId, input, scope, actor && ((n, audience) => {
      this.audit('message.sent', actor, mustExist(this.repos.sessions.get(sessionId), 'session'), null, { audience, recipients: n });
    }));
  }

  /**
   * The registrations an organiser downloads (the CSV export), within their access scope; the
   * download is recorded in the audit log (how many rows, never who).
   */
  exportList(session: Session, scope: PersonalScope, filter: RegistrationFilter, actor: AuditActor): Registration[] {
    return immediate(this.db, () => {
      const rows = this.repos.registrations.list(session.id, scope, filter);
      this.audit('export.downloaded', actor, session, null, { export: 'registrations.csv', rows: rows.length, ...('hubId' in scope ? { hub: scope.hubId } : {}) });
      return rows;
    });
  }

  /** One audit entry about a session's registrations (ids only), in the current transaction. */
  private audit(action: AuditAction, actor: AuditActor, session: Session, registrationId: number | null, detail: Record<string, AuditDetailValue>): void {
    auditWriter(this.db).record(
      { action, actor, session: { id: session.id, hubId: session.hubId }, subject: registrationId === null ? undefined : { type: 'registration', id: registrationId }, detail },
      this.clock.now(),
    );
  }

  // ---------------------------------------------------------------- email

  /** Queues one email about a registration, in its language and zone, inside the current transaction. */
  email(reg: Registration, kind: string, suffix = ''): number | null {
    return queueRegistrationEmail(this.db, this.clock, reg, kind, suffix);
  }
}

import type { Statement } from 'better-sqlite3';
import type { DB } from '../../core/db/open.js';
import type { PersonalScope } from '../../core/access/index.js';
import { perDatabase } from '../../core/db/per-db.js';
import { toRegistration, type NewRegistration, type Question, type Registration, type RegistrationFilter, type RegistrationRow, type RegistrationStatus, type RsvpAnswer, type Transition } from './model.js';
import { mustExist } from '../../core/errors.js';

export { ORG_TYPES, type NewRegistration, type OrgType, type Question, type Registration, type RegistrationFilter, type RegistrationSource, type RegistrationStatus, type RsvpAnswer, type Transition } from './model.js';

/** Every statement of this repository, prepared once per database. */
function prepareStatements(db: DB) {
  return {
    byId: db.prepare('SELECT * FROM registrations WHERE id = ?'),
    byToken: db.prepare('SELECT * FROM registrations WHERE token_hash = ?'),
    byEmail: db.prepare('SELECT * FROM registrations WHERE session_id = ? AND email_norm = ?'),
    insert: db.prepare(
      `INSERT INTO registrations (session_id, status, name, email, email_norm, organisation, org_type, hub_id, country, language, zone,
         consent_version, consent_at, followup_consent, followup_consent_at, answers, token_nonce, token_hash, email_verified_at,
         hold_until, waitlisted_at, confirmed_at, source, created_at, updated_at)
       VALUES (@sessionId, @status, @name, @email, @emailNorm, @organisation, @orgType, @hubId, @country, @language, @zone,
         @consentVersion, @now, @followupConsent, @followupConsentAt, @answers, @tokenNonce, @tokenHash, @emailVerifiedAt,
         @holdUntil, @waitlistedAt, @confirmedAt, @source, @now, @now)
       RETURNING *`,
    ),
    // Takes a cancelled / expired registration up again with fresh answers and a new cycle.
    revive: db.prepare(
      `UPDATE registrations SET status = @status, name = @name, email = @email, organisation = @organisation, org_type = @orgType,
         hub_id = @hubId, country = @country, language = @language, zone = @zone, consent_version = @consentVersion,
         consent_at = @now, followup_consent = @followupConsent, followup_consent_at = @followupConsentAt, answers = @answers,
         token_nonce = @tokenNonce, token_hash = @tokenHash, email_verified_at = @emailVerifiedAt, hold_until = @holdUntil,
         waitlisted_at = @waitlistedAt, confirmed_at = @confirmedAt, cancelled_at = NULL, source = @source,
         cycle = cycle + 1, rsvp = NULL, rsvp_at = NULL, updated_at = @now
       WHERE id = @id`,
    ),
    transition: db.prepare(
      `UPDATE registrations SET status = @status,
         hold_until = CASE WHEN @setHold THEN @holdUntil ELSE hold_until END,
         waitlisted_at = CASE WHEN @setWait THEN @waitlistedAt ELSE waitlisted_at END,
         confirmed_at = CASE WHEN @setConf THEN @confirmedAt ELSE confirmed_at END,
         cancelled_at = CASE WHEN @setCanc THEN @cancelledAt ELSE cancelled_at END,
         email_verified_at = CASE WHEN @setVer THEN @emailVerifiedAt ELSE email_verified_at END,
         updated_at = @now
       WHERE id = @id`,
    ),
    setRsvp: db.prepare('UPDATE registrations SET rsvp = ?, rsvp_at = ?, updated_at = ? WHERE id = ?'),
    preferences: db.prepare('UPDATE registrations SET language = @language, zone = @zone, followup_consent = @followupConsent, followup_consent_at = @followupConsentAt, updated_at = @now WHERE id = @id'),
    // Read from the counts the triggers of db/009_speed.sql keep: confirmed, plus the pending holds,
    // less those whose hold ran out but that were not expired yet (a short range of the
    // registrations_pending_hold index). Neither reads the session's other registrations.
    seatsTaken: db.prepare(
      `SELECT coalesce((SELECT sum(n) FROM registration_counts WHERE session_id = @sessionId AND status IN ('confirmed', 'held')), 0)
         - (SELECT count(*) FROM registrations WHERE session_id = @sessionId AND status = 'pending' AND hold_until <= @now) AS n`,
    ),
    firstWaitlisted: db.prepare(
      `SELECT * FROM registrations WHERE session_id = ? AND status = 'waitlisted' ORDER BY waitlisted_at, id LIMIT 1`,
    ),
    firstWaitlistedVerified: db.prepare(
      `SELECT * FROM registrations WHERE session_id = ? AND status = 'waitlisted' AND email_verified_at IS NOT NULL ORDER BY waitlisted_at, id LIMIT 1`,
    ),
    pendingHeld: db.prepare(
      `SELECT coalesce((SELECT n FROM registration_counts WHERE session_id = @sessionId AND status = 'held'), 0)
         - (SELECT count(*) FROM registrations WHERE session_id = @sessionId AND status = 'pending' AND hold_until <= @now) AS n`,
    ),
    waitlistPosition: db.prepare(
      `SELECT count(*) AS n FROM registrations me, registrations r
       WHERE me.id = ? AND r.session_id = me.session_id AND r.status = 'waitlisted'
         AND (r.waitlisted_at, r.id) <= (me.waitlisted_at, me.id)`,
    ),
    statusCounts: db.prepare(`SELECT status, n FROM registration_counts WHERE session_id = ? AND status <> 'held'`),
    expiredHolds: db.prepare(`SELECT * FROM registrations WHERE status = 'pending' AND hold_until <= ? ORDER BY hold_until, id LIMIT 500`),
    activeForSession: db.prepare(`SELECT * FROM registrations WHERE session_id = ? AND status IN ('confirmed', 'pending', 'waitlisted') ORDER BY id`),
    byStatus: db.prepare(`SELECT * FROM registrations WHERE session_id = ? AND status = ? ORDER BY id`),
    anonymise: db.prepare(
      `UPDATE registrations SET name = '', email = NULL, email_norm = 'erased:' || id, organisation = '', answers = '{}',
         token_hash = 'erased:' || id, token_nonce = '', anonymised_at = @now, updated_at = @now
       WHERE id = @id AND anonymised_at IS NULL`,
    ),
    // Dated sessions count from their end; undated ones (tentative, or cancelled before a date was
    // set) from the end of their rough month, else their creation, and never before the
    // registration itself is as old. Sessions are picked first, on their own columns, then only
    // their live registrations are read: CROSS JOIN keeps sessions the outer loop and INDEXED BY
    // holds the index, whatever the statistics say (a scan of every registration, every minute,
    // inside a write transaction, is what this avoids).
    dueForAnonymising: db.prepare(
      `SELECT r.id FROM sessions s CROSS JOIN registrations r INDEXED BY registrations_live ON r.session_id = s.id
       WHERE (
         (s.end_utc IS NOT NULL AND s.end_utc <= @before)
         OR (s.end_utc IS NULL AND coalesce(
               CASE WHEN s.approx_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'
                    THEN CAST(strftime('%s', s.approx_month || '-01', '+1 month') AS INTEGER) * 1000 END,
               s.created_at) <= @before)
       )
       AND r.anonymised_at IS NULL AND (s.end_utc IS NOT NULL OR r.created_at <= @before)
       LIMIT 1000`,
    ),
    questions: db.prepare('SELECT * FROM session_questions WHERE session_id = ? ORDER BY position, id'),
    addQuestion: db.prepare(
      `INSERT INTO session_questions (session_id, label, kind, options, required, position)
       VALUES (@sessionId, @label, @kind, @options, @required, (SELECT coalesce(max(position), 0) + 1 FROM session_questions WHERE session_id = @sessionId))`,
    ),
    deleteQuestion: db.prepare('DELETE FROM session_questions WHERE id = ? AND session_id = ?'),
    markAttended: db.prepare(
      `UPDATE registrations SET attended_at = coalesce(attended_at, @at), attendance_source = coalesce(attendance_source, @source), updated_at = @now
       WHERE id = @id AND attended_at IS NULL`,
    ),
    unmarkAttended: db.prepare('UPDATE registrations SET attended_at = NULL, attendance_source = NULL, updated_at = @now WHERE id = @id'),
    attendanceBy: db.prepare(
      `SELECT country, hub_id, count(*) AS registered, count(attended_at) AS attended FROM registrations
       WHERE session_id = @sessionId AND status = 'confirmed' AND (@scopeHubId IS NULL OR hub_id = @scopeHubId) GROUP BY country, hub_id`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class RegistrationRepository {
  private readonly s: Statements;
  private readonly listCache = new Map<string, Statement>();

  constructor(private readonly db: DB) {
    this.s = prepareStatements(db);
  }

  get(id: number): Registration | undefined {
    const r = this.s.byId.get(id) as RegistrationRow | undefined;
    return r && toRegistration(r);
  }
  getByTokenHash(hash: string): Registration | undefined {
    const r = this.s.byToken.get(hash) as RegistrationRow | undefined;
    return r && toRegistration(r);
  }
  getByEmail(sessionId: number, email: string): Registration | undefined {
    const r = this.s.byEmail.get(sessionId, email.toLowerCase()) as RegistrationRow | undefined;
    return r && toRegistration(r);
  }

  /** The new registration, as stored (the row the INSERT returns: no second read). */
  insert(n: NewRegistration, now: number): Registration {
    return toRegistration(mustExist(this.s.insert.get(this.params(n, now)) as RegistrationRow | undefined, 'registration'));
  }
  revive(id: number, n: NewRegistration, now: number): Registration {
    this.s.revive.run({ ...this.params(n, now), id });
    return mustExist(this.get(id), 'registration');
  }
  private params(n: NewRegistration, now: number) {
    return {
      ...n,
      emailNorm: n.email.toLowerCase(),
      followupConsent: n.followupConsent ? 1 : 0,
      followupConsentAt: n.followupConsent ? now : null,
      answers: JSON.stringify(n.answers),
      now,
    };
  }

  /** Records the answer a registrant sent to the invite by mail. */
  setRsvp(id: number, answer: RsvpAnswer, now: number): Registration {
    this.s.setRsvp.run(answer, now, now, id);
    return mustExist(this.get(id), 'registration');
  }

  transition(id: number, t: Transition, now: number): Registration {
    this.s.transition.run({
      id,
      status: t.status,
      setHold: t.holdUntil !== undefined ? 1 : 0,
      holdUntil: t.holdUntil ?? null,
      setWait: t.waitlistedAt !== undefined ? 1 : 0,
      waitlistedAt: t.waitlistedAt ?? null,
      setConf: t.confirmedAt !== undefined ? 1 : 0,
      confirmedAt: t.confirmedAt ?? null,
      setCanc: t.cancelledAt !== undefined ? 1 : 0,
      cancelledAt: t.cancelledAt ?? null,
      setVer: t.emailVerifiedAt !== undefined ? 1 : 0,
      emailVerifiedAt: t.emailVerifiedAt ?? null,
      now,
    });
    return mustExist(this.get(id), 'registration');
  }

  setPreferences(id: number, p: { language: string; zone: string; followupConsent: boolean }, now: number): Registration {
    const before = mustExist(this.get(id), 'registration');
    this.s.preferences.run({
      id,
      language: p.language,
      zone: p.zone,
      followupConsent: p.followupConsent ? 1 : 0,
      followupConsentAt: p.followupConsent ? (before.followupConsent ? before.followupConsentAt : now) : null,
      now,
    });
    return mustExist(this.get(id), 'registration');
  }

  /** Seats in use: confirmed, plus pending ones whose hold has not run out. */
  seatsTaken(sessionId: number, now: number): number {
    return (this.s.seatsTaken.get({ sessionId, now }) as { n: number }).n;
  }
  /** The first in line; with `verifiedOnly`, the first in line who has confirmed their address. */
  firstWaitlisted(sessionId: number, verifiedOnly = false): Registration | undefined {
    const r = (verifiedOnly ? this.s.firstWaitlistedVerified : this.s.firstWaitlisted).get(sessionId) as RegistrationRow | undefined;
    return r && toRegistration(r);
  }
  /** Pending registrations whose hold on a seat has not run out. */
  pendingHeld(sessionId: number, now: number): number {
    return (this.s.pendingHeld.get({ sessionId, now }) as { n: number }).n;
  }
  waitlistPosition(id: number): number {
    return (this.s.waitlistPosition.get(id) as { n: number }).n;
  }
  statusCounts(sessionId: number): Record<RegistrationStatus, number> {
    const out: Record<RegistrationStatus, number> = { pending: 0, confirmed: 0, waitlisted: 0, cancelled: 0, expired: 0 };
    for (const r of this.s.statusCounts.all(sessionId) as { status: RegistrationStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }
  expiredHolds(now: number): Registration[] {
    return (this.s.expiredHolds.all(now) as RegistrationRow[]).map(toRegistration);
  }
  active(sessionId: number): Registration[] {
    return (this.s.activeForSession.all(sessionId) as RegistrationRow[]).map(toRegistration);
  }
  withStatus(sessionId: number, status: RegistrationStatus): Registration[] {
    return (this.s.byStatus.all(sessionId, status) as RegistrationRow[]).map(toRegistration);
  }

  /**
   * Registrations of a session that the access scope lets the caller see, filtered; the statement for
   * each filter shape is prepared once. A co-hosting hub's scope returns only the people who chose it.
   */
  list(sessionId: number, scope: PersonalScope, f: RegistrationFilter = {}): Registration[] {
    const where = ['session_id = @sessionId'];
    if (!('all' in scope)) where.push('hub_id = @scopeHubId');
    if (f.status) where.push('status = @status');
    if (f.hubId === 'none') where.push('hub_id IS NULL');
    else if (f.hubId !== undefined) where.push('hub_id = @hubId');
    if (f.country) where.push('country = @country');
    if (f.orgType) where.push('org_type = @orgType');
    const sql = `SELECT * FROM registrations WHERE ${where.join(' AND ')} ORDER BY status = 'waitlisted', coalesce(waitlisted_at, created_at), id`;
    let st = this.listCache.get(sql);
    if (!st) this.listCache.set(sql, (st = this.db.prepare(sql)));
    const scopeHubId = 'all' in scope ? undefined : scope.hubId;
    return (st.all({ sessionId, scopeHubId, status: f.status, hubId: f.hubId === 'none' ? undefined : f.hubId, country: f.country, orgType: f.orgType }) as RegistrationRow[]).map(toRegistration);
  }

  /** One registration of a session, if the access scope lets the caller see it. */
  getInScope(id: number, sessionId: number, scope: PersonalScope): Registration | undefined {
    const r = this.get(id);
    if (!r || r.sessionId !== sessionId) return undefined;
    return 'all' in scope || r.hubId === scope.hubId ? r : undefined;
  }

  /** Counts of registrations in the access scope by a dimension and status. */
  countsBy(sessionId: number, dimension: 'country' | 'hub_id' | 'org_type', scope: PersonalScope): { key: string | number | null; status: RegistrationStatus; n: number }[] {
    const inScope = 'all' in scope ? '' : ' AND hub_id = @scopeHubId';
    const sql = `SELECT ${dimension} AS key, status, count(*) AS n FROM registrations WHERE session_id = @sessionId${inScope} GROUP BY ${dimension}, status ORDER BY n DESC`;
    let st = this.listCache.get(sql);
    if (!st) this.listCache.set(sql, (st = this.db.prepare(sql)));
    return st.all({ sessionId, scopeHubId: 'all' in scope ? undefined : scope.hubId }) as { key: string | number | null; status: RegistrationStatus; n: number }[];
  }

  anonymise(id: number, now: number): boolean {
    return this.s.anonymise.run({ id, now }).changes === 1;
  }
  dueForAnonymising(endedBefore: number): number[] {
    return (this.s.dueForAnonymising.all({ before: endedBefore }) as { id: number }[]).map((r) => r.id);
  }

  /** Records the first attendance only; returns whether this call recorded it. */
  markAttended(id: number, at: number, source: 'link' | 'manual' | 'import', now: number): boolean {
    return this.s.markAttended.run({ id, at, source, now }).changes === 1;
  }
  unmarkAttended(id: number, now: number): void {
    this.s.unmarkAttended.run({ id, now });
  }
  /** Confirmed registrations and how many attended, per country and hub. */
  attendance(sessionId: number, scope: PersonalScope): { country: string; hubId: number | null; registered: number; attended: number }[] {
    return (this.s.attendanceBy.all({ sessionId, scopeHubId: 'all' in scope ? null : scope.hubId }) as { country: string; hub_id: number | null; registered: number; attended: number }[]).map((r) => ({
      country: r.country,
      hubId: r.hub_id,
      registered: r.registered,
      attended: r.attended,
    }));
  }

  questions(sessionId: number): Question[] {
    return (this.s.questions.all(sessionId) as { id: number; session_id: number; label: string; kind: 'text' | 'choice'; options: string; required: number; position: number }[]).map((q) => ({
      id: q.id,
      sessionId: q.session_id,
      label: q.label,
      kind: q.kind,
      options: JSON.parse(q.options) as string[],
      required: q.required === 1,
      position: q.position,
    }));
  }
  addQuestion(q: Omit<Question, 'id' | 'position'>): void {
    this.s.addQuestion.run({ sessionId: q.sessionId, label: q.label, kind: q.kind, options: JSON.stringify(q.options), required: q.required ? 1 : 0 });
  }
  deleteQuestion(sessionId: number, id: number): boolean {
    return this.s.deleteQuestion.run(id, sessionId).changes === 1;
  }
}

/** The RegistrationRepository of a database, built once per connection. */
export const registrationRepository = perDatabase((db) => new RegistrationRepository(db));

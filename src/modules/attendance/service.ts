import { timingSafeEqual } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { DB } from '../../core/db/open.js';
import { immediate } from '../../core/db/open.js';
import { auditWriter, type AuditActor, type AuditDetailValue } from '../../core/audit/index.js';
import { AppError, notFound, mustExist } from '../../core/errors.js';
import { type RegistrationRepository } from '../registrations/index.js';
import { type HubRepository, type SessionRepository } from '../sessions/index.js';
import type { PersonalScope } from '../../core/access/index.js';
import type { Registration } from '../registrations/index.js';
import type { Session } from '../sessions/index.js';
import { joinMac, joinToken } from '../registrations/index.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { hubs: HubRepository; registrations: RegistrationRepository; sessions: SessionRepository };

/** The join link opens this long before the start (and closes at the end). */
export const JOIN_OPENS_MINUTES = 15;

/** A Jitsi room token stays valid this long after the session's end (a meeting that overruns a little). */
export const ROOM_TOKEN_GRACE_MINUTES = 30;

export type JoinResult =
  | { kind: 'redirect'; url: string; firstJoin: boolean; session: Session; reg: Registration }
  | { kind: 'early'; session: Session; reg: Registration; opensAt: number }
  | { kind: 'ended'; session: Session; reg: Registration }
  | { kind: 'no-url'; session: Session; reg: Registration };

export interface ImportResult {
  rows: number;
  matched: number;
  newlyMarked: number;
  unmatched: number;
  emailColumn: string;
}

/**
 * Attendance: each registrant's join link goes through Kairos (/join/<token>), which records the
 * first join and redirects to the meeting. Organisers may also mark attendance by hand or import
 * the participants CSV of the meeting tool (matched by email).
 */
export class AttendanceService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly secret: string,
  ) {}

  /** `<id>.<hmac>`: nothing stored; a new registration nonce (erasure, re-registration) voids it. */
  joinToken(reg: Pick<Registration, 'id' | 'tokenNonce'>): string {
    return joinToken(this.secret, reg.id, reg.tokenNonce);
  }

  joinUrl(reg: Pick<Registration, 'id' | 'tokenNonce'>): string {
    return `${this.config.publicUrl}/join/${this.joinToken(reg)}`;
  }

  private mac(id: number, nonce: string): string {
    return joinMac(this.secret, id, nonce);
  }

  private resolve(token: string): Registration {
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(token ?? '');
    const [, id, mac] = m ?? [];
    const reg = id !== undefined ? this.repos.registrations.get(Number(id)) : undefined;
    if (mac === undefined || !reg || reg.anonymisedAt !== null || !reg.tokenNonce) throw notFound('join link');
    const expected = Buffer.from(this.mac(reg.id, reg.tokenNonce));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound('join link');
    return reg;
  }

  /**
   * Follows a join link. Only inside the window (a little before the start until the end) does it
   * record the first join and redirect; outside it, nothing is recorded, so a mail scanner that
   * opens the link when the reminder arrives does not count as attendance.
   */
  join(token: string): JoinResult {
    const reg = this.resolve(token);
    if (reg.status !== 'confirmed') throw new AppError('registration_inactive', 'this registration is not confirmed', 410, 'registration');
    const session = mustExist(this.repos.sessions.get(reg.sessionId), 'session');
    if (session.status === 'cancelled') throw new AppError('session_cancelled', 'this session has been cancelled', 410, 'session');
    if (session.startUtc === null || session.endUtc === null) return { kind: 'early', session, reg, opensAt: Number.NaN };
    const now = this.clock.now();
    const opensAt = session.startUtc - JOIN_OPENS_MINUTES * 60_000;
    if (now < opensAt) return { kind: 'early', session, reg, opensAt };
    if (now > session.endUtc) return { kind: 'ended', session, reg };
    if (!session.joinUrl) return { kind: 'no-url', session, reg };
    const firstJoin = immediate(this.db, () => this.repos.registrations.markAttended(reg.id, now, 'link', now));
    return { kind: 'redirect', url: session.joinUrl, firstJoin, session, reg };
  }

  /**
   * Where a join redirect goes: the room's address; for a Kairos-named Jitsi room on a secured
   * server (JITSI_APP_ID and JITSI_APP_SECRET), with a JWT for this registrant (Jitsi's token
   * format, HS256) valid until shortly after the session's end. It names the registrant by their
   * name only, never their address.
   */
  async roomAddress(result: Extract<JoinResult, { kind: 'redirect' }>): Promise<string> {
    const { session, reg } = result;
    const app = this.config.jitsiApp;
    if (session.roomKind !== 'jitsi' || !session.jitsiRoom || !app || session.endUtc === null) return result.url;
    const room = new URL(result.url);
    const now = Math.floor(this.clock.now() / 1000);
    // Loaded on the first room token: only servers with a secured Jitsi set up ever sign one.
    const { SignJWT } = await import('jose');
    const jwt = await new SignJWT({ room: session.jitsiRoom, context: { user: { name: reg.name } } })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience('jitsi')
      .setIssuer(app.id)
      .setSubject(room.hostname)
      .setIssuedAt(now)
      .setNotBefore(now - 60)
      .setExpirationTime(Math.floor(session.endUtc / 1000) + ROOM_TOKEN_GRACE_MINUTES * 60)
      .sign(new TextEncoder().encode(app.secret));
    room.searchParams.set('jwt', jwt);
    return room.toString();
  }

  /**
   * From when attendance can be recorded: when the join links open (JOIN_OPENS_MINUTES before the
   * start); undefined while the session has no date. Nobody has attended a session before that.
   */
  recordableFrom(session: Pick<Session, 'startUtc'>): number | undefined {
    return session.startUtc === null ? undefined : session.startUtc - JOIN_OPENS_MINUTES * 60_000;
  }

  /** Whether attendance can be recorded now. */
  recordable(session: Pick<Session, 'startUtc'>): boolean {
    const from = this.recordableFrom(session);
    return from !== undefined && this.clock.now() >= from;
  }

  private assertRecordable(sessionId: number): void {
    const session = mustExist(this.repos.sessions.get(sessionId), 'session');
    if (!this.recordable(session)) throw new AppError('attendance_too_early', 'attendance can be recorded once the session is about to start', 409, 'session');
  }

  /** Marks by hand; only a registration within the caller's access scope (else 404, nothing changed). `actor` is recorded in the audit log. */
  mark(sessionId: number, registrationId: number, attended: boolean, scope: PersonalScope, actor?: AuditActor): void {
    immediate(this.db, () => {
      const reg = this.repos.registrations.getInScope(registrationId, sessionId, scope);
      if (!reg) throw notFound('registration');
      this.assertRecordable(sessionId);
      const now = this.clock.now();
      if (attended) this.repos.registrations.markAttended(reg.id, now, 'manual', now);
      else this.repos.registrations.unmarkAttended(reg.id, now);
      if (actor) this.audit(actor, sessionId, reg.id, { attended, how: 'manual' });
    });
  }

  /**
   * Imports a participants CSV (Zoom, Jitsi, BigBlueButton, Teams…): finds the email column by
   * its header, matches confirmed registrations by email in any letter case, marks them attended.
   */
  importCsv(sessionId: number, csvText: string, actor?: AuditActor): ImportResult {
    this.assertRecordable(sessionId);
    let records: string[][];
    try {
      records = parse(csvText.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
    } catch {
      throw new AppError('csv_invalid', 'this file could not be read as CSV', 400, 'csv');
    }
    const [headerRow, ...rows] = records;
    if (headerRow === undefined || rows.length === 0) throw new AppError('csv_empty', 'the file has no participant rows', 400, 'csv');
    const col = headerRow.findIndex((h) => /e-?mail/.test(h.toLowerCase()));
    const emailColumn = headerRow[col];
    if (emailColumn === undefined) throw new AppError('csv_no_email', 'no column whose title contains "email"', 400, 'csv');
    const emails = new Set(rows.map((r) => (r[col] ?? '').trim().toLowerCase()).filter((e) => e.includes('@')));
    return immediate(this.db, () => {
      const now = this.clock.now();
      let matched = 0;
      let newlyMarked = 0;
      for (const email of emails) {
        const reg = this.repos.registrations.getByEmail(sessionId, email);
        if (!reg || reg.status !== 'confirmed') continue;
        matched++;
        if (this.repos.registrations.markAttended(reg.id, now, 'import', now)) newlyMarked++;
      }
      if (actor) this.audit(actor, sessionId, null, { how: 'import', rows: rows.length, matched, newlyMarked });
      return { rows: rows.length, matched, newlyMarked, unmatched: emails.size - matched, emailColumn };
    });
  }

  /** One audit entry about attendance (registration ids and counts only), in the current transaction. */
  private audit(actor: AuditActor, sessionId: number, registrationId: number | null, detail: Record<string, AuditDetailValue>): void {
    const session = mustExist(this.repos.sessions.get(sessionId), 'session');
    auditWriter(this.db).record(
      { action: 'attendance.recorded', actor, session: { id: session.id, hubId: session.hubId }, subject: registrationId === null ? undefined : { type: 'registration', id: registrationId }, detail },
      this.clock.now(),
    );
  }

  /** Confirmed registrations and attendance per country and per hub. */
  summary(sessionId: number, scope: PersonalScope): { byCountry: Bar[]; byHub: Bar[]; registered: number; attended: number } {
    const rows = this.repos.registrations.attendance(sessionId, scope);
    const hubName = new Map(this.repos.hubs.list().map((h) => [h.id, h.name]));
    const group = (key: (r: (typeof rows)[number]) => string) => {
      const m = new Map<string, Bar>();
      for (const r of rows) {
        const k = key(r);
        const b = m.get(k) ?? { label: k, registered: 0, attended: 0 };
        b.registered += r.registered;
        b.attended += r.attended;
        m.set(k, b);
      }
      return [...m.values()].sort((a, b) => b.attended - a.attended || b.registered - a.registered || a.label.localeCompare(b.label));
    };
    return {
      byCountry: group((r) => r.country),
      byHub: group((r) => (r.hubId === null ? '' : hubName.get(r.hubId) ?? '')),
      registered: rows.reduce((n, r) => n + r.registered, 0),
      attended: rows.reduce((n, r) => n + r.attended, 0),
    };
  }
}

export interface Bar {
  label: string;
  registered: number;
  attended: number;
}

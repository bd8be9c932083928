/**
 * What a person's own subscription feed needs: every session one email address (in any letter
 * case) holds a confirmed seat for. Cancelled, expired, pending, waitlisted and erased
 * registrations are left out; a cancelled *session* stays (its registrations stay confirmed), so
 * the feed can show it as STATUS:CANCELLED.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';

/** One confirmed seat of the person: enough to read the session and derive the personal join link. */
export interface PersonalSeat {
  registrationId: number;
  sessionId: number;
  /** The registration's token nonce (its join link is derived from it, never stored). */
  tokenNonce: string;
}

interface SeatRow {
  registration_id: number;
  session_id: number;
  token_nonce: string;
}

/** A feed never grows without bound: this many seats at most, the latest sessions first. */
export const PERSONAL_FEED_LIMIT = 500;

interface VersionRow {
  n: number;
  mx: number;
  su: number;
  sq: number;
  seats: string;
}

export class PersonalFeedRepository {
  private readonly seats: Statement<[string, number, number], SeatRow>;
  private readonly version: Statement<[string, number], VersionRow>;

  constructor(db: DB) {
    // email_norm is the lower-cased address (see RegistrationRepository), 'erased:<id>' once anonymised.
    // Only dated sessions that ended at or after the window's start (an undated one has no event yet).
    const SEATS = `FROM registrations r JOIN sessions s ON s.id = r.session_id
       WHERE r.email_norm = ? AND r.status = 'confirmed' AND r.anonymised_at IS NULL AND s.end_utc >= ?`;
    this.seats = db.prepare<[string, number, number], SeatRow>(
      `SELECT r.id AS registration_id, r.session_id AS session_id, r.token_nonce AS token_nonce
       ${SEATS}
       ORDER BY coalesce(s.start_utc, s.created_at) DESC, s.id DESC
       LIMIT ?`,
    );
    // Changes whenever the feed does: a seat comes or goes (or gets a new nonce, hence new join
    // links), or one of the sessions changes (updated_at or SEQUENCE moves).
    this.version = db.prepare<[string, number], VersionRow>(
      `SELECT count(*) AS n, coalesce(max(s.updated_at), 0) AS mx, total(s.updated_at) AS su, total(s.sequence) AS sq,
         coalesce(group_concat(r.id || ':' || r.token_nonce, ','), '') AS seats
       ${SEATS}`,
    );
  }

  /** The confirmed seats held by `email` (any letter case) in sessions that ended at or after `since` (epoch ms), latest sessions first. */
  confirmedSeats(email: string, since: number): PersonalSeat[] {
    return this.seats.all(email.toLowerCase(), since, PERSONAL_FEED_LIMIT).map((r) => ({
      registrationId: r.registration_id,
      sessionId: r.session_id,
      tokenNonce: r.token_nonce,
    }));
  }

  /** A text that changes whenever `confirmedSeats(email, since)` or one of its sessions does (not the address itself). */
  versionOf(email: string, since: number): string {
    const v = this.version.get(email.toLowerCase(), since);
    return v ? `${v.n}.${v.mx}.${v.su}.${v.sq}.${createHash('sha256').update(v.seats).digest('base64url')}` : '0';
  }
}

/** One repository (statements prepared once) per database. */
export const personalFeedRepository = perDatabase((db) => new PersonalFeedRepository(db));

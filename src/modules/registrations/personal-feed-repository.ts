/**
 * What a person's own subscription feed needs: every session one email address (in any letter
 * case) holds a confirmed seat for. Cancelled, expired, pending, waitlisted and erased
 * registrations are left out; a cancelled *session* stays (its registrations stay confirmed), so
 * the feed can show it as STATUS:CANCELLED.
 */
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

export class PersonalFeedRepository {
  private readonly seats: Statement<[string, number], SeatRow>;

  constructor(db: DB) {
    // email_norm is the lower-cased address (see RegistrationRepository), 'erased:<id>' once anonymised.
    this.seats = db.prepare<[string, number], SeatRow>(
      `SELECT r.id AS registration_id, r.session_id AS session_id, r.token_nonce AS token_nonce
       FROM registrations r JOIN sessions s ON s.id = r.session_id
       WHERE r.email_norm = ? AND r.status = 'confirmed' AND r.anonymised_at IS NULL
       ORDER BY coalesce(s.start_utc, s.created_at) DESC, s.id DESC
       LIMIT ?`,
    );
  }

  /** The confirmed seats held by `email` (any letter case), latest sessions first. */
  confirmedSeats(email: string): PersonalSeat[] {
    return this.seats.all(email.toLowerCase(), PERSONAL_FEED_LIMIT).map((r) => ({
      registrationId: r.registration_id,
      sessionId: r.session_id,
      tokenNonce: r.token_nonce,
    }));
  }
}

/** One repository (statements prepared once) per database. */
export const personalFeedRepository = perDatabase((db) => new PersonalFeedRepository(db));

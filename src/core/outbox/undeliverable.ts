/**
 * Addresses that bounced for good (a delivery status notification with a 5.x.x status came back
 * to a message's VERP bounce address): nothing more is sent to them. Mail queued for such an
 * address is withdrawn with the reason 'address undeliverable', at the bounce and at every later
 * enqueue, and the organiser sees why.
 */
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import { perDatabase } from '../db/per-db.js';
import { headerLine } from '../text.js';

export const UNDELIVERABLE_REASON = 'address undeliverable';

const statements = perDatabase((db: DB) => ({
  mark: db.prepare(
    `INSERT INTO undeliverable_addresses (email_norm, reason, status_code, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (email_norm) DO UPDATE SET reason = excluded.reason, status_code = excluded.status_code, at = excluded.at`,
  ),
  get: db.prepare<[string], { reason: string; status_code: string; at: number }>('SELECT reason, status_code, at FROM undeliverable_addresses WHERE email_norm = ?'),
  withdrawTo: db.prepare(
    `UPDATE outbox SET status = 'withdrawn', withdrawn_reason = ?, updated_at = ?
     WHERE status IN ('queued', 'sending') AND lower(recipient_email) = ?`,
  ),
  forget: db.prepare('DELETE FROM undeliverable_addresses WHERE email_norm = ?'),
}));

const norm = (email: string) => email.trim().toLowerCase();

/** Marks an address undeliverable and withdraws the mail still queued for it; returns how many were withdrawn. */
export function markUndeliverable(db: DB, email: string, statusCode: string, reason: string, clock: Clock): number {
  const s = statements(db);
  const now = clock.now();
  return db.transaction(() => {
    s.mark.run(norm(email), headerLine(reason, 300), headerLine(statusCode, 20), now);
    return s.withdrawTo.run(UNDELIVERABLE_REASON, now, norm(email)).changes;
  })();
}

/** Why an address is undeliverable (its status code), or undefined. */
export function undeliverable(db: DB, email: string): { statusCode: string; reason: string; at: number } | undefined {
  const r = statements(db).get.get(norm(email));
  return r && { statusCode: r.status_code, reason: r.reason, at: r.at };
}

/** Forgets an address (erasure: it is personal data). */
export function forgetUndeliverable(db: DB, email: string): void {
  statements(db).forget.run(norm(email));
}

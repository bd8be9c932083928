/**
 * Erasure of personal data kept in the outbox (right to erasure, retention). The rows stay, for
 * the delivery counts, but addresses, names, payloads and rendered copies are removed.
 */
import type { DB } from '../../core/db/open.js';

import type { Statement } from 'better-sqlite3';

const cache = new WeakMap<DB, { withdraw: Statement; scrub: Statement; list: Statement }>();

function stmts(db: DB) {
  let s = cache.get(db);
  if (!s) {
    s = {
      withdraw: db.prepare(
        `UPDATE outbox SET status = 'withdrawn', withdrawn_reason = 'personal data erased', updated_at = @now
         WHERE registration_id = @id AND status IN ('queued', 'sending')`,
      ),
      scrub: db.prepare(
        `UPDATE outbox SET recipient_email = 'erased@invalid', recipient_name = '', payload = '{}', last_error = NULL,
           smtp_response = NULL, rendered_subject = NULL, rendered_text = NULL, rendered_html = NULL, rendered_ical = NULL,
           updated_at = @now
         WHERE registration_id = @id`,
      ),
      list: db.prepare(
        `SELECT kind, status, recipient_email, rendered_subject, created_at, sent_at FROM outbox WHERE registration_id = ? ORDER BY id`,
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/** Withdraws unsent mail of a registration and erases the personal data of all its rows. Returns rows scrubbed. */
export function eraseRegistrationMail(db: DB, registrationId: number, now: number): number {
  const s = stmts(db);
  s.withdraw.run({ id: registrationId, now });
  return s.scrub.run({ id: registrationId, now }).changes;
}

export interface PersonalMail {
  kind: string;
  status: string;
  to: string;
  subject: string | null;
  queuedAt: string;
  sentAt: string | null;
}

/** The emails Kairos queued or sent to a registration, for a data export. */
export function mailForRegistration(db: DB, registrationId: number): PersonalMail[] {
  const rows = stmts(db).list.all(registrationId) as { kind: string; status: string; recipient_email: string; rendered_subject: string | null; created_at: number; sent_at: number | null }[];
  return rows.map((r) => ({
    kind: r.kind,
    status: r.status,
    to: r.recipient_email,
    subject: r.rendered_subject,
    queuedAt: new Date(r.created_at).toISOString(),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
  }));
}

/** Withdraws and erases the mail queued under these dedupe keys (people who are not registrations, e.g. poll voters). */
export function eraseMailByKeys(db: DB, keys: string[], now: number): number {
  let n = 0;
  const withdrawStmt = db.prepare(`UPDATE outbox SET status = 'withdrawn', withdrawn_reason = 'personal data erased', updated_at = ? WHERE dedupe_key = ? AND status IN ('queued', 'sending')`);
  const scrubStmt = db.prepare(
    `UPDATE outbox SET recipient_email = 'erased@invalid', recipient_name = '', payload = '{}', last_error = NULL, smtp_response = NULL,
       rendered_subject = NULL, rendered_text = NULL, rendered_html = NULL, rendered_ical = NULL, updated_at = ?
     WHERE dedupe_key = ?`,
  );
  for (const k of keys) {
    withdrawStmt.run(now, k);
    n += scrubStmt.run(now, k).changes;
  }
  return n;
}

/** The emails queued under these dedupe keys (e.g. a poll voter's), for a data export. */
export function mailForKeys(db: DB, keys: string[]): PersonalMail[] {
  const stmt = db.prepare(`SELECT kind, status, recipient_email, rendered_subject, created_at, sent_at FROM outbox WHERE dedupe_key = ? ORDER BY id`);
  return keys
    .flatMap((k) => stmt.all(k) as { kind: string; status: string; recipient_email: string; rendered_subject: string | null; created_at: number; sent_at: number | null }[])
    .map((r) => ({
      kind: r.kind,
      status: r.status,
      to: r.recipient_email,
      subject: r.rendered_subject,
      queuedAt: new Date(r.created_at).toISOString(),
      sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
    }));
}

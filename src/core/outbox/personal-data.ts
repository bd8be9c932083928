/**
 * Personal data kept in the outbox (right to erasure, retention, data export). Erased rows stay, for
 * the delivery counts, but addresses, names, payloads and rendered copies are removed. A person is
 * found by their registration, or by the dedupe keys of their mail (people who are not
 * registrations, e.g. poll voters).
 */
import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { perDatabase } from '../db/per-db.js';

const WITHDRAW = `UPDATE outbox SET status = 'withdrawn', withdrawn_reason = 'personal data erased', updated_at = @now`;
const SCRUB = `UPDATE outbox SET recipient_email = 'erased@invalid', recipient_name = '', payload = '{}', last_error = NULL,
  smtp_response = NULL, rendered_subject = NULL, rendered_text = NULL, rendered_html = NULL, rendered_ical = NULL, updated_at = @now`;
const LIST = `SELECT kind, status, recipient_email, rendered_subject, created_at, sent_at FROM outbox`;
const UNSENT = `status IN ('queued', 'sending')`;

interface MailRow {
  kind: string;
  status: string;
  recipient_email: string;
  rendered_subject: string | null;
  created_at: number;
  sent_at: number | null;
}

interface Statements {
  withdraw: Statement;
  scrub: Statement;
  list: Statement<[{ key: number | string }], MailRow>;
}

/** The same three statements, once for a registration's rows and once for a dedupe key's. */
const byRegistration = perDatabase(
  (db): Statements => ({
    withdraw: db.prepare(`${WITHDRAW} WHERE registration_id = @key AND ${UNSENT}`),
    scrub: db.prepare(`${SCRUB} WHERE registration_id = @key`),
    list: db.prepare(`${LIST} WHERE registration_id = @key ORDER BY id`),
  }),
);
const byKey = perDatabase(
  (db): Statements => ({
    withdraw: db.prepare(`${WITHDRAW} WHERE dedupe_key = @key AND ${UNSENT}`),
    scrub: db.prepare(`${SCRUB} WHERE dedupe_key = @key`),
    list: db.prepare(`${LIST} WHERE dedupe_key = @key ORDER BY id`),
  }),
);

/** Every row whose dedupe key starts with a prefix (all the mail about one proposal, say); keys are ASCII below '~'. */
const byKeyPrefix = perDatabase(
  (db): Statements => ({
    withdraw: db.prepare(`${WITHDRAW} WHERE dedupe_key >= @key AND dedupe_key < @key || '~' AND ${UNSENT}`),
    scrub: db.prepare(`${SCRUB} WHERE dedupe_key >= @key AND dedupe_key < @key || '~'`),
    list: db.prepare(`${LIST} WHERE dedupe_key >= @key AND dedupe_key < @key || '~' ORDER BY id`),
  }),
);

function erase(s: Statements, key: number | string, now: number): number {
  s.withdraw.run({ key, now });
  return s.scrub.run({ key, now }).changes;
}

export interface PersonalMail {
  kind: string;
  status: string;
  to: string;
  subject: string | null;
  queuedAt: string;
  sentAt: string | null;
}

const toPersonalMail = (r: MailRow): PersonalMail => ({
  kind: r.kind,
  status: r.status,
  to: r.recipient_email,
  subject: r.rendered_subject,
  queuedAt: new Date(r.created_at).toISOString(),
  sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
});

/** Withdraws unsent mail of a registration and erases the personal data of all its rows. Returns rows scrubbed. */
export function eraseRegistrationMail(db: DB, registrationId: number, now: number): number {
  return erase(byRegistration(db), registrationId, now);
}

/** The emails Kairos queued or sent to a registration, for a data export. */
export function mailForRegistration(db: DB, registrationId: number): PersonalMail[] {
  return byRegistration(db).list.all({ key: registrationId }).map(toPersonalMail);
}

/** Withdraws and erases the mail queued under these dedupe keys (people who are not registrations, e.g. poll voters). */
export function eraseMailByKeys(db: DB, keys: string[], now: number): number {
  const s = byKey(db);
  return keys.reduce((n, k) => n + erase(s, k, now), 0);
}

/** The emails queued under these dedupe keys (e.g. a poll voter's), for a data export. */
export function mailForKeys(db: DB, keys: string[]): PersonalMail[] {
  const s = byKey(db);
  return keys.flatMap((key) => s.list.all({ key })).map(toPersonalMail);
}

/** Withdraws and erases the mail whose dedupe keys start with this prefix (e.g. `proposal:12:`, every email about a proposal). */
export function eraseMailByKeyPrefix(db: DB, prefix: string, now: number): number {
  return erase(byKeyPrefix(db), prefix, now);
}

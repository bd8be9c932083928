-- Transactional outbox: every email is a row written in the same transaction as the change that
-- causes it. A dispatcher claims due rows with a lease, renders, sends and records the outcome.
-- One row per (recipient record, kind): dedupe_key is unique, e.g. 'registration:42:confirmation',
-- 'registration:42:reminder:PT1H'. Times are epoch milliseconds (UTC).

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL,
  dedupe_key       TEXT NOT NULL UNIQUE,
  recipient_email  TEXT NOT NULL,
  recipient_name   TEXT NOT NULL DEFAULT '',
  -- the recipient's language and IANA zone: every email is written in them
  language         TEXT NOT NULL DEFAULT 'en',
  zone             TEXT NOT NULL,
  session_id       INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
  -- no foreign key: the registrations table comes in a later migration
  registration_id  INTEGER,
  payload          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  -- deterministic '<outbox-ID.HASH@host>', fixed at the first claim: a resend carries the same Message-ID
  message_id       TEXT UNIQUE,
  status           TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'expired', 'withdrawn')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  -- not sent before this instant (reminders, retry backoff)
  not_before       INTEGER NOT NULL,
  -- never sent at or after this instant (e.g. a reminder's session start); NULL: no deadline
  deadline         INTEGER,
  lease_owner      TEXT,
  lease_until      INTEGER,
  -- last SMTP reply or error, kept for the organiser (may name the recipient's address: never logged)
  last_error       TEXT,
  last_error_code  TEXT,
  last_attempt_at  INTEGER,
  sent_at          INTEGER,
  -- 'smtp' (went to the relay) or 'local' (kept here: the organiser mail page is the mailbox)
  transport        TEXT,
  smtp_response    TEXT,
  -- reason a row was withdrawn (session cancelled, registration withdrawn, renderer declined...)
  withdrawn_reason TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  -- the copy as rendered at the last attempt: the local mailbox and "what exactly did we send"
  rendered_subject TEXT,
  rendered_text    TEXT,
  rendered_html    TEXT,
  rendered_ical    TEXT,
  rendered_ical_method TEXT,
  CHECK (status <> 'sending' OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
) STRICT;

-- Due-claiming: queued rows by not_before; abandoned leases by lease_until.
CREATE INDEX outbox_queued_due ON outbox(not_before, id) WHERE status = 'queued';
CREATE INDEX outbox_sending_lease ON outbox(lease_until, id) WHERE status = 'sending';
-- Deadlines of rows that may still go out.
CREATE INDEX outbox_deadline ON outbox(deadline) WHERE deadline IS NOT NULL AND status IN ('queued', 'sending');
-- Organiser mail page and withdrawals.
CREATE INDEX outbox_session ON outbox(session_id, id);
CREATE INDEX outbox_registration ON outbox(registration_id) WHERE registration_id IS NOT NULL;
CREATE INDEX outbox_status ON outbox(status, id);

-- One row: the dispatcher's shared state (all dispatcher processes on this database read it).
CREATE TABLE mail_state (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  -- paused after an authentication or TLS failure at the relay: nothing is claimed until then
  paused_until   INTEGER,
  paused_at      INTEGER,
  paused_reason  TEXT,
  paused_code    TEXT,
  last_run_at    INTEGER,
  last_sent_at   INTEGER
) STRICT;
INSERT INTO mail_state (id) VALUES (1);

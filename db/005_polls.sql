-- Date polls: finding the date of a tentative session. The organiser proposes candidate slots,
-- invites voters (hub contacts, registrants of earlier sessions of the series), each voter answers
-- yes / if need be / no per slot through a personal link, and the organiser picks a slot.
-- Times: a slot's truth is start_date + start_time + zone (the organiser's wall clock); start_utc /
-- end_utc (epoch milliseconds) are derived from it. The same for the deadline.

CREATE TABLE polls (
  id               INTEGER PRIMARY KEY,
  -- one poll per session
  session_id       INTEGER NOT NULL UNIQUE REFERENCES sessions(id) ON DELETE CASCADE,
  -- the zone the organiser thinks in: default zone of new slots and the zone of the deadline
  zone             TEXT NOT NULL,
  -- the deadline as the organiser's wall clock (the truth) and its derived instant; all NULL: no deadline
  deadline_date    TEXT,
  deadline_time    TEXT,
  deadline_utc     INTEGER,
  -- hours before the deadline at which voters who have not answered get one reminder (0: none)
  reminder_hours   INTEGER NOT NULL DEFAULT 48 CHECK (reminder_hours BETWEEN 0 AND 720),
  -- 'open' in the table may still be closed in effect: a passed deadline (or a session that is no
  -- longer tentative) closes a poll when it is read; nothing needs to run at the deadline
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_reason    TEXT CHECK (closed_reason IN ('manual', 'picked', 'session')),
  closed_at        INTEGER,
  picked_slot_id   INTEGER REFERENCES poll_slots(id) ON DELETE SET NULL,
  created_by       INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK ((deadline_date IS NULL) = (deadline_time IS NULL) AND (deadline_date IS NULL) = (deadline_utc IS NULL)),
  CHECK ((status = 'closed') = (closed_reason IS NOT NULL))
) STRICT;

CREATE TABLE poll_slots (
  id               INTEGER PRIMARY KEY,
  poll_id          INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
  start_date       TEXT NOT NULL,
  start_time       TEXT NOT NULL,
  zone             TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
  start_utc        INTEGER NOT NULL,
  end_utc          INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  UNIQUE (poll_id, start_utc, duration_minutes)
) STRICT;
CREATE INDEX poll_slots_poll ON poll_slots(poll_id, start_utc);

-- Voters: personal data (name, address) lives here and in the outbox only. Results shown to voters
-- are counts per country and hub; addresses are shown to the session's organisers only.
CREATE TABLE poll_voters (
  id               INTEGER PRIMARY KEY,
  poll_id          INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
  email            TEXT NOT NULL,
  -- lower-cased address: one voter per address and poll
  email_norm       TEXT NOT NULL,
  name             TEXT NOT NULL DEFAULT '',
  -- where the address came from: a hub's contact address, or a registration to an earlier session
  source           TEXT NOT NULL CHECK (source IN ('hub', 'registrant')),
  hub_id           INTEGER REFERENCES hubs(id),
  registration_id  INTEGER REFERENCES registrations(id) ON DELETE SET NULL,
  -- ISO 3166-1 alpha-2 code, for the heat map by country
  country          TEXT NOT NULL,
  language         TEXT NOT NULL,
  zone             TEXT NOT NULL,
  -- personal link: token = HMAC(server secret, 'poll-voter:' || nonce); only its SHA-256 is stored
  token_nonce      TEXT NOT NULL,
  token_hash       TEXT NOT NULL UNIQUE,
  -- first and latest answer (NULL: has not answered; the reminder is withdrawn once set)
  answered_at      INTEGER,
  changed_at       INTEGER,
  created_at       INTEGER NOT NULL,
  UNIQUE (poll_id, email_norm)
) STRICT;

CREATE TABLE poll_answers (
  voter_id         INTEGER NOT NULL REFERENCES poll_voters(id) ON DELETE CASCADE,
  slot_id          INTEGER NOT NULL REFERENCES poll_slots(id) ON DELETE CASCADE,
  -- 'maybe' is shown as "if need be"
  answer           TEXT NOT NULL CHECK (answer IN ('yes', 'maybe', 'no')),
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (voter_id, slot_id)
) STRICT;
CREATE INDEX poll_answers_slot ON poll_answers(slot_id);

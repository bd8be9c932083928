-- Registrations: one row per (session, email in any letter case). Personal data lives only here
-- and in the outbox; anonymisation clears it and keeps country / hub / organisation type for counts.

CREATE TABLE registrations (
  id                 INTEGER PRIMARY KEY,
  session_id         INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  status             TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'cancelled', 'expired')),
  name               TEXT NOT NULL,
  email              TEXT,
  -- lower-cased email, or 'erased:<id>' once anonymised: one registration per address and session
  email_norm         TEXT NOT NULL,
  organisation       TEXT NOT NULL DEFAULT '',
  org_type           TEXT NOT NULL CHECK (org_type IN ('public', 'sme', 'large', 'research', 'ngo', 'other')),
  hub_id             INTEGER REFERENCES hubs(id),
  country            TEXT NOT NULL,
  language           TEXT NOT NULL,
  zone               TEXT NOT NULL,
  -- the privacy notice version accepted, and when
  consent_version    TEXT NOT NULL,
  consent_at         INTEGER NOT NULL,
  -- separate, optional consent to follow-up emails
  followup_consent   INTEGER NOT NULL DEFAULT 0,
  followup_consent_at INTEGER,
  answers            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
  -- personal link: token = HMAC(server secret, id:nonce); only its SHA-256 is stored
  token_nonce        TEXT NOT NULL,
  token_hash         TEXT NOT NULL UNIQUE,
  email_verified_at  INTEGER,
  -- a pending (double opt-in) registration holds its seat until then
  hold_until         INTEGER,
  -- position in the waitlist: the instant the person joined it (ties broken by id)
  waitlisted_at      INTEGER,
  confirmed_at       INTEGER,
  cancelled_at       INTEGER,
  -- bumped each time a cancelled or expired registration is taken up again (keeps email kinds unique)
  cycle              INTEGER NOT NULL DEFAULT 1,
  source             TEXT NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'api', 'organiser', 'invitation')),
  anonymised_at      INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (session_id, email_norm)
) STRICT;
CREATE INDEX registrations_session_status ON registrations(session_id, status);
CREATE INDEX registrations_waitlist ON registrations(session_id, waitlisted_at, id) WHERE status = 'waitlisted';
CREATE INDEX registrations_hold ON registrations(hold_until) WHERE status = 'pending';

-- Organisers' extra questions per session.
CREATE TABLE session_questions (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  label      TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('text', 'choice')),
  options    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(options)),
  required   INTEGER NOT NULL DEFAULT 0,
  position   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX session_questions_session ON session_questions(session_id, position);

-- Foundation: settings, hubs, series, sessions and their hosts, organisers, login sessions, API tokens.
-- Times: a session's truth is start_date + start_time + zone (the organiser's wall clock);
-- start_utc / end_utc (epoch milliseconds) are derived from it for queries.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE hubs (
  id            INTEGER PRIMARY KEY,
  slug          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  full_name     TEXT,
  country       TEXT NOT NULL,
  country_code  TEXT NOT NULL,
  zone          TEXT NOT NULL,
  language      TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  coordinator   TEXT,
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE series (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  id               INTEGER PRIMARY KEY,
  slug             TEXT NOT NULL UNIQUE,
  series_id        INTEGER REFERENCES series(id),
  hub_id           INTEGER NOT NULL REFERENCES hubs(id),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL CHECK (status IN ('tentative', 'scheduled', 'cancelled', 'completed')),
  -- the organiser's wall clock and zone: the truth (NULL date/time while tentative)
  start_date       TEXT,
  start_time       TEXT,
  zone             TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
  -- derived instants, epoch milliseconds UTC
  start_utc        INTEGER,
  end_utc          INTEGER,
  -- whether the source stated the start time (the 2021 webinar's release does not)
  time_stated      INTEGER NOT NULL DEFAULT 1,
  -- rough time of a tentative session: month YYYY-MM and part of it (early / mid / late)
  approx_month     TEXT,
  approx_part      TEXT CHECK (approx_part IN ('early', 'mid', 'late')),
  join_url         TEXT,
  capacity         INTEGER CHECK (capacity IS NULL OR capacity >= 1),
  language         TEXT NOT NULL DEFAULT 'en',
  double_opt_in    INTEGER NOT NULL DEFAULT 1,
  calendar_uid     TEXT NOT NULL UNIQUE,
  sequence         INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  cancelled_at     INTEGER,
  CHECK ((start_date IS NULL) = (start_time IS NULL)),
  CHECK (status = 'tentative' OR start_date IS NOT NULL)
) STRICT;
CREATE INDEX sessions_start ON sessions(start_utc);
CREATE INDEX sessions_series ON sessions(series_id);

CREATE TABLE session_hosts (
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  hub_id     INTEGER NOT NULL REFERENCES hubs(id),
  PRIMARY KEY (session_id, hub_id)
) STRICT;

CREATE TABLE organisers (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'hub')),
  hub_id        INTEGER REFERENCES hubs(id),
  language      TEXT NOT NULL DEFAULT 'en',
  zone          TEXT NOT NULL DEFAULT 'Europe/Athens',
  created_at    INTEGER NOT NULL,
  disabled_at   INTEGER,
  CHECK (role = 'admin' OR hub_id IS NOT NULL)
) STRICT;

-- Server-side login sessions; the cookie holds a random id, the table only its SHA-256.
CREATE TABLE login_sessions (
  id_hash      TEXT PRIMARY KEY,
  organiser_id INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX login_sessions_expiry ON login_sessions(expires_at);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  organiser_id INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;

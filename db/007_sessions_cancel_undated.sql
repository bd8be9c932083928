-- kairos: foreign_keys=off
-- A tentative session with no date yet may be cancelled: the check becomes
-- "a date unless tentative or cancelled". SQLite cannot change a CHECK in place, so the table is
-- rebuilt (the documented 12-step procedure: foreign keys off for this file, checked afterwards).

CREATE TABLE sessions_new (
  id               INTEGER PRIMARY KEY,
  slug             TEXT NOT NULL UNIQUE,
  series_id        INTEGER REFERENCES series(id),
  hub_id           INTEGER NOT NULL REFERENCES hubs(id),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL CHECK (status IN ('tentative', 'scheduled', 'cancelled', 'completed')),
  start_date       TEXT,
  start_time       TEXT,
  zone             TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
  start_utc        INTEGER,
  end_utc          INTEGER,
  time_stated      INTEGER NOT NULL DEFAULT 1,
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
  reminder_offsets TEXT NOT NULL DEFAULT '[1440,60]' CHECK (json_valid(reminder_offsets)),
  CHECK ((start_date IS NULL) = (start_time IS NULL)),
  CHECK (status IN ('tentative', 'cancelled') OR start_date IS NOT NULL)
) STRICT;

INSERT INTO sessions_new (id, slug, series_id, hub_id, title, description, status, start_date, start_time, zone,
  duration_minutes, start_utc, end_utc, time_stated, approx_month, approx_part, join_url, capacity, language,
  double_opt_in, calendar_uid, sequence, created_at, updated_at, cancelled_at, reminder_offsets)
SELECT id, slug, series_id, hub_id, title, description, status, start_date, start_time, zone,
  duration_minutes, start_utc, end_utc, time_stated, approx_month, approx_part, join_url, capacity, language,
  double_opt_in, calendar_uid, sequence, created_at, updated_at, cancelled_at, reminder_offsets
FROM sessions;

DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_start ON sessions(start_utc);
CREATE INDEX sessions_series ON sessions(series_id);

-- Reminders, attendance and follow-ups.

-- Reminder offsets per session, in minutes before the start (default: 1 day and 1 hour).
ALTER TABLE sessions ADD COLUMN reminder_offsets TEXT NOT NULL DEFAULT '[1440,60]' CHECK (json_valid(reminder_offsets));

-- Attendance: the first time a person joined through their personal join link, or marked by an
-- organiser, or matched from a participants CSV of the meeting tool.
ALTER TABLE registrations ADD COLUMN attended_at INTEGER;
ALTER TABLE registrations ADD COLUMN attendance_source TEXT CHECK (attendance_source IN ('link', 'manual', 'import'));

-- The two follow-up messages of a session: one for people who attended, one for those who did not.
CREATE TABLE session_followups (
  session_id         INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  audience           TEXT NOT NULL CHECK (audience IN ('attendees', 'absentees')),
  subject            TEXT NOT NULL,
  body               TEXT NOT NULL,
  -- invite to the next session of the series, with one-click registration
  invite_next        INTEGER NOT NULL DEFAULT 0,
  sent_at            INTEGER,
  sent_count         INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  PRIMARY KEY (session_id, audience)
) STRICT;

-- Materials of a session: links to slides, a recording, a report or anything else, attached by its
-- organisers after (or before) the session, each shown to the public, to registered people or only
-- to those who attended. They hold no personal data and go with their session.
CREATE TABLE session_materials (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('slides', 'recording', 'report', 'other')),
  title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- an absolute https address (checked by the service; the table refuses anything else outright)
  url         TEXT NOT NULL CHECK (substr(url, 1, 8) = 'https://' AND length(url) <= 2000),
  visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'registrants', 'attendees')),
  -- the order the session's materials are listed in (ascending)
  position    INTEGER NOT NULL,
  created_by  INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  updated_by  INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX session_materials_order ON session_materials (session_id, position, id);

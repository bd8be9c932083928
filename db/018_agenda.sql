-- The agenda of a session: its items in order (welcome, case study, talk, discussion, break, other),
-- each with a title, a duration in minutes and up to five speakers (name and affiliation). No item
-- holds a clock time: an item starts at the session's start plus the durations of the items before
-- it, so moving the session moves its agenda, and a session without a date has an agenda of
-- durations only. A case study taken from a call for proposals keeps the proposal's number
-- (no foreign key: proposals live in their own module and may come and go on their own).
CREATE TABLE session_agenda_items (
  id                INTEGER PRIMARY KEY,
  session_id        INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  kind              TEXT NOT NULL CHECK (kind IN ('welcome', 'case_study', 'talk', 'discussion', 'break', 'other')),
  title             TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  duration_minutes  INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
  -- [{"name": "…", "affiliation": "…"}, …], at most five
  speakers          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(speakers) AND json_type(speakers) = 'array' AND json_array_length(speakers) <= 5 AND length(speakers) <= 4000),
  proposal_id       INTEGER,
  -- the order of the session's agenda (ascending)
  position          INTEGER NOT NULL,
  created_by        INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  created_at        INTEGER NOT NULL,
  updated_by        INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE INDEX session_agenda_items_order ON session_agenda_items (session_id, position, id);
CREATE INDEX session_agenda_items_proposal ON session_agenda_items (proposal_id) WHERE proposal_id IS NOT NULL;

-- The audit log records agenda changes too: its list of actions grows by one ('agenda.changed').
-- SQLite cannot change a CHECK in place: the table is made again with the same rows and indexes.
CREATE TABLE audit_log_new (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('organiser', 'token', 'cli', 'system', 'anonymous')),
  actor_id     INTEGER,
  actor_label  TEXT NOT NULL DEFAULT '' CHECK (length(actor_label) <= 200),
  action       TEXT NOT NULL CHECK (action IN (
                 'session.created', 'session.updated', 'session.cancelled', 'session.hosts',
                 'registration.added', 'registration.cancelled', 'registration.promoted', 'attendance.recorded',
                 'message.sent', 'followup.sent', 'export.downloaded',
                 'organiser.invited', 'invitation.withdrawn', 'organiser.created', 'organiser.changed',
                 'organiser.deactivated', 'organiser.reactivated',
                 'password.changed', 'password.resetRequested', 'password.reset', 'hub.changed',
                 'token.created', 'token.revoked',
                 'login.failed', 'login.succeeded', 'demo.removed',
                 'call.opened', 'call.changed', 'call.closed', 'call.invited',
                 'proposal.submitted', 'proposal.changed', 'proposal.decided',
                 'agenda.changed')),
  session_id   INTEGER,
  hub_id       INTEGER,
  subject_type TEXT CHECK (subject_type IN ('session', 'registration', 'organiser', 'token', 'hub')),
  subject_id   INTEGER,
  detail       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND length(detail) <= 2000),
  CHECK ((subject_type IS NULL) = (subject_id IS NULL)),
  CHECK ((actor_kind IN ('organiser', 'token')) = (actor_id IS NOT NULL))
) STRICT;

INSERT INTO audit_log_new (id, at, actor_kind, actor_id, actor_label, action, session_id, hub_id, subject_type, subject_id, detail)
  SELECT id, at, actor_kind, actor_id, actor_label, action, session_id, hub_id, subject_type, subject_id, detail FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_session ON audit_log (session_id, at) WHERE session_id IS NOT NULL;
CREATE INDEX audit_log_hub ON audit_log (hub_id, at) WHERE hub_id IS NOT NULL;
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);

-- The audit log: who did what and when in the organiser area, the API and the command line.
-- No personal data of registrants: a registration is named by its id only. The actor is an
-- organiser (with the name they had then), an API token (with its name), the command line or the
-- system; a failed login (or a password reset asked for) names the organiser only when the address
-- typed belongs to one. No email address is kept: an invitation is named by its id, role and hub.
-- No foreign keys: an entry outlives what it is about (a demo session removed, a token revoked).
CREATE TABLE audit_log (
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
                 'login.failed', 'login.succeeded', 'demo.removed')),
  session_id   INTEGER,
  hub_id       INTEGER,
  subject_type TEXT CHECK (subject_type IN ('session', 'registration', 'organiser', 'token', 'hub')),
  subject_id   INTEGER,
  detail       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND length(detail) <= 2000),
  CHECK ((subject_type IS NULL) = (subject_id IS NULL)),
  CHECK ((actor_kind IN ('organiser', 'token')) = (actor_id IS NOT NULL))
) STRICT;

-- Newest first, and pruning by time.
CREATE INDEX audit_log_at ON audit_log (at);
-- The page's filters, each read newest first.
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_session ON audit_log (session_id, at) WHERE session_id IS NOT NULL;
-- A hub organiser's scope: entries about their hub (its sessions, its details), or about themselves.
CREATE INDEX audit_log_hub ON audit_log (hub_id, at) WHERE hub_id IS NOT NULL;
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);

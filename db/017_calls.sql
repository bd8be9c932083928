-- Calls for case studies: the owning hub of a session opens one call on it, with a deadline typed as
-- a wall time in the hub's zone (the truth; the instant is derived and stored beside it) and a short
-- text for proposers. Organisers of every hub propose through the organiser area; people the hub
-- invites by email propose through a personal link (only the SHA-256 of its token is kept, with the
-- random nonce it is derived from under the server secret). The owning hub accepts, declines or asks
-- for changes; each decision is emailed to the proposer in their language.
CREATE TABLE case_study_calls (
  id             INTEGER PRIMARY KEY,
  -- one call per session
  session_id     INTEGER NOT NULL UNIQUE REFERENCES sessions(id) ON DELETE CASCADE,
  deadline_date  TEXT NOT NULL CHECK (deadline_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  deadline_time  TEXT NOT NULL CHECK (deadline_time GLOB '[0-2][0-9]:[0-5][0-9]'),
  zone           TEXT NOT NULL CHECK (length(zone) BETWEEN 1 AND 64),
  deadline_utc   INTEGER NOT NULL,
  intro          TEXT NOT NULL DEFAULT '' CHECK (length(intro) <= 2000),
  -- closed early by an organiser (otherwise it closes at its deadline)
  closed_at      INTEGER,
  created_by     INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;

-- People invited to propose: the link's token is an HMAC (server secret) of token_nonce; only its
-- hash is kept. Inviting the same address again to the same call gives a new link (the old one ends).
CREATE TABLE case_study_invitations (
  id           INTEGER PRIMARY KEY,
  call_id      INTEGER NOT NULL REFERENCES case_study_calls(id) ON DELETE CASCADE,
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email        TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  language     TEXT NOT NULL CHECK (language IN ('en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg')),
  zone         TEXT NOT NULL CHECK (length(zone) BETWEEN 1 AND 64),
  token_nonce  TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  invited_by   INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (call_id, email)
) STRICT;

CREATE TABLE case_study_proposals (
  id                INTEGER PRIMARY KEY,
  call_id           INTEGER NOT NULL REFERENCES case_study_calls(id) ON DELETE CASCADE,
  -- how it came: through an invitation's link, or from an organiser in the organiser area
  invitation_id     INTEGER REFERENCES case_study_invitations(id) ON DELETE SET NULL,
  proposed_by       INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  title             TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary           TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 1500),
  -- [{"name": …, "affiliation": …}], one to five
  presenters        TEXT NOT NULL CHECK (json_valid(presenters) AND json_array_length(presenters) BETWEEN 1 AND 5 AND length(presenters) <= 4000),
  hub_id            INTEGER NOT NULL REFERENCES hubs(id),
  country           TEXT NOT NULL CHECK (country IN ('GR', 'RO', 'LT', 'IT', 'ES', 'PL', 'BG', 'CY', 'other')),
  language          TEXT NOT NULL CHECK (language IN ('en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg')),
  materials_url     TEXT CHECK (materials_url IS NULL OR (substr(materials_url, 1, 8) = 'https://' AND length(materials_url) <= 2000)),
  -- the proposer's name and address: erased (empty) once the retention period is over (anonymised_at)
  proposer_name     TEXT NOT NULL CHECK (length(proposer_name) <= 200),
  proposer_email    TEXT NOT NULL CHECK (length(proposer_email) <= 320),
  proposer_language TEXT NOT NULL CHECK (proposer_language IN ('en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg')),
  -- the zone the proposer's emails state times in (the invitation's, or the proposing organiser's)
  proposer_zone     TEXT NOT NULL CHECK (length(proposer_zone) BETWEEN 1 AND 64),
  status            TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'declined', 'changes')),
  decision_message  TEXT NOT NULL DEFAULT '' CHECK (length(decision_message) <= 2000),
  decided_by        INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  decided_at        INTEGER,
  anonymised_at     INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  CHECK ((anonymised_at IS NULL AND length(proposer_name) >= 1 AND length(proposer_email) >= 3)
         OR (anonymised_at IS NOT NULL AND proposer_name = '' AND proposer_email = ''))
) STRICT;

CREATE INDEX case_study_invitations_call ON case_study_invitations (call_id, id);
CREATE INDEX case_study_proposals_call ON case_study_proposals (call_id, status, id);
CREATE INDEX case_study_proposals_hub ON case_study_proposals (call_id, hub_id);
CREATE INDEX case_study_proposals_country ON case_study_proposals (call_id, country);
CREATE INDEX case_study_proposals_invitation ON case_study_proposals (invitation_id) WHERE invitation_id IS NOT NULL;

-- The audit log records the calls' actions too: the table is made again with the longer list of
-- actions (SQLite cannot change a CHECK in place); every entry is kept as it was.
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
                 'proposal.submitted', 'proposal.changed', 'proposal.decided')),
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

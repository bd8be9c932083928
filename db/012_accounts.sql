-- Organiser accounts in the browser: invitations and password resets. Each is a single-use personal
-- link; the token is an HMAC (under the server secret, never stored) of a random 128-bit nonce, and
-- only the nonce and the token's SHA-256 are kept, so the database alone rebuilds no link.

CREATE TABLE organiser_invitations (
  id           INTEGER PRIMARY KEY,
  email        TEXT NOT NULL COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role         TEXT NOT NULL CHECK (role IN ('admin', 'hub')),
  hub_id       INTEGER REFERENCES hubs(id),
  language     TEXT NOT NULL,
  zone         TEXT NOT NULL,
  token_nonce  TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  invited_by   INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL CHECK (expires_at > created_at),
  -- at most one of: accepted (the account made from it), withdrawn by an administrator
  used_at      INTEGER,
  organiser_id INTEGER REFERENCES organisers(id) ON DELETE SET NULL,
  withdrawn_at INTEGER,
  CHECK (role = 'admin' OR hub_id IS NOT NULL),
  CHECK (used_at IS NULL OR withdrawn_at IS NULL)
) STRICT;
-- The people page lists the invitations still open; a new one to the same address replaces them.
CREATE INDEX organiser_invitations_open ON organiser_invitations(email) WHERE used_at IS NULL AND withdrawn_at IS NULL;

CREATE TABLE password_resets (
  id           INTEGER PRIMARY KEY,
  organiser_id INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  token_nonce  TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL CHECK (expires_at > created_at),
  -- used to set a password, or voided when another link of the same person was used
  used_at      INTEGER
) STRICT;
-- Resets asked for one organiser lately (the per-address limit counts them).
CREATE INDEX password_resets_organiser ON password_resets(organiser_id, created_at);

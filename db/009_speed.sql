-- Counts that stay flat as sessions fill up.
--
-- registration_counts: how many registrations each session has in each status, kept exact by the
-- triggers below on every insert, change and delete of a registration (a deleted session takes its
-- registrations and its counts with it). Beside the five statuses, the bucket 'held' counts the
-- pending registrations that hold a seat until their hold_until. Seat checks and the organiser's
-- counts read these rows instead of counting the registrations of a session one by one.
-- A migration that rebuilds the registrations table must create these triggers again.

CREATE TABLE registration_counts (
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'cancelled', 'expired', 'held')),
  n          INTEGER NOT NULL,
  PRIMARY KEY (session_id, status)
) STRICT, WITHOUT ROWID;

INSERT INTO registration_counts (session_id, status, n)
  SELECT session_id, status, count(*) FROM registrations GROUP BY session_id, status;
INSERT INTO registration_counts (session_id, status, n)
  SELECT session_id, 'held', count(*) FROM registrations WHERE status = 'pending' AND hold_until IS NOT NULL GROUP BY session_id;

CREATE TRIGGER registration_counts_insert AFTER INSERT ON registrations
BEGIN
  INSERT INTO registration_counts (session_id, status, n) VALUES (NEW.session_id, NEW.status, 1)
    ON CONFLICT (session_id, status) DO UPDATE SET n = n + 1;
  INSERT INTO registration_counts (session_id, status, n)
    SELECT NEW.session_id, 'held', 1 WHERE NEW.status = 'pending' AND NEW.hold_until IS NOT NULL
    ON CONFLICT (session_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER registration_counts_update AFTER UPDATE OF status, session_id, hold_until ON registrations
  WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id OR OLD.hold_until IS NOT NEW.hold_until
BEGIN
  UPDATE registration_counts SET n = n - 1
    WHERE session_id = OLD.session_id AND status = OLD.status AND (OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id);
  INSERT INTO registration_counts (session_id, status, n)
    SELECT NEW.session_id, NEW.status, 1 WHERE OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id
    ON CONFLICT (session_id, status) DO UPDATE SET n = n + 1;
  UPDATE registration_counts SET n = n - 1
    WHERE session_id = OLD.session_id AND status = 'held' AND OLD.status = 'pending' AND OLD.hold_until IS NOT NULL;
  INSERT INTO registration_counts (session_id, status, n)
    SELECT NEW.session_id, 'held', 1 WHERE NEW.status = 'pending' AND NEW.hold_until IS NOT NULL
    ON CONFLICT (session_id, status) DO UPDATE SET n = n + 1;
END;

-- Under a session's deletion the counts may already be gone with it: then this changes nothing.
CREATE TRIGGER registration_counts_delete AFTER DELETE ON registrations
BEGIN
  UPDATE registration_counts SET n = n - 1 WHERE session_id = OLD.session_id AND status = OLD.status;
  UPDATE registration_counts SET n = n - 1
    WHERE session_id = OLD.session_id AND status = 'held' AND OLD.status = 'pending' AND OLD.hold_until IS NOT NULL;
END;

-- Pending registrations by the end of their hold, per session: the seat check subtracts the holds
-- that ran out but were not expired yet (a short range: the maintenance run expires them).
CREATE INDEX registrations_pending_hold ON registrations(session_id, hold_until) WHERE status = 'pending';

-- outbox_counts: rows per status over the whole outbox, kept by triggers, for the mail page's
-- counts and totals (a count over a million rows is not read on every page view).
CREATE TABLE outbox_counts (
  status TEXT PRIMARY KEY,
  n      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO outbox_counts (status, n) SELECT status, count(*) FROM outbox GROUP BY status;

CREATE TRIGGER outbox_counts_insert AFTER INSERT ON outbox
BEGIN
  INSERT INTO outbox_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER outbox_counts_update AFTER UPDATE OF status ON outbox WHEN OLD.status IS NOT NEW.status
BEGIN
  UPDATE outbox_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO outbox_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER outbox_counts_delete AFTER DELETE ON outbox
BEGIN
  UPDATE outbox_counts SET n = n - 1 WHERE status = OLD.status;
END;

-- The oldest mail still waiting to go out (the mail page), without reading every waiting row.
CREATE INDEX outbox_pending_created ON outbox(created_at) WHERE status IN ('queued', 'sending');

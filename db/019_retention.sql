-- The registrations not yet anonymised, by session. The retention run looks for the ones due through
-- this index: it reads what it will erase, not every registration ever kept for a past session.
-- Anonymised rows leave the index, so it holds no more than the live registrations.
CREATE INDEX registrations_live ON registrations(session_id) WHERE anonymised_at IS NULL;

-- A person's feed looks registrations up by email across sessions.
CREATE INDEX registrations_email_norm ON registrations(email_norm) WHERE status = 'confirmed';

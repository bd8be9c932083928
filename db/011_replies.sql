-- Calendar replies and bounces coming back by mail.

-- What a registrant answered to the invite (ACCEPTED / TENTATIVE; a DECLINED cancels the
-- registration instead) and when.
ALTER TABLE registrations ADD COLUMN rsvp TEXT CHECK (rsvp IN ('ACCEPTED', 'TENTATIVE'));
ALTER TABLE registrations ADD COLUMN rsvp_at INTEGER;

-- Addresses that bounced for good (a 5.x.x delivery status): nothing more is sent to them.
CREATE TABLE undeliverable_addresses (
  email_norm  TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  status_code TEXT NOT NULL,
  at          INTEGER NOT NULL
) STRICT;

-- What an API token may do: 'api' (the JSON API) or 'inbound' (POST /api/v1/inbound/mail only).
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'api' CHECK (scope IN ('api', 'inbound'));

-- Meeting rooms: a session's online room is either an address its organisers pasted (Zoom, Teams,
-- Webex, any https meeting link: kept in join_url as before) or a Jitsi Meet room that Kairos named
-- on the configured Jitsi server. A Jitsi room's name is random (at least 128 bits) behind a slug of
-- the title, kept for the life of the session; join_url then holds the room's address on that server.
-- Existing sessions are pasted-link sessions.
ALTER TABLE sessions ADD COLUMN room_kind TEXT NOT NULL DEFAULT 'url' CHECK (room_kind IN ('url', 'jitsi'));
ALTER TABLE sessions ADD COLUMN jitsi_room TEXT
  CHECK (jitsi_room IS NULL OR (length(jitsi_room) BETWEEN 33 AND 120 AND jitsi_room NOT GLOB '*[^a-z0-9-]*'));

-- A Jitsi room belongs to one session.
CREATE UNIQUE INDEX sessions_jitsi_room ON sessions (jitsi_room) WHERE jitsi_room IS NOT NULL;

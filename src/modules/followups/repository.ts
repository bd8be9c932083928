import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';

export type Audience = 'attendees' | 'absentees';

export interface Followup {
  sessionId: number;
  audience: Audience;
  subject: string;
  body: string;
  inviteNext: boolean;
  sentAt: number | null;
  sentCount: number;
}

interface Row {
  session_id: number;
  audience: Audience;
  subject: string;
  body: string;
  invite_next: number;
  sent_at: number | null;
  sent_count: number;
}

const toFollowup = (r: Row): Followup => ({
  sessionId: r.session_id,
  audience: r.audience,
  subject: r.subject,
  body: r.body,
  inviteNext: r.invite_next === 1,
  sentAt: r.sent_at,
  sentCount: r.sent_count,
});

/** Every statement of this repository, prepared once per database. */
function prepareStatements(db: DB) {
  return {
    get: db.prepare('SELECT * FROM session_followups WHERE session_id = ? AND audience = ?'),
    save: db.prepare(
      `INSERT INTO session_followups (session_id, audience, subject, body, invite_next, created_at, updated_at)
       VALUES (@sessionId, @audience, @subject, @body, @inviteNext, @now, @now)
       ON CONFLICT(session_id, audience) DO UPDATE SET subject = excluded.subject, body = excluded.body,
         invite_next = excluded.invite_next, updated_at = excluded.updated_at`,
    ),
    markSent: db.prepare('UPDATE session_followups SET sent_at = @now, sent_count = sent_count + @n, updated_at = @now WHERE session_id = @sessionId AND audience = @audience'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class FollowupRepository {
  private readonly s: Statements;
  constructor(db: DB) {
    this.s = prepareStatements(db);
  }
  get(sessionId: number, audience: Audience): Followup | undefined {
    const r = this.s.get.get(sessionId, audience) as Row | undefined;
    return r && toFollowup(r);
  }
  save(f: { sessionId: number; audience: Audience; subject: string; body: string; inviteNext: boolean }, now: number): Followup {
    this.s.save.run({ ...f, inviteNext: f.inviteNext ? 1 : 0, now });
    return mustExist(this.get(f.sessionId, f.audience), 'follow-up');
  }
  markSent(sessionId: number, audience: Audience, n: number, now: number): void {
    this.s.markSent.run({ sessionId, audience, n, now });
  }
}

/** The FollowupRepository of a database, built once per connection. */
export const followupRepository = perDatabase((db) => new FollowupRepository(db));

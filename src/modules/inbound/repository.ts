/** SQL of inbound mail: the invite a registration was last sent, bounced addresses, forwards done. */
import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';

function prepare(db: DB) {
  return {
    // The outbox is the record of what was sent: the last REQUEST a registration received.
    lastInvite: db.prepare<[number], { ical: string | null }>(
      `SELECT rendered_ical AS ical FROM outbox
       WHERE registration_id = ? AND status = 'sent' AND rendered_ical_method = 'REQUEST'
       ORDER BY sent_at DESC, id DESC LIMIT 1`,
    ),
    outboxRow: db.prepare<[number], { id: number; recipient_email: string; registration_id: number | null }>(
      'SELECT id, recipient_email, registration_id FROM outbox WHERE id = ?',
    ),
  };
}

const statements = perDatabase(prepare);

export class InboundRepository {
  private readonly s: ReturnType<typeof prepare>;
  constructor(db: DB) {
    this.s = statements(db);
  }
  /** The SEQUENCE of the last invite (REQUEST) sent to a registration, or null when none was sent. */
  lastInviteSequence(registrationId: number): number | null {
    const ical = this.s.lastInvite.get(registrationId)?.ical;
    const m = ical ? /^SEQUENCE:(\d+)\r?$/m.exec(ical) : null;
    return m ? Number(m[1]) : null;
  }
  outboxRow(id: number): { id: number; recipientEmail: string; registrationId: number | null } | undefined {
    const r = this.s.outboxRow.get(id);
    return r && { id: r.id, recipientEmail: r.recipient_email, registrationId: r.registration_id };
  }
}

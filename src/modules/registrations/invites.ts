import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { enqueue, withdraw } from '../../core/outbox/queue.js';
import type { RegistrationRepository } from './repository.js';
import type { Session } from '../sessions/index.js';
import { INVITE_FIELDS, type SessionChange } from '../sessions/index.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { registrations: RegistrationRepository };

export const UPDATE_KIND = 'invite.update';
export const SESSION_CANCELLED_KIND = 'invite.cancel';

/**
 * Keeps everyone's calendar right. A change that matters to an invite (time, duration, title, join
 * link, or the date being fixed) raises the session's SEQUENCE (SessionService) and queues an
 * updated REQUEST, same UID, to every confirmed registrant; a cancelled session queues a CANCEL.
 * An unsent older update for the same person is withdrawn: the newest one says it all.
 */
export class InviteService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  onSessionChange(change: SessionChange): void {
    const s = change.after;
    if (change.kind === 'cancelled') {
      // Nothing else about this session should go out now; each confirmed person gets the cancellation.
      withdraw(this.db, { sessionId: s.id, kind: UPDATE_KIND }, this.clock, 'session cancelled');
      for (const reg of this.repos.registrations.withStatus(s.id, 'confirmed')) {
        if (!reg.email) continue;
        enqueue(
          this.db,
          {
            kind: SESSION_CANCELLED_KIND,
            dedupeKey: `registration:${reg.id}:${reg.cycle}:session-cancelled:${s.sequence}`,
            to: { email: reg.email, name: reg.name },
            language: reg.language,
            zone: reg.zone,
            sessionId: s.id,
            registrationId: reg.id,
            payload: {},
          },
          this.clock,
        );
      }
      return;
    }
    if (change.kind !== 'updated' || !change.before || s.status === 'tentative' || s.startUtc === null) return;
    const before = change.before;
    const firstFixed = before.status === 'tentative' || before.startUtc === null;
    const relevant = change.changed.filter((f) => (INVITE_FIELDS as readonly string[]).includes(f) && f !== 'status');
    if (!firstFixed && relevant.length === 0) return;
    if (s.status === 'completed') return;
    const changes = relevant
      .filter((f) => f !== 'endUtc' || !relevant.includes('startUtc'))
      .map((f) => (f === 'endUtc' ? { field: 'durationMinutes', before: before.durationMinutes, after: s.durationMinutes } : { field: f, before: pick(before, f), after: pick(s, f) }));
    for (const reg of this.repos.registrations.withStatus(s.id, 'confirmed')) {
      if (!reg.email) continue;
      withdraw(this.db, { registrationId: reg.id, kind: UPDATE_KIND }, this.clock, 'superseded by a newer update');
      enqueue(
        this.db,
        {
          kind: UPDATE_KIND,
          dedupeKey: `registration:${reg.id}:${reg.cycle}:update:${s.sequence}`,
          to: { email: reg.email, name: reg.name },
          language: reg.language,
          zone: reg.zone,
          sessionId: s.id,
          registrationId: reg.id,
          payload: { changes, firstFixed },
        },
        this.clock,
      );
    }
  }
}

function pick(s: Session, field: string): string | number | null {
  const v = (s as unknown as Record<string, unknown>)[field];
  return typeof v === 'string' || typeof v === 'number' ? v : null;
}

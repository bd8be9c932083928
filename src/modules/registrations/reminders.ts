import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { ensureQueued, withdraw } from '../../core/outbox/queue.js';
import { type SessionRepository } from '../sessions/index.js';
import type { RegistrationRepository } from './repository.js';
import type { Registration } from './repository.js';
import type { Session } from '../sessions/index.js';
import { localTimeOnDay, minutesOfDay } from '../../core/time/index.js';
import type { SessionChange } from '../sessions/index.js';
import { mustExist } from '../../core/errors.js';
import { Lru } from '../../core/lru.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { registrations: RegistrationRepository; sessions: SessionRepository };

export const REMINDER_KIND = 'reminder';

/** Quiet hours in the recipient's zone: 22:00–08:00. */
const QUIET_FROM = 22 * 60;
const QUIET_TO = 8 * 60;

/**
 * When a reminder reaches a person. Rule: a reminder whose offset is a day or more and that would
 * arrive between 22:00 and 08:00 in the recipient's zone is moved earlier, to 20:00 of the evening
 * before that night (in their zone). Shorter reminders (an hour before) keep their time: they are
 * only useful close to the start.
 */
export function reminderInstant(startUtc: number, offsetMinutes: number, recipientZone: string): number {
  const due = startUtc - offsetMinutes * 60_000;
  if (offsetMinutes < 1440) return due;
  // The same for everyone of a session in one zone: worked out once (with the zone's rules) per start, offset and zone.
  return quietHoursMoved.getOrSet(`${due}|${recipientZone}`, () => movedOutOfQuietHours(due, recipientZone));
}

const quietHoursMoved = new Lru<string, number>(4000);

function movedOutOfQuietHours(due: number, recipientZone: string): number {
  const m = minutesOfDay(due, recipientZone);
  if (m >= QUIET_FROM) return localTimeOnDay(due, recipientZone, '20:00', 0);
  if (m < QUIET_TO) return localTimeOnDay(due, recipientZone, '20:00', -1);
  return due;
}

/**
 * Reminders are outbox rows, one per (confirmed registration, offset, start), in the recipient's
 * language and zone, due at `reminderInstant` and never sent at or after the start (the row's
 * deadline). Re-timing withdraws the unsent rows of a session and ensures the right ones are
 * queued again: a row with the same key comes back (re-timed) unless it was already sent, so one
 * reminder is never sent twice for the same start, and a moved session gets fresh ones.
 */
export class ReminderService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  /** Queues the reminders of one confirmed registration (inside the caller's transaction). Returns how many. */
  schedule(reg: Registration, session: Session = mustExist(this.repos.sessions.get(reg.sessionId), 'session')): number {
    if (reg.status !== 'confirmed' || !reg.email) return 0;
    if (session.status !== 'scheduled' || session.startUtc === null) return 0;
    const now = this.clock.now();
    let queued = 0;
    for (const offset of session.reminderOffsets) {
      const at = reminderInstant(session.startUtc, offset, reg.zone);
      // A registration made after a reminder's time gets no stale reminder.
      if (at <= now || at >= session.startUtc) continue;
      const id = ensureQueued(
        this.db,
        {
          kind: REMINDER_KIND,
          dedupeKey: `registration:${reg.id}:${reg.cycle}:reminder:${offset}:${session.startUtc}`,
          to: { email: reg.email, name: reg.name },
          language: reg.language,
          zone: reg.zone,
          sessionId: session.id,
          registrationId: reg.id,
          payload: { offset, startUtc: session.startUtc },
          notBefore: at,
          deadline: session.startUtc,
        },
        this.clock,
      );
      if (id !== null) queued++;
    }
    return queued;
  }

  /** Withdraws every unsent reminder of a session and queues the right ones again. */
  resync(session: Session): number {
    withdraw(this.db, { sessionId: session.id, kind: REMINDER_KIND }, this.clock, 'session changed');
    let queued = 0;
    for (const reg of this.repos.registrations.withStatus(session.id, 'confirmed')) queued += this.schedule(reg, session);
    return queued;
  }

  /** A registration whose language or zone changed gets its unsent reminders in the new ones. */
  reschedule(reg: Registration): number {
    withdraw(this.db, { registrationId: reg.id, kind: REMINDER_KIND }, this.clock, 'preferences changed');
    return this.schedule(reg);
  }

  /** Session listener: a move, a new reminder schedule or a status change re-times; a cancellation withdraws. */
  onSessionChange(change: SessionChange): void {
    const s = change.after;
    if (change.kind === 'cancelled') {
      withdraw(this.db, { sessionId: s.id, kind: REMINDER_KIND }, this.clock, 'session cancelled');
      return;
    }
    if (change.kind === 'updated' && change.changed.some((f) => ['startUtc', 'reminderOffsets', 'status'].includes(f))) this.resync(s);
  }
}

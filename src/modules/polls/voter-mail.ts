/**
 * The emails of a date poll's voters: one invitation and at most one reminder per voter, retimed when
 * the deadline moves, withdrawn when voting ends, and the invitation to register once a date is
 * picked. Each is an outbox row in the caller's transaction, in the voter's language and zone.
 */
import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { enqueue, retime, withdraw } from '../../core/outbox/queue.js';
import { voterErased, type Poll, type PollRepository, type PollVoter } from './repository.js';
import { POLL_EMAIL, pollDedupe } from './rules.js';

export class PollVoterMail {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
    private readonly repo: PollRepository,
  ) {}

  /** One email to a voter, in their language and zone; the payload names only the poll and the voter. */
  private queue(poll: Poll, voter: PollVoter, kind: string, dedupeKey: string, when: { notBefore?: number; deadline: number | null }): void {
    // A voter who erased their address has none left: nothing is sent to them (their answers still count).
    if (voterErased(voter)) return;
    enqueue(
      this.db,
      {
        kind,
        dedupeKey,
        to: { email: voter.email, name: voter.name },
        language: voter.language,
        zone: voter.zone,
        sessionId: poll.sessionId,
        payload: { pollId: poll.id, voterId: voter.id },
        ...when,
      },
      this.clock,
    );
  }

  invite(poll: Poll, voter: PollVoter): void {
    this.queue(poll, voter, POLL_EMAIL.invite, pollDedupe.invite(poll.id, voter.id), { deadline: poll.deadlineUtc });
  }

  /** One reminder per voter, `reminderHours` before the deadline; the renderer withdraws it if they answered. */
  reminder(poll: Poll, voter: PollVoter): void {
    if (poll.deadlineUtc === null || poll.reminderHours === 0) return;
    const at = poll.deadlineUtc - poll.reminderHours * 3_600_000;
    if (at <= this.clock.now()) return;
    this.queue(poll, voter, POLL_EMAIL.reminder, pollDedupe.reminder(poll.id, voter.id), { notBefore: at, deadline: poll.deadlineUtc });
  }

  /** After the deadline or the reminder changed: queued invitations and reminders follow. */
  reschedule(poll: Poll): void {
    const now = this.clock.now();
    retime(this.db, { dedupePrefix: pollDedupe.invite(poll.id) }, { deadline: poll.deadlineUtc }, this.clock);
    if (poll.deadlineUtc === null || poll.reminderHours === 0) {
      withdraw(this.db, { dedupePrefix: pollDedupe.reminder(poll.id) }, this.clock, 'no reminder for this poll any more');
      return;
    }
    const at = poll.deadlineUtc - poll.reminderHours * 3_600_000;
    retime(this.db, { dedupePrefix: pollDedupe.reminder(poll.id) }, { notBefore: Math.max(at, now), deadline: poll.deadlineUtc }, this.clock);
    // Voters invited when no reminder was due get one now that it is (the dedupe key keeps it to one).
    for (const v of this.repo.voters(poll.id)) this.reminder(poll, v);
  }

  /** Withdraws the unsent invitations and reminders of a poll. */
  withdrawVoting(pollId: number, reason: string): void {
    withdraw(this.db, { dedupePrefix: pollDedupe.invite(pollId) }, this.clock, reason);
    withdraw(this.db, { dedupePrefix: pollDedupe.reminder(pollId) }, this.clock, reason);
  }

  /** Every email of the poll (a cancelled session). */
  withdrawAll(pollId: number, reason: string): void {
    withdraw(this.db, { dedupePrefix: pollDedupe.prefix(pollId) }, this.clock, reason);
  }

  /** A voter not registered for the session once its date is picked is invited to register (until it starts). */
  registerInvite(poll: Poll, voter: PollVoter, startUtc: number | null): void {
    this.queue(poll, voter, POLL_EMAIL.registerInvite, pollDedupe.registerInvite(poll.id, voter.id), { deadline: startUtc });
  }
}

/**
 * Seed data for the date poll of the follow-up promised at the 15 July 2021 webinar ("mid-September"):
 * four candidate slots in the week of 13–17 September 2021, in Europe/Athens (the organising hub's
 * zone), deadline Friday 10 September 2021, 17:00 Europe/Athens, no voters and no votes.
 * Wed 10:00 and Fri 09:00 Athens fall before 09:00 on the Canary Islands (and Fri 09:00 before 09:00
 * in Rome, Madrid and Warsaw too), so the organiser page shows its working-hours warning.
 *
 * Idempotent: a session that already has a poll (or is no longer tentative) is left alone. The slots
 * are stored as trusted data: they may be in the past relative to the clock the seed runs with.
 */
import type { Clock } from '../core/clock.js';
import { DEFAULT_REMINDER_HOURS } from '../modules/polls/index.js';
import type { Services } from '../services.js';
import { wallToInstant } from '../core/time/index.js';
import { immediate, type DB } from '../core/db/open.js';
import { FOLLOW_UP_SLUG } from './slugs.js';

export const SEED_POLL = {
  zone: 'Europe/Athens',
  deadline: { date: '2021-09-10', time: '17:00' },
  durationMinutes: 120,
  slots: [
    { date: '2021-09-14', time: '11:00' },
    { date: '2021-09-15', time: '10:00' },
    { date: '2021-09-16', time: '15:00' },
    { date: '2021-09-17', time: '09:00' },
  ],
} as const;

export function seedPoll(db: DB, services: Services, clock: Clock): { created: string[] } {
  const created: string[] = [];
  const polls = services.repos.polls;
  immediate(db, () => {
    const session = services.repos.sessions.getBySlug(FOLLOW_UP_SLUG);
    if (!session || session.status !== 'tentative' || polls.forSession(session.id)) return;
    const now = clock.now();
    const zone = SEED_POLL.zone;
    const deadlineUtc = wallToInstant({ ...SEED_POLL.deadline, zone });
    const poll = polls.insert(
      session.id,
      { zone, deadlineDate: SEED_POLL.deadline.date, deadlineTime: SEED_POLL.deadline.time, deadlineUtc, reminderHours: DEFAULT_REMINDER_HOURS },
      null,
      now,
    );
    for (const s of SEED_POLL.slots) {
      const startUtc = wallToInstant({ date: s.date, time: s.time, zone });
      polls.addSlot(
        { pollId: poll.id, startDate: s.date, startTime: s.time, zone, durationMinutes: SEED_POLL.durationMinutes, startUtc, endUtc: startUtc + SEED_POLL.durationMinutes * 60_000 },
        now,
      );
    }
    created.push(`poll:${FOLLOW_UP_SLUG}`);
  });
  return { created };
}

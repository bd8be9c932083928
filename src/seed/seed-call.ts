/**
 * Seed data for the call for case studies of the follow-up promised at the 15 July 2021 webinar
 * ("to share and study specific case studies"): an open call on the tentative follow-up meeting, its
 * deadline 28 days after the day the database is first seeded (that day in the owning hub's zone),
 * 23:59 in that zone, with no proposals. The follow-up itself is left as the press release has it
 * (undated, mid-September 2021).
 *
 * Idempotent: a session that already has a call is left alone.
 */
import type { Clock } from '../core/clock.js';
import { immediate, type DB } from '../core/db/open.js';
import { addDays, instantToWall, wallToInstant } from '../core/time/index.js';
import type { Services } from '../services.js';
import { FOLLOW_UP_SLUG } from './slugs.js';

export const SEED_CALL = {
  daysAfterSeeding: 28,
  time: '23:59',
  intro:
    'Propose a case study of the "Next Generation of Public Services" for the follow-up meeting: a digitisation solution for the public sector (infrastructure, business models for return on investment, success stories), or best practice in using artificial intelligence in public services.',
} as const;

export function seedCall(db: DB, services: Services, clock: Clock): { created: string[] } {
  const created: string[] = [];
  const { repos } = services;
  immediate(db, () => {
    const session = repos.sessions.getBySlug(FOLLOW_UP_SLUG);
    if (!session || repos.calls.forSession(session.id)) return;
    const hub = repos.hubs.get(session.hubId);
    if (!hub) return;
    const now = clock.now();
    const deadlineDate = addDays(instantToWall(now, hub.zone).date, SEED_CALL.daysAfterSeeding);
    const deadlineUtc = wallToInstant({ date: deadlineDate, time: SEED_CALL.time, zone: hub.zone });
    repos.calls.insert(session.id, { deadlineDate, deadlineTime: SEED_CALL.time, zone: hub.zone, deadlineUtc, intro: SEED_CALL.intro }, null, now);
    created.push(`call:${FOLLOW_UP_SLUG}`);
  });
  return { created };
}

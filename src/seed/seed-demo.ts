/**
 * A demo series for a newcomer, so that a fresh installation shows a living product beside the
 * press-release history: dated from the day of the first start, clearly marked as a demo, added
 * once (never again after an administrator removed it), and not at all with SEED_DEMO=false (the
 * production setting).
 *
 * - An upcoming webinar on the first Tuesday at least two weeks after the first start, 11:00
 *   Europe/Athens, registrations open.
 * - A tentative follow-up with an open date poll: four candidate slots in the week after the poll
 *   closes (a Friday, 17:00 Europe/Athens, at least three weeks after the first start).
 */
import type { Clock } from '../core/clock.js';
import { immediate, type DB } from '../core/db/open.js';
import { mustExist } from '../core/errors.js';
import { addDays, instantToWall, wallToInstant, weekdayOf } from '../core/time/index.js';
import { DEFAULT_REMINDER_HOURS } from '../modules/polls/index.js';
import { DEMO_SETTING, DEMO_SLUG_PREFIX } from '../modules/sessions/index.js';
import type { Services } from '../services.js';

const ZONE = 'Europe/Athens';

/** The first date on or after `date` that falls on ISO weekday `weekday` (1 = Monday). */
function onOrAfter(date: string, weekday: number): string {
  return addDays(date, (weekday - weekdayOf(date) + 7) % 7);
}

export function seedDemo(db: DB, services: Services, clock: Clock): { created: string[] } {
  const { repos } = services;
  const created: string[] = [];
  immediate(db, () => {
    // Added once: kept while it exists, never again once removed.
    if (repos.settings.get(DEMO_SETTING) !== undefined) return;
    const now = clock.now();
    const today = instantToWall(now, ZONE).date;
    const gr = mustExist(repos.hubs.getBySlug('gr-digigov-innohub'), 'hub');
    const others = repos.hubs.list().filter((h) => h.id !== gr.id).map((h) => h.id);
    const series = repos.series.save(
      {
        slug: `${DEMO_SLUG_PREFIX}series`,
        title: 'Demo: a season of sessions across nine countries',
        description: 'Demo data, made on the first start so that there is something to try: register, vote in the date poll, look at the organiser pages. An administrator can remove it in one action on the organiser page.',
      },
      now,
    );
    const webinarDate = onOrAfter(addDays(today, 14), 2);
    const webinarStart = wallToInstant({ date: webinarDate, time: '11:00', zone: ZONE });
    services.sessions.insertTrusted({
      slug: `${DEMO_SLUG_PREFIX}webinar`,
      seriesId: series.id,
      hubId: gr.id,
      coHostIds: others,
      title: 'Demo: AI in public services, an open webinar',
      description: 'Demo session. Each hub shows one use of artificial intelligence in its public services; questions from every country.',
      status: 'scheduled',
      startDate: webinarDate,
      startTime: '11:00',
      zone: ZONE,
      durationMinutes: 90,
      startUtc: webinarStart,
      endUtc: webinarStart + 90 * 60_000,
      timeStated: true,
      approxMonth: null,
      approxPart: null,
      joinUrl: null,
      capacity: 100,
      language: 'en',
      doubleOptIn: true,
      calendarUid: services.sessions.newCalendarUid(),
    });
    const deadlineDate = onOrAfter(addDays(today, 21), 5);
    const firstSlotDate = onOrAfter(addDays(deadlineDate, 1), 2);
    const followUp = services.sessions.insertTrusted({
      slug: `${DEMO_SLUG_PREFIX}follow-up`,
      seriesId: series.id,
      hubId: gr.id,
      coHostIds: others,
      title: 'Demo: AI in public services, case studies',
      description: 'Demo session. The follow-up of the demo webinar; its date is being chosen in the date poll.',
      status: 'tentative',
      startDate: null,
      startTime: null,
      zone: ZONE,
      durationMinutes: 120,
      startUtc: null,
      endUtc: null,
      timeStated: true,
      approxMonth: firstSlotDate.slice(0, 7),
      approxPart: null,
      joinUrl: null,
      capacity: null,
      language: 'en',
      doubleOptIn: true,
      calendarUid: services.sessions.newCalendarUid(),
    });
    const poll = repos.polls.insert(
      followUp.id,
      { zone: ZONE, deadlineDate, deadlineTime: '17:00', deadlineUtc: wallToInstant({ date: deadlineDate, time: '17:00', zone: ZONE }), reminderHours: DEFAULT_REMINDER_HOURS },
      null,
      now,
    );
    for (const [day, time] of [[0, '11:00'], [1, '10:00'], [2, '15:00'], [3, '09:00']] as const) {
      const date = addDays(firstSlotDate, day);
      const startUtc = wallToInstant({ date, time, zone: ZONE });
      repos.polls.addSlot({ pollId: poll.id, startDate: date, startTime: time, zone: ZONE, durationMinutes: 120, startUtc, endUtc: startUtc + 120 * 60_000 }, now);
    }
    repos.settings.set(DEMO_SETTING, String(series.id));
    created.push(`series:${series.slug}`, `session:${DEMO_SLUG_PREFIX}webinar`, `session:${DEMO_SLUG_PREFIX}follow-up`, `poll:${DEMO_SLUG_PREFIX}follow-up`);
  });
  return { created };
}

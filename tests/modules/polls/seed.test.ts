/** The seeded poll of the mid-September 2021 follow-up: idempotent, four slots in 13–17 September, no votes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPoll } from '../../../src/seed/seed-poll.js';
import { FOLLOW_UP_SLUG } from '../../../src/seed/seed.js';
import { Browser, GR_ORGANISER, text } from '../../helpers/app.js';
import { makePollApp, type PollTestApp } from './helpers.js';

let t: PollTestApp;
beforeAll(async () => {
  t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
});
afterAll(() => t.close());

describe('seedPoll', () => {
  it('adds the poll once, with the four candidate slots and the deadline, no voters, no votes', async () => {
    seedPoll(t.db, t.services, t.clock);
    const again = seedPoll(t.db, t.services, t.clock);
    expect(again.created).toEqual([]);
    const session = t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)!;
    expect(session.status).toBe('tentative');
    const poll = t.polls.forSession(session.id)!;
    expect(t.db.prepare('SELECT count(*) AS n FROM polls WHERE session_id = ?').get(session.id)).toEqual({ n: 1 });
    expect([poll.deadlineDate, poll.deadlineTime, poll.zone, new Date(poll.deadlineUtc!).toISOString()]).toEqual(['2021-09-10', '17:00', 'Europe/Athens', '2021-09-10T14:00:00.000Z']);
    const slots = t.polls.slots(poll);
    expect(slots.map((s) => `${s.startDate} ${s.startTime} ${s.zone}`)).toEqual([
      '2021-09-14 11:00 Europe/Athens',
      '2021-09-15 10:00 Europe/Athens',
      '2021-09-16 15:00 Europe/Athens',
      '2021-09-17 09:00 Europe/Athens',
    ]);
    expect(slots.map((s) => new Date(s.startUtc).toISOString())).toEqual(['2021-09-14T08:00:00.000Z', '2021-09-15T07:00:00.000Z', '2021-09-16T12:00:00.000Z', '2021-09-17T06:00:00.000Z']);
    expect(t.polls.voters(poll)).toEqual([]);
    expect(t.db.prepare('SELECT count(*) AS n FROM poll_answers').get()).toEqual({ n: 0 });
    // at least one is outside working hours on the Canary Islands
    const outside = slots.map((s) => t.polls.slotView(s, 'Europe/Athens', 'en').outside.map((p) => p.place.key));
    expect(outside[0]).toEqual([]);
    expect(outside[1]).toEqual(['canary']);
    expect(outside[3]).toContain('canary');
    expect(t.polls.state(poll)).toEqual({ open: true, reason: null });

    // and the organiser sees it, warning included
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const page = text((await b.get(`/organiser/sessions/${session.id}/poll`)).body);
    expect(page).toContain('Friday, 10 September 2021, 17:00 (Europe/Athens, UTC+03:00)');
    expect(page).toContain('Outside working hours (09:00–18:00, Mon–Fri) in: Canary Islands 08:00');
    expect(page).toContain('0 of 0 invited people have answered.');
  });
});

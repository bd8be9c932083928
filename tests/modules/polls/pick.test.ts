/**
 * Closing and picking: the pick schedules the tentative session at the slot's wall time and zone, in
 * one transaction with closing the poll and the register invitations; the deadline closes the poll in
 * effect (evaluated against the clock); votes after closing are refused with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionChange } from '../../../src/modules/sessions/service.js';
import { wallToInstant } from '../../../src/core/time/index.js';
import { Browser, GR_ORGANISER, text } from '../../helpers/app.js';
import { makePollApp, outboxRows, tentativeSession, type PollTestApp } from './helpers.js';
import { must } from '../../helpers/must.js';

let t: PollTestApp;
const changes: SessionChange[] = [];
beforeAll(async () => {
  t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
  t.services.sessions.onChange((c) => changes.push(c));
});
afterAll(() => t.close());

const hubIds = (...slugs: string[]) => slugs.map((slug) => String(t.services.repos.hubs.getBySlug(slug)!.id));

function setUp() {
  const s = tentativeSession(t);
  t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2021-09-10', deadlineTime: '17:00' }, t.gr);
  const a = t.polls.addSlot(s.id, { date: '2021-09-14', time: '11:00', durationMinutes: 120 }, t.gr);
  // a slot the organiser wrote in Bucharest time: the pick keeps that wall time and zone
  const b = t.polls.addSlot(s.id, { date: '2021-09-16', time: '14:00', zone: 'Europe/Bucharest', durationMinutes: 90 }, t.gr);
  t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub', 'dih4society', 'govtech-lab-vilnius') }, t.gr);
  const poll = t.polls.forSession(s.id)!;
  const token = (email: string) => t.polls.tokenFor(t.polls.voters(poll).find((v) => v.email === email)!);
  return { s, poll, a, b, token };
}

async function organiser() {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
  return b;
}

describe('picking a slot', () => {
  it('turns the tentative session into a scheduled one at that wall time and zone, closes the poll, refuses later votes', async () => {
    const { s, poll, b: slot, token } = setUp();
    const ro = token('contact@dih4society.example');
    t.polls.vote(ro, { [`slot-${slot.id}`]: 'yes' });
    // The Lithuanian hub's contact has already registered for the session: no register invitation for them.
    t.services.registrations.register(
      s.id,
      { name: 'Vilnius hub', email: 'CONTACT@govtech-lab-vilnius.example', orgType: 'public', country: 'LT', language: 'lt', zone: 'Europe/Vilnius', consent: 'on' },
      'api',
    );
    changes.length = 0;

    const org = await organiser();
    const page = await org.get(`/organiser/sessions/${s.id}/poll`);
    expect(page.body).toContain(`<input type="hidden" name="slotId" value="${slot.id}">`);
    const res = await org.post(`/organiser/sessions/${s.id}/poll/pick`, { slotId: String(slot.id) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${s.id}?msg=poll.org.pickedMsg`);

    const after = t.services.repos.sessions.get(s.id)!;
    expect(after).toMatchObject({ status: 'scheduled', startDate: '2021-09-16', startTime: '14:00', zone: 'Europe/Bucharest', durationMinutes: 90, approxMonth: null });
    expect(after.startUtc).toBe(wallToInstant({ date: '2021-09-16', time: '14:00', zone: 'Europe/Bucharest' }));
    expect(after.calendarUid).toBe(s.calendarUid);
    // the session-change listener ran (the invitations to registrants hang on it), once, as an update of status and time
    expect(changes.map((c) => [c.kind, c.before?.status, c.after.status])).toEqual([['updated', 'tentative', 'scheduled']]);
    expect(must(changes[0], 'the session change').changed).toEqual(expect.arrayContaining(['status', 'startUtc', 'zone']));

    const closed = t.polls.forSession(s.id)!;
    expect([closed.status, closed.closedReason, closed.pickedSlotId]).toEqual(['closed', 'picked', slot.id]);
    expect(t.polls.state(closed)).toEqual({ open: false, reason: 'picked' });

    // register invitations: the voters not registered, with a link to the session page and nothing personal in it
    const reg = outboxRows(t, 'poll.register-invite').filter((r) => r.dedupe_key.startsWith(`poll:${poll.id}:`));
    expect(reg.map((r) => r.recipient_email).sort()).toEqual(['contact@dih4society.example', 'contact@gr-digigov-innohub.example']);
    for (const r of reg) expect(r.deadline).toBe(after.startUtc);
    // unsent invitations and reminders are withdrawn
    const pending = [...outboxRows(t, 'poll.invite'), ...outboxRows(t, 'poll.reminder')].filter((r) => r.dedupe_key.startsWith(`poll:${poll.id}:`));
    expect(new Set(pending.map((r) => r.status))).toEqual(new Set(['withdrawn']));

    // a vote after closing is refused, with a message that says why
    const v = new Browser(t.app, { 'accept-language': 'en' });
    const votePage = await v.get(`/poll/${ro}?lang=en`);
    expect(text(votePage.body)).toContain('The date is fixed: Thursday, 16 September 2021, 14:00 (Europe/Bucharest, UTC+03:00).');
    expect(votePage.body).toContain(`href="/sessions/${s.id}?from=poll"`);
    expect(votePage.body).not.toContain('type="submit">Save my changed answers');
    const late = await v.post(`/poll/${ro}?lang=en`, { [`slot-${slot.id}`]: 'no' });
    expect(late.statusCode).toBe(409);
    expect(text(late.body)).toContain('A date has been picked: answers can no longer be changed.');
    expect(t.polls.answersOf(t.polls.voters(poll).find((x) => x.email === 'contact@dih4society.example')!)).toEqual({ [String(slot.id)]: 'yes' });
    // and a second pick is refused
    expect(() => t.polls.pick(s.id, slot.id, t.gr)).toThrow(expect.objectContaining({ code: 'poll_picked' }));
  });

  it('a slot that is in the past by now cannot be picked: nothing changes, and the organiser is told why', async () => {
    const { s, a } = setUp();
    t.clock.set('2021-09-15T09:00:00Z'); // after slot a (14 Sep), after the deadline
    try {
      const org = await organiser();
      await org.get(`/organiser/sessions/${s.id}/poll`);
      const res = await org.post(`/organiser/sessions/${s.id}/poll/pick`, { slotId: String(a.id) });
      expect(res.statusCode).toBe(400);
      expect(text(res.body)).toContain('This start is in the past.');
      expect(t.services.repos.sessions.get(s.id)!.status).toBe('tentative');
      expect(t.polls.forSession(s.id)!.status).toBe('open'); // rolled back with the failed update
      // a slot of another poll is not accepted either
      await org.get(`/organiser/sessions/${s.id}/poll`);
      expect((await org.post(`/organiser/sessions/${s.id}/poll/pick`, { slotId: '999999' })).statusCode).toBe(400);
    } finally {
      t.clock.set('2021-08-20T09:00:00Z');
    }
  });
});

describe('the deadline and closing by hand', () => {
  it('the deadline (given in the organiser zone) closes the poll when it passes, without anything running; extending it opens it again', async () => {
    const { s, a, token } = setUp();
    const gr = token('contact@gr-digigov-innohub.example');
    const deadline = Date.parse('2021-09-10T14:00:00Z'); // 17:00 Athens
    t.clock.set(deadline - 1);
    expect(t.polls.state(t.polls.forSession(s.id)!)).toEqual({ open: true, reason: null });
    t.polls.vote(gr, { [`slot-${a.id}`]: 'yes' });
    t.clock.set(deadline);
    try {
      expect(t.polls.state(t.polls.forSession(s.id)!)).toEqual({ open: false, reason: 'deadline' });
      const v = new Browser(t.app);
      await v.get(`/poll/${gr}?lang=en`);
      const late = await v.post(`/poll/${gr}?lang=en`, { [`slot-${a.id}`]: 'no' });
      expect(late.statusCode).toBe(409);
      expect(text(late.body)).toContain('The deadline of this poll has passed: answers can no longer be changed.');
      expect(t.db.prepare('SELECT status FROM polls WHERE session_id = ?').get(s.id)).toEqual({ status: 'open' }); // nothing was written
      // the organiser can still pick after the deadline
      const org = await organiser();
      expect(text((await org.get(`/organiser/sessions/${s.id}/poll?lang=en`)).body)).toContain('The deadline of this poll has passed');
      // a later deadline opens it again
      t.polls.configure(s.id, { deadlineDate: '2021-09-12', deadlineTime: '12:00', zone: 'Europe/Athens' }, t.gr);
      expect(t.polls.state(t.polls.forSession(s.id)!)).toEqual({ open: true, reason: null });
      t.polls.vote(gr, { [`slot-${a.id}`]: 'maybe' });
    } finally {
      t.clock.set('2021-08-20T09:00:00Z');
    }
  });

  it('moving the deadline moves the queued reminders and the invitations\' deadline', () => {
    const { s, poll } = setUp();
    const newDeadline = wallToInstant({ date: '2021-09-08', time: '12:00', zone: 'Atlantic/Canary' });
    t.polls.configure(s.id, { deadlineDate: '2021-09-08', deadlineTime: '12:00', zone: 'Atlantic/Canary', reminderHours: '24' }, t.gr);
    const p = t.polls.forSession(s.id)!;
    expect([p.deadlineDate, p.deadlineTime, p.zone, p.deadlineUtc, p.reminderHours]).toEqual(['2021-09-08', '12:00', 'Atlantic/Canary', newDeadline, 24]);
    const mine = (kind: string) => outboxRows(t, kind).filter((r) => r.dedupe_key.startsWith(`poll:${poll.id}:`));
    for (const r of mine('poll.reminder')) expect([r.not_before, r.deadline]).toEqual([newDeadline - 24 * 3_600_000, newDeadline]);
    for (const r of mine('poll.invite')) expect(r.deadline).toBe(newDeadline);
    // no reminder any more
    t.polls.configure(s.id, { deadlineDate: '2021-09-08', deadlineTime: '12:00', zone: 'Atlantic/Canary', reminderHours: '0' }, t.gr);
    expect(new Set(mine('poll.reminder').map((r) => r.status))).toEqual(new Set(['withdrawn']));
  });

  it('closing by hand: votes refused, invitations withdrawn; the organiser can still pick', async () => {
    const { s, a, poll, token } = setUp();
    const org = await organiser();
    await org.get(`/organiser/sessions/${s.id}/poll`);
    expect((await org.post(`/organiser/sessions/${s.id}/poll/close`, {})).statusCode).toBe(303);
    expect(t.polls.forSession(s.id)).toMatchObject({ status: 'closed', closedReason: 'manual' });
    const unsent = outboxRows(t, 'poll.invite').filter((r) => r.dedupe_key.startsWith(`poll:${poll.id}:`));
    expect(new Set(unsent.map((r) => r.status))).toEqual(new Set(['withdrawn']));
    const v = new Browser(t.app);
    const ro = token('contact@dih4society.example');
    await v.get(`/poll/${ro}?lang=en`);
    const late = await v.post(`/poll/${ro}?lang=en`, { [`slot-${a.id}`]: 'yes' });
    expect(late.statusCode).toBe(409);
    expect(text(late.body)).toContain('The organisers have closed this poll: answers can no longer be changed.');
    const after = t.polls.pick(s.id, a.id, t.gr);
    expect(after).toMatchObject({ status: 'scheduled', startDate: '2021-09-14', startTime: '11:00', zone: 'Europe/Athens' });
    expect(t.polls.forSession(s.id)).toMatchObject({ status: 'closed', closedReason: 'picked', pickedSlotId: a.id });
  });

  it('a session scheduled or cancelled by other means closes its poll', () => {
    const one = setUp();
    t.services.sessions.update(one.s.id, { status: 'scheduled', date: '2021-09-20', time: '11:00', zone: 'Europe/Athens' }, t.gr);
    expect(t.polls.forSession(one.s.id)).toMatchObject({ status: 'closed', closedReason: 'session' });
    expect(() => t.polls.vote(one.token('contact@dih4society.example'), { [`slot-${one.a.id}`]: 'yes' })).toThrow(expect.objectContaining({ code: 'poll_closed' }));
    // Cancelled after the pick: the register invitations not sent yet are withdrawn.
    // (A tentative session without a date cannot be cancelled at all today: the sessions table's
    // CHECK (status = 'tentative' OR start_date IS NOT NULL) refuses it; reported, not ours to change.)
    const two = setUp();
    t.polls.pick(two.s.id, two.a.id, t.gr);
    const queued = () => outboxRows(t, 'poll.register-invite').filter((r) => r.dedupe_key.startsWith(`poll:${two.poll.id}:`));
    expect(queued().length).toBe(3);
    expect(new Set(queued().map((r) => r.status))).toEqual(new Set(['queued']));
    t.services.sessions.cancel(two.s.id, t.gr);
    expect(new Set(queued().map((r) => r.status))).toEqual(new Set(['withdrawn']));
  });
});

describe('a voter who erased their address', () => {
  it('is sent nothing more: changing the reminder and picking the date go through, and no mail goes to them', async () => {
    const { s, poll, a, token } = setUp();
    const voters = t.polls.voters(poll);
    const gone = must(voters[0], 'a voter');
    const b = new Browser(t.app, { 'accept-language': 'en' });
    const link = `/poll/${token(gone.email)}`;
    await b.get(link);
    expect((await b.post(`${link}/erase`, {})).statusCode).toBe(303);
    // Their earlier mail is kept scrubbed; nothing new is addressed to what is left of them.
    const toErased = () => t.db.prepare("SELECT count(*) AS n FROM outbox WHERE recipient_email = 'erased@invalid'").get();
    const before = toErased();

    const o = await organiser();
    await o.get(`/organiser/sessions/${s.id}/poll`);
    const saved = await o.post(`/organiser/sessions/${s.id}/poll`, { zone: 'Europe/Athens', deadlineDate: '2021-09-10', deadlineTime: '17:00', reminderHours: '24' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toContain('msg=poll.org.saved');
    const picked = await o.post(`/organiser/sessions/${s.id}/poll/pick`, { slotId: String(a.id) });
    expect(picked.statusCode).toBe(303);
    expect(text((await o.get(String(picked.headers.location))).body)).toContain('The date has been picked');
    expect(t.services.repos.sessions.get(s.id)?.status).toBe('scheduled');
    // The others are invited to register; the erased voter gets nothing.
    const invites = outboxRows(t, 'poll.register-invite').filter((r) => (JSON.parse(r.payload) as { pollId: number }).pollId === poll.id);
    expect(invites).toHaveLength(voters.length - 1);
    expect(toErased()).toEqual(before);
  });
});

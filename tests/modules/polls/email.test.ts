/**
 * Poll emails end to end: queued in the outbox, sent by the real dispatcher to a real SMTP sink,
 * parsed back. Each in the recipient's language, with times in their zone and the organiser's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../src/core/outbox/dispatcher.js';
import { registerPollEmailKinds } from '../../../src/modules/polls/emails.js';
import { EmailKindRegistry } from '../../../src/core/outbox/registry.js';
import { WEBINAR_SLUG } from '../../../src/seed/seed.js';
import { t as tr } from '../../../src/core/i18n/index.js';
import { Browser, text } from '../../helpers/app.js';
import { SmtpSink, type SinkMessage } from '../../helpers/smtp-sink.js';
import { makePollApp, outboxRows, tentativeSession, type PollTestApp } from './helpers.js';
import { must } from '../../helpers/must.js';

let t: PollTestApp;
let sink: SmtpSink;
let dispatcher: Dispatcher;
beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
  // Only the poll kinds: whatever else is queued (registration emails) is not this test's business.
  const registry = new EmailKindRegistry();
  registerPollEmailKinds(registry);
  registerPollEmailKinds(registry); // a second call changes nothing
  expect(registry.kinds()).toEqual(['poll.invite', 'poll.register-invite', 'poll.reminder']);
  dispatcher = new Dispatcher({ db: t.db, clock: t.clock, config: { ...t.config, smtpUrl: sink.url }, registry, random: () => 0.5 });
});
afterEach(() => {
  sink.clear();
  t.clock.set('2021-08-20T09:00:00Z');
});
afterAll(async () => {
  await dispatcher.stop();
  await sink.close();
  await t.close();
});

const hubIds = (...slugs: string[]) => slugs.map((slug) => String(t.services.repos.hubs.getBySlug(slug)!.id));
const to = (m: SinkMessage) => must(m.envelope.rcptTo[0], 'the recipient');
const byRecipient = () => Object.fromEntries(sink.messages.map((m) => [to(m), m]));

/** A registrant of the 2021 webinar who accepted follow-up emails, in English, on the Canary Islands. */
function canaryRegistrant(email: string) {
  const webinar = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
  t.services.repos.registrations.insert(
    {
      sessionId: webinar.id, status: 'confirmed', name: 'Lucía', email, organisation: 'Cabildo', orgType: 'public', hubId: null, country: 'ES',
      language: 'en', zone: 'Atlantic/Canary', consentVersion: '2026-11', followupConsent: true, answers: {}, tokenNonce: `n-${email}`, tokenHash: `h-${email}`,
      emailVerifiedAt: 1, holdUntil: null, waitlistedAt: null, confirmedAt: 1, source: 'form',
    },
    Date.parse('2021-07-01T00:00:00Z'),
  );
}

function setUp() {
  const s = tentativeSession(t);
  t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2021-09-10', deadlineTime: '17:00' }, t.gr);
  const a = t.polls.addSlot(s.id, { date: '2021-09-14', time: '11:00', durationMinutes: 120 }, t.gr);
  const b = t.polls.addSlot(s.id, { date: '2021-09-16', time: '15:00', durationMinutes: 120 }, t.gr);
  return { s, a, b, poll: t.polls.forSession(s.id)! };
}

describe('poll emails', () => {
  it('the invitation: language and zone of each recipient, both zones, and a personal link that opens their page', async () => {
    canaryRegistrant('lucia@example.org');
    const { s, poll } = setUp();
    t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub'), registrants: 'on' }, t.gr);
    const r = await dispatcher.runOnce();
    expect(r.sent).toBeGreaterThanOrEqual(2);
    const m = byRecipient();

    const en = must(m['lucia@example.org'], 'the invitation to lucia@example.org');
    expect(en.parsed.subject).toBe(`Help choose the date: ${s.title}`);
    const body = en.parsed.text!;
    expect(body).toContain('Hello Lucía,');
    expect(body).toContain("Option 1: Tuesday, 14 September 2021, 09:00 (Atlantic/Canary, UTC+01:00) — organiser's time: Tuesday, 14 September 2021, 11:00 (Europe/Athens, UTC+03:00) (120 minutes)");
    expect(body).toContain('Please answer by Friday, 10 September 2021, 15:00 (Atlantic/Canary, UTC+01:00) — Friday, 10 September 2021, 17:00 (Europe/Athens, UTC+03:00).');
    const link = /http:\/\/kairos\.test\/poll\/([A-Za-z0-9_-]{43})/.exec(body)!;
    expect(link).not.toBeNull();
    expect(en.parsed.html).toContain(`href="${link[0]}"`);
    // the link is this voter's: it opens their page, in their zone
    const voter = t.polls.voters(poll).find((v) => v.email === 'lucia@example.org')!;
    expect(link[1]).toBe(t.polls.tokenFor(voter));
    const page = await new Browser(t.app).get(`/poll/${link[1]}`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Option 1: Tuesday, 14 September 2021, 09:00 (Atlantic/Canary, UTC+01:00) – 11:00');

    const el = must(m['contact@gr-digigov-innohub.example'], 'the invitation to the Greek hub');
    expect(el.parsed.subject).toBe(tr('el', 'poll.email.invite.subject', { title: s.title }));
    expect(el.parsed.subject).toBe(`Βοηθήστε να επιλεγεί η ημερομηνία: ${s.title}`);
    expect(el.parsed.text).toContain('Επιλογή 1: Τρίτη 14 Σεπτεμβρίου 2021, 11:00 (Europe/Athens, UTC+03:00) (120 λεπτά)');
    expect(el.parsed.text).not.toContain(link[1]); // everyone has their own link

    // the outbox keeps no token in the payload
    for (const row of outboxRows(t, 'poll.invite')) expect(row.payload).toMatch(/^\{"pollId":\d+,"voterId":\d+\}$/);
  });

  it('one reminder, at 48 h before the deadline, only to those who have not answered; withdrawn for those who have', async () => {
    const { s, a, poll } = setUp();
    t.polls.invite(s.id, { hubIds: hubIds('dih4society', 'innovation-amp') }, t.gr);
    await dispatcher.runOnce();
    sink.clear();
    const ro = t.polls.voters(poll).find((v) => v.email === 'contact@dih4society.example')!;
    t.polls.vote(t.polls.tokenFor(ro), { [`slot-${a.id}`]: 'yes' });

    const deadline = Date.parse('2021-09-10T14:00:00Z');
    t.clock.set(deadline - 48 * 3_600_000 - 60_000);
    await dispatcher.runOnce();
    expect(sink.messages).toHaveLength(0); // not before its time

    t.clock.set(deadline - 48 * 3_600_000);
    await dispatcher.runOnce();
    // (the first test's voters have reminders due at the same moment: look at this poll's only)
    const mine = () => sink.messages.filter((m) => ['contact@dih4society.example', 'contact@innovation-amp.example'].includes(to(m)));
    expect(mine().map(to)).toEqual(['contact@innovation-amp.example']);
    // in Bulgarian (the hub's language), the deadline in Sofia's zone and the organiser's
    expect(must(mine()[0], 'the reminder').parsed.subject).toBe(tr('bg', 'poll.email.reminder.subject', { title: s.title }));
    expect(must(mine()[0], 'the reminder').parsed.text).toContain(
      tr('bg', 'poll.email.deadline', { deadline: 'петък, 10 септември 2021 г., 17:00 ч. (Europe/Sofia, UTC+03:00) — петък, 10 септември 2021 г., 17:00 ч. (Europe/Athens, UTC+03:00)' }),
    );
    const rows = outboxRows(t, 'poll.reminder').filter((x) => x.dedupe_key.startsWith(`poll:${poll.id}:`));
    expect(rows.map((x) => [x.recipient_email, x.status, x.withdrawn_reason]).sort()).toEqual([
      ['contact@dih4society.example', 'withdrawn', 'already answered'],
      ['contact@innovation-amp.example', 'sent', null],
    ]);
    // once: later runs send nothing more
    t.clock.set(deadline - 3_600_000);
    await dispatcher.runOnce();
    expect(mine()).toHaveLength(1);
  });

  it('after the pick, voters not registered get a link to register (no personal data in it)', async () => {
    const { s, b } = setUp();
    t.polls.invite(s.id, { hubIds: hubIds('edih4dt', 'maxxi-cdih') }, t.gr);
    await dispatcher.runOnce();
    sink.clear();
    t.polls.pick(s.id, b.id, t.gr);
    await dispatcher.runOnce();
    const m = byRecipient();
    expect(Object.keys(m).sort()).toEqual(['contact@edih4dt.example', 'contact@maxxi-cdih.example']);
    const it1 = must(m['contact@edih4dt.example'], 'the invitation to edih4dt');
    // in Italian (the hub's language), the time in Rome and in the session's zone
    expect(it1.parsed.subject).toBe(tr('it', 'poll.email.registerInvite.subject', { title: s.title }));
    expect(it1.parsed.text).toContain(`${tr('it', 'email.time.yours')}: giovedì 16 settembre 2021, 14:00 (Europe/Rome, UTC+02:00)`);
    expect(it1.parsed.text).toContain(`${tr('it', 'email.time.session')}: giovedì 16 settembre 2021, 15:00 (Europe/Athens, UTC+03:00)`);
    const links = [...it1.parsed.text!.matchAll(/https?:\/\/\S+/g)].map((x) => x[0]);
    expect(links).toContain(`http://kairos.test/sessions/${s.id}?from=poll&lang=it`);
    for (const l of links) expect(l).not.toMatch(/@|contact|edih4dt\.example|name=|email=/i);
    // and it opens the session page, now scheduled, with its registration form
    const page = await new Browser(t.app).get(`/sessions/${s.id}?from=poll&lang=it`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="/sessions/${s.id}/register"`);
  });

  it('an invitation still queued when the poll closes is not sent', async () => {
    const { s } = setUp();
    t.polls.invite(s.id, { hubIds: hubIds('smart-secure-cities') }, t.gr);
    // the deadline passes before the dispatcher gets to it
    t.clock.set('2021-09-10T14:00:00Z');
    await dispatcher.runOnce();
    expect(sink.messages.map(to)).not.toContain('contact@smart-secure-cities.example');
    const row = outboxRows(t, 'poll.invite').find((x) => x.recipient_email === 'contact@smart-secure-cities.example')!;
    expect(row.status).toBe('expired');
  });
});

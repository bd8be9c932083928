/**
 * Finding 4 (second half): unconfirmed (double opt-in) registrations held a seat each for 48 hours,
 * so 50 throwaway addresses blocked a 50-seat session. Now they hold at most PENDING_MAX_SHARE
 * percent of the seats; the others hold nothing and take a seat when they are confirmed, if one is
 * still free. Through a real port, as the people concerned would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher, createSmtpTransport, type MailTransport } from '../../src/core/outbox/index.js';
import { t as tr } from '../../src/core/i18n/index.js';
import type { Registration } from '../../src/modules/registrations/repository.js';
import { makeApp, text, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { apiPerson, formPerson, newSession } from './helpers.js';
import { createEmailKinds } from '../../src/email-kinds.js';
import { must } from '../helpers/must.js';

const RAISED = { REGISTRATION_RATE_PER_IP: '1000', REGISTRATION_RATE_PER_SESSION: '1000' };

/** The app on a real port, and what a person does there. */
async function start(env: Record<string, string>) {
  const t = await makeApp({ env: { ...RAISED, ...env } });
  const base = await listen(t);
  const client = new HttpClient(base, { 'accept-language': 'en' });
  const register = async (sessionId: number, email: string) => {
    const res = await client.json('POST', `/api/v1/sessions/${sessionId}/registrations`, apiPerson(email));
    expect(res.statusCode).toBe(201);
    return res.json<{ id: number; status: string; message: string }>();
  };
  /** Confirms with the button of the emailed link (the token is the one the email carries). */
  const confirm = async (registrationId: number) => {
    const token = t.services.registrations.tokenFor(t.services.repos.registrations.get(registrationId)!);
    const person = new HttpClient(base, { 'accept-language': 'en' });
    await person.get(`/r/${token}/confirm`);
    expect((await person.post(`/r/${token}/confirm`, {})).statusCode).toBe(303);
    return t.services.repos.registrations.get(registrationId)!;
  };
  const seatsShown = async (sessionId: number) => text((await client.get(`/sessions/${sessionId}`)).body);
  return { t, base, register, confirm, seatsShown };
}

describe('50 seats, 60 throwaway registrations that are never confirmed', () => {
  let app: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    app = await start({ PENDING_MAX_SHARE: '20' });
  });
  afterAll(() => app.t.close());

  it('the throwaways hold 10 seats; the next 40 people who confirm all get a seat; the 41st waits and gets one when the holds run out', async () => {
    const { t, base, register, confirm, seatsShown } = app;
    const s = newSession(t, { capacity: 50, doubleOptIn: true });
    const throwaway = [];
    for (let i = 0; i < 60; i++) throwaway.push(await register(s.id, `x${i}@throwaway.example`));
    expect(throwaway.every((r) => r.status === 'pending')).toBe(true);
    // The first ten hold a seat; the others are told that a seat comes with confirming.
    expect(must(throwaway[0], 'the first throwaway registration').message).toBe(tr('en', 'reg.outcome.pending.body'));
    expect(must(throwaway[10], 'the eleventh throwaway registration').message).toBe(tr('en', 'reg.outcome.unheld.body'));
    expect(await seatsShown(s.id)).toContain(tr('en', 'reg.seatsLeft', { n: 40 }));

    // On the form, the page after registering says the same.
    const browser = new HttpClient(base, { 'accept-language': 'en' });
    await browser.get(`/sessions/${s.id}`);
    const posted = await browser.post(`/sessions/${s.id}/register`, formPerson('member0@hub.example'));
    expect(posted.statusCode).toBe(303);
    const after = await browser.get(must(posted.headers.location, 'the redirect'));
    expect(text(after.body)).toContain(tr('en', 'reg.outcome.unheld.body'));
    const first = t.services.repos.registrations.getByEmail(s.id, 'member0@hub.example')!;
    expect(first).toMatchObject({ status: 'pending', holdUntil: null });

    const people: Registration[] = [await confirm(first.id)];
    for (let i = 1; i < 40; i++) people.push(await confirm((await register(s.id, `member${i}@hub.example`)).id));
    expect(people.map((r) => r.status)).toEqual(Array(40).fill('confirmed'));
    expect(await seatsShown(s.id)).toContain(tr('en', 'reg.full'));

    const late = await confirm((await register(s.id, 'late@hub.example')).id);
    expect(late.status).toBe('waitlisted');
    // A throwaway that holds nothing and confirms now finds no seat either: it joins the waitlist behind.
    const unheld = await confirm(must(throwaway[59], 'the sixtieth throwaway registration').id);
    expect(unheld.status).toBe('waitlisted');

    // 48 hours on, the ten holds run out (housekeeping): the first in line gets a seat.
    t.clock.advance(t.config.pendingHoldHours * 3_600_000 + 60_000);
    t.services.registrations.expireHolds();
    expect(t.services.repos.registrations.get(late.id)!.status).toBe('confirmed');
    expect(t.services.repos.registrations.get(unheld.id)!.status).toBe('confirmed');
    const counts = t.services.repos.registrations.statusCounts(s.id);
    expect(counts.confirmed).toBe(42);
    expect(counts.expired).toBe(10);
    t.clock.advance(-(t.config.pendingHoldHours * 3_600_000 + 60_000));
  });
});

describe('the same attack where every unconfirmed registration may hold a seat (PENDING_MAX_SHARE=100, the old rule)', () => {
  it('50 throwaways fill the session and a real person who confirms is turned away', async () => {
    const { t, register, confirm, seatsShown } = await start({ PENDING_MAX_SHARE: '100' });
    try {
      const s = newSession(t, { capacity: 50, doubleOptIn: true });
      for (let i = 0; i < 50; i++) await register(s.id, `x${i}@throwaway.example`);
      expect(await seatsShown(s.id)).toContain(tr('en', 'reg.full'));
      const member = await confirm((await register(s.id, 'member@hub.example')).id);
      expect(member.status).toBe('waitlisted');
    } finally {
      await t.close();
    }
  });
});

describe('the share and the ordered waitlist', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let transport: MailTransport;
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    t = await makeApp({ env: { ...RAISED, PENDING_MAX_SHARE: '20' } });
    sink = await SmtpSink.start();
    transport = createSmtpTransport(sink.url);
    dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock: t.clock, config: t.config, transport, random: () => 0.5 });
  });
  afterAll(async () => {
    await dispatcher.stop();
    transport.close();
    await sink.close();
    await t.close();
  });

  const reg = (sessionId: number, email: string) => t.services.registrations.register(sessionId, apiPerson(email), 'api');
  const status = (r: { registration: Registration }) => t.services.repos.registrations.get(r.registration.id)!.status;
  const confirm = (r: { registration: Registration }) => t.services.registrations.confirm(t.services.registrations.tokenFor(r.registration));

  it('someone unconfirmed first in line is passed over while the holds are at their share, and gets the next hold when one is free', () => {
    // 5 seats, 20 %: one unconfirmed registration may hold a seat.
    const s = newSession(t, { capacity: 5, doubleOptIn: true });
    const held = reg(s.id, 'held@example.org');
    const unheld = reg(s.id, 'unheld@example.org');
    expect([held.seatHeld, unheld.seatHeld]).toEqual([true, false]);
    const confirmed = ['c1', 'c2', 'c3', 'c4'].map((n) => reg(s.id, `${n}@example.org`));
    for (const c of confirmed) expect(confirm(c).status).toBe('confirmed');
    // Full: the hold and four confirmed seats. `unheld` holds nothing; it stays pending.
    expect(status(unheld)).toBe('pending');
    const w1 = reg(s.id, 'w1@example.org'); // unconfirmed, first in line
    const w2 = reg(s.id, 'w2@example.org');
    expect([w1.outcome, w2.outcome]).toEqual(['waitlisted', 'waitlisted']);
    expect(confirm(w2).status).toBe('waitlisted');

    // A seat comes free while the one hold is taken: it goes to w2, who confirmed, not to w1.
    t.services.registrations.cancel(must(confirmed[0], 'the first confirmed registration').registration);
    expect([status(w1), status(w2)]).toEqual(['waitlisted', 'confirmed']);
    // The hold is given up by confirming; the next seat that comes free may be held by w1.
    expect(confirm(held).status).toBe('confirmed');
    t.services.registrations.cancel(must(confirmed[1], 'the second confirmed registration').registration);
    expect(status(w1)).toBe('pending');
    expect(t.services.repos.registrations.get(w1.registration.id)!.holdUntil).not.toBeNull();
  });

  it('the email to someone whose registration holds no seat says that a place comes with confirming', async () => {
    const s = newSession(t, { capacity: 5, doubleOptIn: true });
    reg(s.id, 'first@example.org');
    reg(s.id, 'second@example.org');
    for (let i = 0; i < 10; i++) if ((await dispatcher.runOnce()).claimed === 0) break;
    const mailTo = (addr: string) => sink.messages.find((m) => m.envelope.rcptTo.includes(addr))!;
    expect(mailTo('first@example.org').parsed.text).toContain(tr('en', 'email.reg.received.hold', { hours: t.config.pendingHoldHours }));
    expect(mailTo('second@example.org').parsed.text).toContain(tr('en', 'email.reg.received.unheld'));
  });
});

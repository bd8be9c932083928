/**
 * Calendar replies coming back: Google Calendar, Outlook/Exchange, Apple iCal and Thunderbird REPLY
 * samples (tests/fixtures/inbound) sent with
 * nodemailer to the inbound SMTP listener and posted to POST /api/v1/inbound/mail on a real port;
 * the mail that follows goes through the real SMTP sink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, type TestApp } from '../../helpers/app.js';
import type { HttpClient } from '../../helpers/http.js';
import type { TestMail } from '../../helpers/mail.js';
import { newSession } from '../../helpers/sessions.js';
import { strictComplaints } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';
import { inboundWorld, sample, sendToListener } from './helpers.js';

let t: TestApp;
let mail: TestMail;
let http: HttpClient;
let port: number;
let inboundToken: string;

beforeAll(async () => {
  ({ t, mail, http, port, inboundToken } = await inboundWorld());
});
afterAll(async () => {
  await mail?.close();
  await t?.close();
});

let n = 0;
function person(sessionId: number) {
  n++;
  const email = `person${n}@example.org`;
  const { registration } = t.services.registrations.register(sessionId, { name: `Person ${n}`, email, orgType: 'sme', country: 'LT', zone: 'Europe/Vilnius', language: 'en', consent: true }, 'api');
  return { registration, email };
}

/** The reply address and the invite (UID, SEQUENCE) of the last message that reached `email`. */
function lastInviteTo(email: string) {
  const m = must([...mail.sink.messages].reverse().find((x) => x.envelope.rcptTo.includes(email)), `a message to ${email}`);
  const replyTo = must(m.parsed.replyTo?.value[0]?.address, 'Reply-To');
  const ics = m.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8') ?? '';
  return { replyTo, uid: /^UID:(.*)$/m.exec(ics)?.[1]?.trim() ?? '', sequence: Number(/^SEQUENCE:(\d+)/m.exec(ics)?.[1] ?? NaN), ics };
}

const reply = (to: string, attendee: string, uid: string, sequence: number, partstat: string) =>
  sample('google-calendar-reply.eml', { TO: to, ATTENDEE: attendee, UID: uid, SEQUENCE: sequence, PARTSTAT: partstat });

const post = (raw: string, opts: { to?: string; token?: string; type?: string } = {}) =>
  http.request('POST', `/api/v1/inbound/mail${opts.to ? `?to=${encodeURIComponent(opts.to)}` : ''}`, {
    body: raw,
    headers: { 'content-type': opts.type ?? 'message/rfc822', authorization: `Bearer ${opts.token ?? inboundToken}` },
  });

describe('a Decline sent to the inbound listener', () => {
  it('cancels the registration, frees the seat and promotes the first on the waitlist within one dispatcher tick', async () => {
    const s = newSession(t, { capacity: 1, doubleOptIn: false });
    const ann = person(s.id);
    const ben = person(s.id);
    expect(t.services.registrations.get(ben.registration.id).status).toBe('waitlisted');
    await mail.drain();
    const invite = lastInviteTo(ann.email);
    expect(invite.ics).toMatch(/RSVP=TRUE/);

    const raw = reply(invite.replyTo, ann.email, invite.uid, invite.sequence, 'DECLINED');
    // The sample filled in passes the strict parsers, but for one thing Google writes itself: an
    // empty DESCRIPTION, which libical drops with a warning (ical.js, which Kairos reads it with, accepts it).
    const ics = must(/BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(raw), 'the calendar part')[0] + '\r\n';
    expect(await strictComplaints(ics)).toEqual(['libical parse: X-LIC-ERROR;X-LIC-ERRORTYPE=VALUE-PARSE-ERROR:No value for DESCRIPTION property. Removing entire property:']);

    const res = await sendToListener(port, ann.email, invite.replyTo, raw);
    expect(res.response).toMatch(/^250/);
    expect(t.services.registrations.get(ann.registration.id).status).toBe('cancelled');
    expect(t.services.registrations.get(ben.registration.id).status).toBe('confirmed');

    const before = mail.sink.messages.length;
    await mail.dispatcher.runOnce();
    const arrived = mail.sink.messages.slice(before);
    const toBen = must(arrived.find((m) => m.envelope.rcptTo.includes(ben.email)), 'the promotion');
    expect(toBen.parsed.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
    const toAnn = must(arrived.find((m) => m.envelope.rcptTo.includes(ann.email)), 'the cancellation');
    expect(toAnn.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8')).toMatch(/METHOD:CANCEL/);
    // No reminder is left for Ann.
    const left = t.db.prepare("SELECT count(*) AS n FROM outbox WHERE registration_id = ? AND status = 'queued'").get(ann.registration.id) as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('POST /api/v1/inbound/mail', () => {
  it('records an Accept and shows it to the organiser', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const cleo = person(s.id);
    await mail.drain();
    const invite = lastInviteTo(cleo.email);
    const res = await post(reply(invite.replyTo, cleo.email, invite.uid, invite.sequence, 'ACCEPTED'));
    expect(res.statusCode).toBe(202);
    expect(res.json<{ outcome: string }>().outcome).toBe('accepted');
    const reg = t.services.registrations.get(cleo.registration.id);
    expect(reg.rsvp).toBe('ACCEPTED');
    expect(reg.status).toBe('confirmed');
    for (const [lang, note] of [['en', 'replied by calendar: accepted'], ['el', 'απάντηση ημερολογίου: αποδοχή']] as const) {
      const b = new Browser(t.app, { 'accept-language': lang });
      await b.login(ADMIN.email, ADMIN.password);
      const page = await b.get(`/organiser/sessions/${s.id}/registrations`);
      expect(page.body).toContain(note);
    }
  });

  it('records a Tentative, finding the recipient in the To header when no ?to= is given', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const dan = person(s.id);
    await mail.drain();
    const invite = lastInviteTo(dan.email);
    const res = await post(reply(invite.replyTo, dan.email, invite.uid, invite.sequence, 'TENTATIVE'));
    expect(res.json<{ outcome: string }>().outcome).toBe('tentative');
    expect(t.services.registrations.get(dan.registration.id).rsvp).toBe('TENTATIVE');
  });

  it('confirms a pending double opt-in with an Accept through its reply address', async () => {
    const s = newSession(t, { doubleOptIn: true });
    const eve = person(s.id);
    expect(eve.registration.status).toBe('pending');
    await mail.drain();
    const { replyTo } = lastInviteTo(eve.email);
    const fresh = must(t.services.repos.sessions.get(s.id), 'the session');
    const res = await post(reply(replyTo, eve.email, fresh.calendarUid, fresh.sequence, 'ACCEPTED'), { to: replyTo });
    expect(res.json<{ outcome: string }>().outcome).toBe('confirmed');
    expect(t.services.registrations.get(eve.registration.id).status).toBe('confirmed');
  });

  it('ignores a reply to an older SEQUENCE, a foreign UID, and refuses an unknown token', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const fay = person(s.id);
    await mail.drain();
    const first = lastInviteTo(fay.email);
    const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'the admin').organiser;
    t.services.sessions.update(s.id, { time: '12:00' }, admin);
    await mail.drain();
    const second = lastInviteTo(fay.email);
    expect(second.sequence).toBeGreaterThan(first.sequence);

    const old = await post(reply(first.replyTo, fay.email, first.uid, first.sequence, 'DECLINED'));
    expect(old.statusCode).toBe(202);
    expect(old.json<{ outcome: string }>().outcome).toBe('ignored');
    const foreign = await post(reply(first.replyTo, fay.email, 'another-event@example.org', second.sequence, 'DECLINED'));
    expect(foreign.json<{ outcome: string }>().outcome).toBe('ignored');
    expect(t.services.registrations.get(fay.registration.id).status).toBe('confirmed');

    const forged = first.replyTo.replace(/-([0-9a-f])/, (_m, c: string) => `-${c === 'a' ? 'b' : 'a'}`);
    const wrong = await post(reply(forged, fay.email, second.uid, second.sequence, 'DECLINED'), { to: forged });
    expect(wrong.statusCode).toBe(404);
    await expect(sendToListener(port, fay.email, forged, reply(forged, fay.email, second.uid, second.sequence, 'DECLINED'))).rejects.toMatchObject({ responseCode: 550 });
    await expect(sendToListener(port, fay.email, 'someone@events.kairos.test', 'Subject: hi\r\n\r\nhello\r\n')).rejects.toMatchObject({ responseCode: 550 });
    expect(t.services.registrations.get(fay.registration.id).status).toBe('confirmed');
  });

  it('refuses garbage (400), too large (413 and 552), a token without the inbound scope (403) or none (401)', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const gus = person(s.id);
    await mail.drain();
    const { replyTo } = lastInviteTo(gus.email);
    const garbage = await post('this is not a mail message at all', { to: replyTo, type: 'text/plain' });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json<{ message: string }>().message).toMatch(/not a mail message/);

    const big = `Subject: big\r\nFrom: ${gus.email}\r\n\r\n${'x'.repeat(1_100_000)}\r\n`;
    expect((await post(big, { to: replyTo })).statusCode).toBe(413);
    await expect(sendToListener(port, gus.email, replyTo, big)).rejects.toMatchObject({ responseCode: 552 });

    const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'the admin').organiser;
    const apiToken = t.services.auth.createToken(admin.id, 'api only').token;
    expect((await post('Subject: x\r\n\r\ny\r\n', { to: replyTo, token: apiToken })).statusCode).toBe(403);
    expect((await post('Subject: x\r\n\r\ny\r\n', { to: replyTo, token: 'kairos_not-a-token' })).statusCode).toBe(401);
    expect(t.services.registrations.get(gus.registration.id).status).toBe('confirmed');
  });
});

/** Replies written by other calendar clients (tests/fixtures/inbound/README.md names their sources). */
const CLIENTS = [
  ['Microsoft Outlook / Exchange', 'outlook-reply.eml'],
  ['Apple iCal with Apple Mail (quoted-printable .ics attachment, folded ATTENDEE)', 'apple-ical-reply.eml'],
  ['Mozilla Thunderbird (no SEQUENCE, the calendar twice: text/calendar and invite.ics)', 'thunderbird-reply.eml'],
] as const;

describe.each(CLIENTS)('a reply written by %s', (_client, file) => {
  const clientReply = (to: string, attendee: string, uid: string, sequence: number, partstat: string) =>
    sample(file, { TO: to, ATTENDEE: attendee, UID: uid, SEQUENCE: sequence, PARTSTAT: partstat });

  it('Decline sent to the inbound listener cancels the registration and gives the seat to the waitlist', async () => {
    const s = newSession(t, { capacity: 1, doubleOptIn: false });
    const ann = person(s.id);
    const ben = person(s.id);
    expect(t.services.registrations.get(ben.registration.id).status).toBe('waitlisted');
    await mail.drain();
    const invite = lastInviteTo(ann.email);
    const res = await sendToListener(port, ann.email, invite.replyTo, clientReply(invite.replyTo, ann.email, invite.uid, invite.sequence, 'DECLINED'));
    expect(res.response).toMatch(/^250/);
    expect(t.services.registrations.get(ann.registration.id).status).toBe('cancelled');
    expect(t.services.registrations.get(ben.registration.id).status).toBe('confirmed');
  });

  it('Accept posted to the API is recorded', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const cleo = person(s.id);
    await mail.drain();
    const invite = lastInviteTo(cleo.email);
    const res = await post(clientReply(invite.replyTo, cleo.email, invite.uid, invite.sequence, 'ACCEPTED'));
    expect(res.statusCode).toBe(202);
    expect(res.json<{ outcome: string }>().outcome).toBe('accepted');
    const reg = t.services.registrations.get(cleo.registration.id);
    expect(reg.rsvp).toBe('ACCEPTED');
    expect(reg.status).toBe('confirmed');
  });
});

describe('a reply without SEQUENCE (the Thunderbird sample has none)', () => {
  it('is not taken for an answer to an older invite: a Decline after the session moved still cancels', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const ida = person(s.id);
    await mail.drain();
    const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'the admin').organiser;
    t.services.sessions.update(s.id, { time: '12:00' }, admin);
    await mail.drain();
    const invite = lastInviteTo(ida.email);
    expect(invite.sequence).toBeGreaterThan(0);
    const raw = sample('thunderbird-reply.eml', { TO: invite.replyTo, ATTENDEE: ida.email, UID: invite.uid, PARTSTAT: 'DECLINED' });
    expect(raw).not.toMatch(/^SEQUENCE:/m);
    const res = await post(raw);
    expect(res.json<{ outcome: string }>().outcome).toBe('declined');
    expect(t.services.registrations.get(ida.registration.id).status).toBe('cancelled');
  });
});

describe('a person writing back to a reply address', () => {
  const human = (from: string, to: string, messageId: string, extra = '') =>
    [`From: Hana Novak <${from}>`, `To: ${to}`, 'Subject: Question about the agenda', `Message-ID: <${messageId}>`, 'Date: Mon, 12 Jan 2026 10:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', ...(extra ? [extra] : []), '', 'Will the slides be shared afterwards?', ''].join('\r\n');

  it('is passed on to the hub contact once, and loops are refused', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const hana = person(s.id);
    await mail.drain();
    const { replyTo } = lastInviteTo(hana.email);
    const hub = must(t.services.repos.hubs.get(s.hubId), 'the hub');

    const first = await sendToListener(port, hana.email, replyTo, human(hana.email, replyTo, 'q1@example.org'));
    expect(first.response).toMatch(/^250/);
    const again = await post(human(hana.email, replyTo, 'q1@example.org'), { to: replyTo });
    expect(again.json<{ outcome: string }>().outcome).toBe('duplicate');
    const before = mail.sink.messages.length;
    await mail.drain();
    const passed = mail.sink.messages.slice(before).filter((m) => m.envelope.rcptTo.includes(hub.contactEmail));
    expect(passed).toHaveLength(1);
    const fwd = must(passed[0], 'the forwarded message');
    expect(fwd.parsed.text).toContain('Will the slides be shared afterwards?');
    expect(fwd.parsed.replyTo?.value[0]?.address).toBe(hana.email);
    expect(fwd.parsed.headers.get('x-kairos-forwarded')).toBe('1');

    // That forward coming back (a hub mailbox that redirects), or an out-of-office, is a loop: refused.
    const looped = await post(fwd.raw.toString('utf8'), { to: replyTo });
    expect(looped.statusCode).toBe(422);
    const ooo = await post(human(hana.email, replyTo, 'ooo@example.org', 'Auto-Submitted: auto-replied'), { to: replyTo });
    expect(ooo.statusCode).toBe(422);
    await expect(sendToListener(port, hana.email, replyTo, human(hana.email, replyTo, 'ooo2@example.org', 'Auto-Submitted: auto-replied'))).rejects.toMatchObject({ responseCode: 554 });
    const stored = t.db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'inbound.forward'").get() as { n: number };
    expect(stored.n).toBe(1);
  });
});

/**
 * Outgoing mail with and without REPLY_ADDRESS, through a real SMTP sink: the invite's ORGANIZER,
 * RSVP and Reply-To, and the SMTP envelope sender (VERP bounce address).
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { newSession } from '../../helpers/sessions.js';
import { strictComplaints } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

const REPLY = /^rsvp\+(\d+)-([0-9a-f]{32})@events\.kairos\.test$/;
const BOUNCE = /^bounce\+(\d+)-([0-9a-f]{32})@events\.kairos\.test$/;

function inviteOf(raw: string): ICAL.Component {
  return must(ICAL.Component.fromString(raw).getFirstSubcomponent('vevent'), 'the VEVENT');
}

async function confirmedInvite(t: TestApp, mail: TestMail, email: string) {
  const s = newSession(t, { doubleOptIn: false });
  const { registration } = t.services.registrations.register(s.id, { name: 'Rūta', email, orgType: 'public', country: 'LT', zone: 'Europe/Vilnius', language: 'lt', consent: true }, 'api');
  await mail.drain();
  const m = must(mail.sink.messages.find((x) => x.envelope.rcptTo.includes(email)), 'the confirmation');
  const cal = must(m.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar')), 'the invite').content.toString('utf8');
  return { registration, m, cal };
}

describe('with REPLY_ADDRESS', () => {
  let t: TestApp;
  let mail: TestMail;
  beforeAll(async () => {
    t = await makeApp({ env: { REPLY_ADDRESS: 'rsvp@events.kairos.test' } });
    mail = await withMail(t);
  });
  afterAll(async () => {
    await mail?.close();
    await t?.close();
  });

  it('makes the registration reply address ORGANIZER and Reply-To, asks RSVP=TRUE, and sends from a VERP bounce address', async () => {
    const { registration, m, cal } = await confirmedInvite(t, mail, 'ruta@example.org');
    const replyTo = String(m.parsed.replyTo?.value[0]?.address);
    const r = must(REPLY.exec(replyTo), 'a plus-addressed Reply-To');
    expect(Number(r[1])).toBe(registration.id);
    const ev = inviteOf(cal);
    const org = must(ev.getFirstProperty('organizer'), 'the ORGANIZER');
    expect(String(org.getFirstValue()).toLowerCase()).toBe(`mailto:${replyTo}`);
    expect(String(org.getParameter('sent-by')).toLowerCase()).toBe('mailto:no-reply@kairos.test');
    expect(must(ev.getFirstProperty('attendee'), 'the ATTENDEE').getParameter('rsvp')).toBe('TRUE');
    expect(await strictComplaints(cal)).toEqual([]);

    const b = must(BOUNCE.exec(String(m.envelope.mailFrom)), 'a VERP envelope sender');
    const row = t.db.prepare('SELECT id, rendered_ical FROM outbox WHERE message_id = ?').get(m.messageId) as { id: number; rendered_ical: string } | undefined;
    expect(Number(b[1])).toBe(must(row, 'the outbox row').id);
    // The copy the outbox keeps does not hold the reply token.
    expect(must(row, 'the outbox row').rendered_ical).not.toContain(r[2]);
  });
});

describe('without REPLY_ADDRESS', () => {
  let t: TestApp;
  let mail: TestMail;
  beforeAll(async () => {
    t = await makeApp();
    mail = await withMail(t);
  });
  afterAll(async () => {
    await mail?.close();
    await t?.close();
  });

  it('keeps the hub mailbox as ORGANIZER and Reply-To, asks no RSVP, and sends from MAIL_FROM', async () => {
    const { m, cal } = await confirmedInvite(t, mail, 'jonas@example.org');
    const hub = must(t.services.repos.hubs.getBySlug('govtech-lab-vilnius'), 'the hub');
    expect(m.parsed.replyTo?.value[0]?.address).toBe(hub.contactEmail);
    const ev = inviteOf(cal);
    const org = must(ev.getFirstProperty('organizer'), 'the ORGANIZER');
    expect(String(org.getFirstValue()).toLowerCase()).toBe(`mailto:${hub.contactEmail.toLowerCase()}`);
    expect(org.getParameter('sent-by')).toBeFalsy();
    expect(must(ev.getFirstProperty('attendee'), 'the ATTENDEE').getParameter('rsvp')).toBe('FALSE');
    expect(cal).not.toMatch(/RSVP=TRUE/);
    expect(m.envelope.mailFrom).toBe('no-reply@kairos.test');
    expect(await strictComplaints(cal)).toEqual([]);
  });
});

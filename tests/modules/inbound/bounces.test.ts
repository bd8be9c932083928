/**
 * Delivery status notifications (real Postfix and Sendmail DSNs, tests/fixtures/inbound) coming back
 * to a message's VERP bounce address, through the inbound SMTP listener and the API endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, type TestApp } from '../../helpers/app.js';
import type { HttpClient } from '../../helpers/http.js';
import type { TestMail } from '../../helpers/mail.js';
import { newSession } from '../../helpers/sessions.js';
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

function register(sessionId: number, email: string) {
  return t.services.registrations.register(sessionId, { name: 'Someone', email, orgType: 'sme', country: 'PL', zone: 'Europe/Warsaw', language: 'pl', consent: true }, 'api').registration;
}
const bounceOf = (email: string) => String(must([...mail.sink.messages].reverse().find((m) => m.envelope.rcptTo.includes(email)), `mail to ${email}`).envelope.mailFrom);
const toAddress = (email: string) => mail.sink.messages.filter((m) => m.envelope.rcptTo.includes(email)).length;

describe('a 5.x.x bounce', () => {
  it('stops all later mail to that address, and the organiser sees why', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const email = 'gone@example.org';
    const reg = register(s.id, email);
    await mail.drain();
    const sent = toAddress(email);
    expect(sent).toBe(1);
    const bounce = bounceOf(email);
    expect(bounce).toMatch(/^bounce\+\d+-[0-9a-f]{32}@events\.kairos\.test$/);

    const res = await sendToListener(port, '', bounce, sample('postfix-dsn-5.1.1.eml', { TO: bounce, RECIPIENT: email }));
    expect(res.response).toMatch(/^250/);

    // A message to the same address later (a second session, a change of this one) is never sent.
    const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'the admin').organiser;
    t.services.sessions.update(s.id, { time: '13:00' }, admin);
    const other = newSession(t, { doubleOptIn: false, title: 'Another session' });
    register(other.id, email);
    await mail.drain();
    expect(toAddress(email)).toBe(sent);
    const withdrawn = t.db.prepare("SELECT count(*) AS n FROM outbox WHERE recipient_email = ? AND status = 'withdrawn' AND withdrawn_reason = 'address undeliverable'").get(email) as { n: number };
    expect(withdrawn.n).toBeGreaterThanOrEqual(2);

    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(ADMIN.email, ADMIN.password);
    const page = await b.get(`/organiser/sessions/${s.id}/registrations`);
    expect(page.body).toContain('address undeliverable (5.1.1)');
    expect(t.services.registrations.get(reg.id).status).toBe('confirmed');
  });
});

describe('a 4.x.x delivery report', () => {
  it('changes nothing', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const email = 'slow@example.org';
    register(s.id, email);
    await mail.drain();
    const bounce = bounceOf(email);
    const res = await http.request('POST', '/api/v1/inbound/mail', {
      body: sample('sendmail-dsn-4.0.0.eml', { TO: bounce, RECIPIENT: email }),
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${inboundToken}` },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json<{ outcome: string }>().outcome).toBe('delayed');
    const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'the admin').organiser;
    t.services.sessions.update(s.id, { time: '14:00' }, admin);
    const before = toAddress(email);
    await mail.drain();
    expect(toAddress(email)).toBe(before + 1);
  });
});

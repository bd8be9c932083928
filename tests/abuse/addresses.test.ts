/**
 * Finding 10 (addresses): `p@example.net.` and `p@example.net` followed by a zero-width space each
 * took a seat of their own (and the first then failed when its invite was built). Through a real
 * port: the same mailbox written with a trailing dot, another letter case or invisible characters
 * is the same registration; the address stored and written to is the clean one.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, validateEmailAddress } from '../../src/core/outbox/index.js';
import { makeApp, text, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import type { SmtpSink } from '../helpers/smtp-sink.js';
import { withMail, type TestMail } from '../helpers/mail.js';
import { apiPerson, formPerson, newSession } from './helpers.js';
import { must } from '../helpers/must.js';

let t: TestApp;
let base: string;
let sink: SmtpSink;
let mail: TestMail;
let dispatcher: Dispatcher;

beforeAll(async () => {
  t = await makeApp({ env: { REGISTRATION_RATE_PER_IP: '100' } });
  base = await listen(t);
  mail = await withMail(t);
  ({ sink, dispatcher } = mail);
});
afterAll(async () => {
  await mail?.close();
  await t?.close();
});

const emailsOf = (sessionId: number) => (t.db.prepare('SELECT email FROM registrations WHERE session_id = ? ORDER BY id').all(sessionId) as { email: string }[]).map((r) => r.email);

async function sendAll(): Promise<void> {
  for (let i = 0; i < 10; i++) if ((await dispatcher.runOnce()).claimed === 0) break;
}

const VARIANTS = [
  'p@example.net.', // trailing dot of a fully qualified domain
  'p@example.net\u200b', // zero-width space
  '\ufeffp@example.net', // byte order mark
  'p\u00ad@example.net', // soft hyphen
  'p@exa\u200cmple.net', // zero-width non-joiner
  'p\u200d@example.net', // zero-width joiner
  'p@example.net\u2060', // word joiner
  'P@EXAMPLE.NET', // letter case
];

describe('one seat per mailbox', () => {
  it('the same address written eight other ways is the same registration: no seat taken twice, and the page still shows two places left', async () => {
    const s = newSession(t, { capacity: 3, doubleOptIn: false });
    const client = new HttpClient(base);
    const first = await client.json('POST', `/api/v1/sessions/${s.id}/registrations`, apiPerson('p@example.net'));
    expect(first.statusCode).toBe(201);
    for (const email of VARIANTS) {
      const res = await client.json('POST', `/api/v1/sessions/${s.id}/registrations`, apiPerson(email, 'Someone else'));
      expect({ email, status: res.statusCode, body: res.json<{ status: string }>().status }).toEqual({ email, status: 200, body: 'duplicate' });
    }
    expect(emailsOf(s.id)).toEqual(['p@example.net']);
    const page = await client.get(`/sessions/${s.id}?lang=en`);
    expect(text(page.body)).toContain('2 places left.');
  });

  it('the form cleans the address the same way', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const client = new HttpClient(base, { 'accept-language': 'en' });
    await client.get(`/sessions/${s.id}`);
    const res = await client.post(`/sessions/${s.id}/register`, formPerson('Form.Person@Example.Org.\u200b'));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('outcome=confirmed');
    await client.get(`/sessions/${s.id}`);
    const again = await client.post(`/sessions/${s.id}/register`, formPerson('form.person@example.org'));
    expect(again.headers.location).toContain('outcome=duplicate');
    expect(emailsOf(s.id)).toEqual(['Form.Person@example.org']);
  });

  it('a first registration written with a trailing dot is stored clean and its invitation reaches the mailbox', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const client = new HttpClient(base);
    const res = await client.json('POST', `/api/v1/sessions/${s.id}/registrations`, apiPerson('dot@example.net.'));
    expect(res.statusCode).toBe(201);
    expect(res.json<{ status: string }>().status).toBe('confirmed');
    expect(emailsOf(s.id)).toEqual(['dot@example.net']);
    await sendAll();
    const failed = t.db.prepare("SELECT count(*) AS n FROM outbox WHERE session_id = ? AND status NOT IN ('sent', 'queued')").get(s.id) as { n: number };
    expect(failed.n).toBe(0);
    const mail = sink.messages.filter((m) => m.envelope.rcptTo.includes('dot@example.net'));
    expect(mail).toHaveLength(1);
    const part = must(mail[0], 'the message to dot@example.net').parsed.attachments.find((a) => a.contentType === 'text/calendar');
    expect(part).toBeDefined();
    const vevent = ICAL.Component.fromString(part!.content.toString('utf8')).getFirstSubcomponent('vevent')!;
    expect(vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase())).toEqual(['mailto:dot@example.net']);
  });

  it('what cannot be cleaned into one address is refused with a 400 naming the field; nothing is stored', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const client = new HttpClient(base);
    for (const email of ['p@example..net', 'p@example.net..', 'p@.example.net', '\u200b@example.net', 'p@\u200b']) {
      const res = await client.json('POST', `/api/v1/sessions/${s.id}/registrations`, apiPerson(email));
      expect(res.statusCode).toBe(400);
      expect(res.json<{ fields: { field: string }[] }>().fields.map((f) => f.field)).toEqual(['email']);
    }
    expect(emailsOf(s.id)).toEqual([]);
  });

  it('poll voters and outgoing mail use the same cleaning (one validator)', () => {
    for (const email of VARIANTS) expect(validateEmailAddress(email).toLowerCase()).toBe('p@example.net');
  });
});

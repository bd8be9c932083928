/**
 * Finding 4 (first half): the public registration form and the API took 700 posts in a few seconds
 * from one address and queued 700 emails to arbitrary addresses, with the attacker's text in the
 * greeting. Through a real port: REGISTRATION_RATE_PER_IP (form and API together) and
 * REGISTRATION_RATE_PER_SESSION are enforced; what is refused queues no email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher } from '../../src/core/outbox/index.js';
import { t as tr } from '../../src/core/i18n/index.js';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import { makeApp, text, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import type { SmtpSink } from '../helpers/smtp-sink.js';
import { withMail, type TestMail } from '../helpers/mail.js';
import { apiPerson, formPerson, newSession, postJsonFrom } from './helpers.js';

let t: TestApp;
let base: string;
let sink: SmtpSink;
let mail: TestMail;
let dispatcher: Dispatcher;

beforeAll(async () => {
  t = await makeApp({ env: { REGISTRATION_RATE_PER_IP: '5', REGISTRATION_RATE_PER_SESSION: '8' } });
  base = await listen(t);
  mail = await withMail(t);
  ({ sink, dispatcher } = mail);
});
afterAll(async () => {
  await mail?.close();
  await t?.close();
});

const queuedFor = (sessionId: number) => (t.db.prepare("SELECT count(*) AS n FROM outbox WHERE session_id = ? AND kind <> 'reminder'").get(sessionId) as { n: number }).n;
const registeredFor = (sessionId: number) => (t.db.prepare('SELECT count(*) AS n FROM registrations WHERE session_id = ?').get(sessionId) as { n: number }).n;

async function sendAll(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const r = await dispatcher.runOnce();
    if (r.claimed === 0) break;
  }
}

describe('registration posts from one address', () => {
  it('20 form posts: 5 are taken, 15 get the error page in the page’s language (429, Retry-After), and only 5 emails go out', async () => {
    const s = newSession(t);
    const client = new HttpClient(base, { 'accept-language': 'el' });
    const page = await client.get(`/sessions/${s.id}`);
    expect(page.statusCode).toBe(200);
    const csrf = client.csrf();
    const codes: number[] = [];
    let refused = '';
    let retryAfter = '';
    for (let i = 0; i < 20; i++) {
      const res = await client.post(`/sessions/${s.id}/register`, { _csrf: csrf, ...formPerson(`victim${i}@example.org`, `Win a prize at evil.example ${i}`) }, { csrf: false });
      codes.push(res.statusCode);
      if (res.statusCode === 429) {
        refused = res.body;
        retryAfter = res.headers['retry-after'] ?? '';
      }
    }
    expect(codes.filter((c) => c === 303)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(15);
    expect(codes.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(text(refused)).toContain(tr('el', 'error.tooMany'));
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(registeredFor(s.id)).toBe(5);
    expect(queuedFor(s.id)).toBe(5);
    await sendAll();
    const toVictims = sink.messages.filter((m) => m.envelope.rcptTo.some((r) => /^victim\d+@example\.org$/.test(r)));
    expect(toVictims).toHaveLength(5);

    // The API shares the address's budget: it answers JSON 429 and stores nothing, for any session.
    const other = newSession(t);
    const api = await client.json('POST', `/api/v1/sessions/${other.id}/registrations`, apiPerson('api-victim@example.org'));
    expect(api.statusCode).toBe(429);
    expect(api.json()).toMatchObject({ error: 'rate_limited' });
    expect(api.headers['retry-after']).toBeTruthy();
    expect(registeredFor(other.id)).toBe(0);
    expect(queuedFor(other.id)).toBe(0);
  });

  it('another address is not held back by the first one', async () => {
    const s = newSession(t);
    const res = await postJsonFrom(base, '127.0.0.2', `/api/v1/sessions/${s.id}/registrations`, apiPerson('someone@example.org'));
    expect(res.statusCode).toBe(201);
  });
});

describe('registration posts for one session', () => {
  it('from 12 addresses, one post each: the session takes 8 a minute, then answers 429; another session still takes registrations', async () => {
    const s = newSession(t);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await postJsonFrom(base, `127.0.1.${i + 1}`, `/api/v1/sessions/${s.id}/registrations`, apiPerson(`crowd${i}@example.org`));
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([...Array<number>(8).fill(201), ...Array<number>(4).fill(429)]);
    expect(registeredFor(s.id)).toBe(8);
    const other = newSession(t);
    expect((await postJsonFrom(base, '127.0.1.200', `/api/v1/sessions/${other.id}/registrations`, apiPerson('calm@example.org'))).statusCode).toBe(201);
  });

  it('one noisy address does not use up the session’s budget: its refused posts are not counted for the session', async () => {
    const s = newSession(t);
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await postJsonFrom(base, '127.0.2.1', `/api/v1/sessions/${s.id}/registrations`, apiPerson(`noise${i}@example.org`))).statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(5);
    // 5 of the session's 8 are used: three more people from elsewhere still get in.
    for (let i = 0; i < 3; i++) {
      expect((await postJsonFrom(base, `127.0.2.${i + 10}`, `/api/v1/sessions/${s.id}/registrations`, apiPerson(`late${i}@example.org`))).statusCode).toBe(201);
    }
  });
});

describe('configuration', () => {
  it('a bad limit stops the start with an error naming the variable', () => {
    for (const [name, value] of [['REGISTRATION_RATE_PER_IP', 'many'], ['REGISTRATION_RATE_PER_SESSION', '0'], ['PENDING_MAX_SHARE', '101']] as const) {
      let err: unknown;
      try {
        loadConfig({ [name]: value }, '/nonexistent/.env');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe(name);
    }
    const c = loadConfig({}, '/nonexistent/.env');
    expect(c.registrationRatePerIp).toBeGreaterThan(0);
    expect(c.pendingMaxShare).toBeGreaterThan(0);
  });
});

/**
 * Erasure that erases, and retention that reaches every registration. Through the real app on a
 * real port, with mail sent by the real dispatcher to a real SMTP sink: a person registers,
 * confirms, is invited to a date poll and votes, downloads their data, then erases it. Afterwards
 * neither their name nor their address is anywhere in the bytes of the database file, its WAL or
 * its shared-memory file: not in the registration, not in the poll-voter record, not in the outbox
 * rows of the mail they were sent, not in an index, not in a free page.
 *
 * Retention is driven by moving the ManualClock: registrations of a dated session go RETENTION_DAYS
 * after it ended, those of a session that never got a date RETENTION_DAYS after the end of its
 * rough month; both leave the file's bytes too.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher, createSmtpTransport, type MailTransport } from '../../src/core/outbox/index.js';
import type { Organiser } from '../../src/modules/organisers/repository.js';
import type { Session } from '../../src/modules/sessions/repository.js';
import { MaintenanceService } from '../../src/modules/registrations/maintenance.js';
import { ADMIN, GR_ORGANISER, makeApp, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import { SmtpSink, type SinkMessage } from '../helpers/smtp-sink.js';
import { createEmailKinds } from '../../src/email-kinds.js';
import { must } from '../helpers/must.js';

/** The database file, its WAL and its shared-memory file, as a reader of the disk would find them. */
function databaseBytes(t: TestApp): Buffer {
  return Buffer.concat(['', '-wal', '-shm'].map((s) => (existsSync(t.config.databasePath + s) ? readFileSync(t.config.databasePath + s) : Buffer.alloc(0))));
}
/** Which of these strings a reader of the database files would find. */
const foundIn = (t: TestApp, needles: string[]) => {
  const bytes = databaseBytes(t);
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n.toLowerCase(), 'utf8')));
};

const unique = () => randomBytes(5).toString('hex');

function form(name: string, email: string, hubId: number, extra: Record<string, string> = {}): Record<string, string> {
  return { name, email, organisation: 'Dimos Patreon', orgType: 'public', hubId: String(hubId), country: 'GR', language: 'en', zone: 'Europe/Athens', consent: 'on', ...extra };
}

describe('erasure on request', () => {
  let t: TestApp;
  let base: string;
  let sink: SmtpSink;
  let transport: MailTransport;
  let dispatcher: Dispatcher;
  let admin: Organiser;
  let past: Session;
  let tentative: Session;

  beforeAll(async () => {
    t = await makeApp({ now: '2026-03-01T09:00:00Z' });
    base = await listen(t);
    sink = await SmtpSink.start();
    transport = createSmtpTransport(sink.url);
    dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock: t.clock, config: t.config, transport, random: () => 0.5 });
    admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const series = t.services.repos.series.save({ slug: 'erasure-season', title: 'Registries', description: '' }, t.clock.now());
    past = t.services.sessions.create(
      { title: 'Registries, part one', hubId, seriesId: series.id, date: '2026-03-10', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, joinUrl: 'https://meet.example.org/r1' },
      admin,
    );
    tentative = t.services.sessions.create(
      { title: 'Registries, part two', hubId, seriesId: series.id, status: 'tentative', approxMonth: '2026-05', approxPart: 'early', zone: 'Europe/Athens', durationMinutes: 60 },
      admin,
    );
  });
  afterAll(async () => {
    await dispatcher?.stop();
    transport?.close();
    await sink?.close();
    await t?.close();
  });

  async function deliver(): Promise<SinkMessage[]> {
    const before = sink.messages.length;
    await dispatcher.runOnce();
    return sink.messages.slice(before);
  }
  const link = (m: SinkMessage | undefined, kind: 'r' | 'poll') => {
    const x = new RegExp(`http://kairos\\.test/${kind}/([A-Za-z0-9_-]{43})`).exec(m?.parsed.text ?? '');
    expect(x, `a /${kind}/ link`).not.toBeNull();
    return x![1];
  };

  it('leaves neither the name nor the address in the database file, its WAL or its shm; the export listed every record first', async () => {
    const email = `zyxwvut.qponmlk.${unique()}@example.org`;
    const needles = ['Zyxwvut', 'Qponmlk', email];
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;

    // Register and confirm through the site, as the person would.
    const person = new HttpClient(base, { 'accept-language': 'en' });
    await person.get(`/sessions/${past.id}`);
    expect((await person.post(`/sessions/${past.id}/register`, form('Zyxwvut Qponmlk', email, hubId, { followupConsent: 'on' }))).statusCode).toBe(303);
    const manage = link((await deliver()).find((m) => m.envelope.rcptTo.includes(email)), 'r');
    await person.get(`/r/${manage}/confirm`);
    expect((await person.post(`/r/${manage}/confirm`, {})).statusCode).toBe(303);
    expect((await deliver()).filter((m) => m.envelope.rcptTo.includes(email)).map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/^You are registered/)]);

    // After the session, a date poll for the next one invites its registrants; the person votes.
    t.clock.set('2026-03-12T09:00:00Z');
    const gr = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    t.services.polls.create(tentative.id, { zone: 'Europe/Athens' }, gr);
    const slot = t.services.polls.addSlot(tentative.id, { date: '2026-05-05', time: '11:00', durationMinutes: 60 }, gr);
    t.services.polls.invite(tentative.id, { registrants: 'on' }, gr);
    const pollToken = link((await deliver()).find((m) => m.envelope.rcptTo.includes(email)), 'poll');
    await person.get(`/poll/${pollToken}`);
    expect((await person.post(`/poll/${pollToken}`, { [`slot-${slot.id}`]: 'yes' })).statusCode).toBe(303);

    // A follow-up is queued and not yet sent when the person erases their data.
    t.services.followups.save(past, 'absentees', { subject: 'We missed you', body: 'The recording is online.' });
    expect(t.services.followups.send(past, 'absentees').queued).toBe(1);

    // The search finds what is there.
    expect(foundIn(t, needles)).toEqual(needles);

    // The export: every record about the person, and no token.
    await person.get(`/r/${manage}`);
    const exported = await person.post(`/r/${manage}/export`, {});
    expect(exported.statusCode).toBe(200);
    const data = exported.json<{
      registration: { name: string; email: string };
      emails: { kind: string; status: string }[];
      datePolls: { email: string; session: { title: string }; answers: { answer: string; zone: string; wallTime: string }[]; emails: { kind: string; status: string }[] }[];
    }>();
    expect(data.registration).toMatchObject({ name: 'Zyxwvut Qponmlk', email });
    expect(data.emails.map((e) => `${e.kind} ${e.status}`)).toEqual(expect.arrayContaining(['registration.received sent', 'registration.confirmed sent', 'followup queued']));
    expect(data.datePolls).toHaveLength(1);
    expect(data.datePolls[0]).toMatchObject({ email, session: { title: 'Registries, part two' }, answers: [{ answer: 'yes', zone: 'Europe/Athens', wallTime: '2026-05-05 11:00' }] });
    expect(must(data.datePolls[0], 'the date poll').emails).toEqual([expect.objectContaining({ kind: 'poll.invite', status: 'sent' })]);
    expect(exported.body).not.toContain(manage);
    expect(exported.body).not.toContain(pollToken);

    // Erase.
    await person.get(`/r/${manage}`);
    const erased = await person.post(`/r/${manage}/erase`, {});
    expect(erased.statusCode).toBe(303);
    expect((await person.get(`/r/${manage}`)).statusCode).toBe(404);
    expect((await person.get(`/poll/${pollToken}`)).statusCode).toBe(404);

    // Nothing more reaches the person, and nothing of them is left in the file.
    t.clock.advance(60_000);
    expect((await deliver()).filter((m) => m.envelope.rcptTo.includes(email))).toEqual([]);
    expect(foundIn(t, needles)).toEqual([]);
    // Their vote still counts, anonymously.
    const poll = t.services.polls.forSession(tentative.id)!;
    expect(t.services.repos.polls.answerCounts(poll.id).reduce((n, c) => n + (c.answer === 'yes' ? c.n : 0), 0)).toBe(1);
  });

  it('erasing one registration also takes the poll-voter records made from the same address’s registrations', async () => {
    t.clock.set('2026-03-12T10:00:00Z');
    const email = `ayxbwc.${unique()}@example.org`;
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const gr = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    // Registered to the first session (a registration made before it took place)...
    const reg = t.services.repos.registrations.insert(
      {
        sessionId: past.id, status: 'confirmed', name: 'Ayxbwc Earlier', email, organisation: '', orgType: 'public', hubId, country: 'GR', language: 'en',
        zone: 'Europe/Athens', consentVersion: '2026-11', followupConsent: true, answers: {}, tokenNonce: `nonce-${email}`, tokenHash: `hash-${email}`,
        emailVerifiedAt: 1, holdUntil: null, waitlistedAt: null, confirmedAt: 1, source: 'form',
      },
      Date.parse('2026-03-02T00:00:00Z'),
    );
    // ...so invited to the date poll of the next one, through a link of their own.
    t.services.polls.invite(tentative.id, { registrants: 'on' }, gr);
    const pollToken = link((await deliver()).find((m) => m.envelope.rcptTo.includes(email)), 'poll');
    const person = new HttpClient(base, { 'accept-language': 'en' });
    expect((await person.get(`/poll/${pollToken}`)).statusCode).toBe(200);
    // Then they register to the next session itself, and erase that registration.
    await person.get(`/sessions/${tentative.id}`);
    expect((await person.post(`/sessions/${tentative.id}/register`, form('Ayxbwc Later', email, hubId))).statusCode).toBe(303);
    const manage = link((await deliver()).find((m) => m.envelope.rcptTo.includes(email)), 'r');
    await person.get(`/r/${manage}`);
    expect((await person.post(`/r/${manage}/erase`, {})).statusCode).toBe(303);
    // The voting link is gone with it; the earlier registration, not erased, stays.
    expect((await person.get(`/poll/${pollToken}`)).statusCode).toBe(404);
    expect(t.services.polls.voters(t.services.polls.forSession(tentative.id)!).some((v) => v.email === email)).toBe(false);
    expect(t.services.repos.registrations.get(reg.id)!.email).toBe(email);
  });
});

describe('retention', () => {
  let t: TestApp;
  let base: string;
  let admin: Organiser;
  let maintenance: MaintenanceService;
  const DAY = 86_400_000;

  beforeAll(async () => {
    t = await makeApp({ now: '2026-03-01T09:00:00Z', env: { RETENTION_DAYS: '180' } });
    base = await listen(t);
    admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
    maintenance = new MaintenanceService(t.services.registrations, t.clock);
  });
  afterAll(() => t?.close());

  async function registerThroughSite(sessionId: number, name: string, email: string): Promise<string> {
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const person = new HttpClient(base, { 'accept-language': 'en' });
    await person.get(`/sessions/${sessionId}`);
    expect((await person.post(`/sessions/${sessionId}/register`, form(name, email, hubId))).statusCode).toBe(303);
    const reg = t.services.repos.registrations.getByEmail(sessionId, email)!;
    return t.services.registrations.tokenFor(reg);
  }
  const opens = async (token: string) => (await new HttpClient(base).get(`/r/${token}`)).statusCode;

  it('anonymises registrations RETENTION_DAYS after the session ended, and they leave the file', async () => {
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const s = t.services.sessions.create({ title: 'Dated', hubId, date: '2026-03-20', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false }, admin);
    const email = `xqzvwy.dated.${unique()}@example.org`;
    const token = await registerThroughSite(s.id, 'Xqzvwy Datedperson', email);
    expect(foundIn(t, ['Xqzvwy', email])).toHaveLength(2);

    t.clock.set(s.endUtc! + 180 * DAY - 60_000);
    maintenance.runOnce();
    expect(await opens(token)).toBe(200);

    t.clock.set(s.endUtc! + 180 * DAY + 60_000);
    expect(maintenance.runOnce().anonymised).toBe(1);
    expect(await opens(token)).toBe(404);
    expect(foundIn(t, ['Xqzvwy', 'Datedperson', email])).toEqual([]);
  });

  it('also anonymises registrations of a session that never got a date, counted from the end of its rough month', async () => {
    t.clock.set('2026-03-01T09:00:00Z');
    const hubId = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id;
    const s = t.services.sessions.create(
      { title: 'Never dated', hubId, status: 'tentative', approxMonth: '2026-06', approxPart: 'late', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false },
      admin,
    );
    const email = `wvutsrq.undated.${unique()}@example.org`;
    const token = await registerThroughSite(s.id, 'Wvutsrq Undatedperson', email);
    expect(await opens(token)).toBe(200);
    expect(foundIn(t, ['Wvutsrq', email])).toHaveLength(2);

    const monthEnd = Date.parse('2026-07-01T00:00:00Z');
    t.clock.set(monthEnd + 180 * DAY - 60_000);
    maintenance.runOnce();
    expect(await opens(token)).toBe(200);

    t.clock.set(monthEnd + 180 * DAY + 60_000);
    expect(maintenance.runOnce().anonymised).toBe(1);
    expect(await opens(token)).toBe(404);
    expect(foundIn(t, ['Wvutsrq', 'Undatedperson', email])).toEqual([]);
  });
});

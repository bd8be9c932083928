/**
 * No personal secret at rest. A whole season of one session goes through the real app on a real
 * port, with mail sent by the real dispatcher to a real SMTP sink: registration, confirmation,
 * manage page, personal invite and feed, reminders, the join link, a follow-up, a date poll and its
 * vote, and the organiser mail view. Every personal token the emails carried is collected from the
 * sink; then the bytes of the database file, its WAL and its shared-memory file are searched for
 * each one (and for the server secret): none may be there. The secret lives in a key file beside
 * the database, readable by its owner only.
 *
 * Finding reproduced: an organiser of a co-hosting hub read a person's `/r/<token>` link in the
 * organiser mail view and fetched that person's personal feed, with the owning hub's private
 * meeting link in it. The stored copy now holds a marker, which opens nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher, createLocalTransport, createSmtpTransport, type MailTransport } from '../../src/core/outbox/index.js';
import type { Organiser } from '../../src/modules/organisers/repository.js';
import type { Session } from '../../src/modules/sessions/repository.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, makeApp, type TestApp } from '../helpers/app.js';
import { HttpClient, listen } from '../helpers/http.js';
import { SmtpSink, type SinkMessage } from '../helpers/smtp-sink.js';
import { createEmailKinds } from '../../src/email-kinds.js';
import { must } from '../helpers/must.js';

const MEETING = 'https://meet.example.org/private-room-gr-7731';

let t: TestApp;
let base: string;
let sink: SmtpSink;
let transport: MailTransport;
let dispatcher: Dispatcher;
let admin: Organiser;
let sessionA: Session;
let sessionB: Session;

beforeAll(async () => {
  // SESSION_SECRET unset: the secret comes from the key file beside the database.
  t = await makeApp({ now: '2026-03-01T09:00:00Z', env: { SESSION_SECRET: '' } });
  base = await listen(t);
  sink = await SmtpSink.start();
  transport = createSmtpTransport(sink.url);
  dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock: t.clock, config: t.config, transport, random: () => 0.5 });
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  const hub = (slug: string) => t.services.repos.hubs.getBySlug(slug)!.id;
  const series = t.services.repos.series.save({ slug: 'privacy-season', title: 'Public services, privacy first', description: '' }, t.clock.now());
  sessionA = t.services.sessions.create(
    {
      title: 'Interoperable registries for municipalities',
      hubId: hub(GR_ORGANISER.hub),
      coHostIds: [hub(RO_ORGANISER.hub)],
      seriesId: series.id,
      date: '2026-03-20',
      time: '10:00',
      zone: 'Europe/Athens',
      durationMinutes: 60,
      joinUrl: MEETING,
    },
    admin,
  );
  sessionB = t.services.sessions.create(
    {
      title: 'Registries, the case studies',
      hubId: hub(GR_ORGANISER.hub),
      coHostIds: [hub(RO_ORGANISER.hub)],
      seriesId: series.id,
      status: 'tentative',
      approxMonth: '2026-06',
      approxPart: 'mid',
      zone: 'Europe/Athens',
      durationMinutes: 90,
    },
    admin,
  );
});
afterAll(async () => {
  await dispatcher?.stop();
  transport?.close();
  await sink?.close();
  await t?.close();
});

/** One dispatcher run; returns what reached the sink. */
async function deliver(): Promise<SinkMessage[]> {
  const before = sink.messages.length;
  const r = await dispatcher.runOnce();
  expect(r).toMatchObject({ failed: 0, retried: 0, paused: false });
  return sink.messages.slice(before);
}

/** Everything a message carries as text: headers and body as received, decoded parts, calendar parts. */
function contentOf(m: SinkMessage): string {
  const unfoldIcs = (s: string) => s.replace(/\r?\n[ \t]/g, '');
  return [m.raw.toString('utf8'), m.parsed.text ?? '', String(m.parsed.html || ''), ...m.parsed.attachments.map((a) => unfoldIcs(a.content.toString('utf8')))].join('\n');
}

// Manage, confirm and poll tokens are 256-bit HMACs (43 characters); a join token is `<id>.<192-bit MAC>`.
const LINK = /http:\/\/kairos\.test\/(r|poll)\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])|http:\/\/kairos\.test\/(join)\/(\d+\.[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/g;
const PREFILL = /[?&]prefill=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g;

/** Every personal token in the messages received, with the kind of link it first came in. */
function tokensIn(messages: SinkMessage[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of messages) {
    const c = contentOf(m);
    for (const x of c.matchAll(LINK)) {
      const token = must(x[2] ?? x[4], 'a link token');
      if (!found.has(token)) found.set(token, must(x[1] ?? x[3], 'a link kind'));
    }
    for (const x of c.matchAll(PREFILL)) {
      const token = must(x[1], 'a prefilled token');
      if (!found.has(token)) found.set(token, 'prefill');
    }
  }
  return found;
}

const linkIn = (m: SinkMessage | undefined, kind: 'r' | 'join' | 'poll'): string => {
  expect(m).toBeDefined();
  const x = new RegExp(`http://kairos\\.test/${kind}/([A-Za-z0-9_.-]+)`).exec(m!.parsed.text ?? '');
  expect(x, `a /${kind}/ link in “${m!.parsed.subject}”`).not.toBeNull();
  return must(x?.[1], `the /${kind}/ link`);
};
const mailTo = (msgs: SinkMessage[], email: string) => msgs.filter((m) => m.envelope.rcptTo.includes(email));

/** The database file, its WAL and its shared-memory file, as a reader of the disk would find them. */
function databaseBytes(): { bytes: Buffer; sizes: Record<string, number> } {
  const file = t.config.databasePath;
  const sizes: Record<string, number> = {};
  const parts = ['', '-wal', '-shm'].map((suffix) => {
    const p = file + suffix;
    const b = existsSync(p) ? readFileSync(p) : Buffer.alloc(0);
    sizes[path.basename(p)] = b.length;
    return b;
  });
  return { bytes: Buffer.concat(parts), sizes };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function register(name: string, email: string, extra: Record<string, string> = {}): Promise<HttpClient> {
  const person = new HttpClient(base, { 'accept-language': 'en' });
  expect((await person.get(`/sessions/${sessionA.id}`)).statusCode).toBe(200);
  const res = await person.post(`/sessions/${sessionA.id}/register`, {
    name,
    email,
    organisation: 'Municipality of Patras',
    orgType: 'public',
    hubId: String(t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id),
    country: 'GR',
    language: 'en',
    zone: 'Europe/Athens',
    consent: 'on',
    ...extra,
  });
  expect(res.statusCode).toBe(303);
  return person;
}

describe('no personal secret at rest', () => {
  it('keeps no personal token and no secret in the database file, its WAL or its shm; the mail view shows a marker', async () => {
    const maria = 'maria.k@example.org';
    const jonas = 'jonas.p@example.org';

    // ------------------------------------------------------------ register and confirm (double opt-in)
    const m = await register('Maria Kontou', maria, { followupConsent: 'on' });
    const j = await register('Jonas Petraitis', jonas);
    let got = await deliver();
    for (const [who, client] of [[maria, m], [jonas, j]] as const) {
      const confirmLink = linkIn(mailTo(got, who)[0], 'r');
      expect(confirmLink).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await client.get(`/r/${confirmLink}/confirm`)).statusCode).toBe(200);
      expect((await client.post(`/r/${confirmLink}/confirm`, {})).statusCode).toBe(303);
    }
    got = await deliver();
    const confirmed = mailTo(got, maria)[0];
    expect(confirmed?.parsed.attachments.some((a) => a.contentType === 'text/calendar')).toBe(true);
    const manage = linkIn(confirmed, 'r');
    const join = linkIn(confirmed, 'join');

    // ------------------------------------------------------------ the person's own pages
    expect((await m.get(`/r/${manage}`)).statusCode).toBe(200);
    expect((await m.get(`/r/${manage}/invite.ics`)).statusCode).toBe(200);
    const feed = await m.get(`/r/${manage}/calendar.ics`);
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect((await m.post(`/r/${manage}/export`, {})).statusCode).toBe(200);

    // ------------------------------------------------------------ reminders, a day and an hour before
    t.clock.set('2026-03-19T09:00:00Z');
    got = await deliver();
    t.clock.set('2026-03-20T07:30:00Z');
    got = got.concat(await deliver());
    expect(mailTo(got, maria).map((x) => x.parsed.subject)).toEqual([expect.stringMatching(/^Reminder/), expect.stringMatching(/^Reminder/)]);

    // ------------------------------------------------------------ the join link opens the meeting
    t.clock.set('2026-03-20T08:05:00Z');
    const joined = await m.get(`/join/${join}`);
    expect(joined.statusCode).toBe(302);
    expect(joined.headers.location).toBe(MEETING);

    // ------------------------------------------------------------ follow-up (preview, then sent), inviting to the next session
    t.clock.set('2026-03-20T12:00:00Z');
    const gr = new HttpClient(base, { 'accept-language': 'en' });
    expect((await gr.login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(303);
    await gr.get(`/organiser/sessions/${sessionA.id}/followups`);
    expect((await gr.post(`/organiser/sessions/${sessionA.id}/followups/attendees`, { subject: 'Thank you for joining', body: 'The slides are online.', inviteNext: 'on' })).statusCode).toBe(303);
    const preview = await gr.get(`/organiser/sessions/${sessionA.id}/followups/attendees/preview`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Thank you for joining');
    expect(preview.body).toContain('[personal link]');
    await gr.get(`/organiser/sessions/${sessionA.id}/followups`);
    expect((await gr.post(`/organiser/sessions/${sessionA.id}/followups/attendees/send`, {})).statusCode).toBe(303);
    got = await deliver();
    const followup = mailTo(got, maria).find((x) => x.parsed.subject === 'Thank you for joining');
    expect(followup?.parsed.text).toMatch(/prefill=[A-Za-z0-9_-]{43}/);
    // the organiser's preview showed this very email without its links
    for (const token of tokensIn([followup!]).keys()) expect(preview.body).not.toContain(token);

    // ------------------------------------------------------------ a date poll for the next session, and a vote
    const grOrganiser = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser;
    t.services.polls.create(sessionB.id, { zone: 'Europe/Athens', deadlineDate: '2026-04-30', deadlineTime: '17:00' }, grOrganiser);
    const slot = t.services.polls.addSlot(sessionB.id, { date: '2026-06-16', time: '11:00', durationMinutes: 90 }, grOrganiser);
    t.services.polls.invite(sessionB.id, { hubIds: [String(t.services.repos.hubs.getBySlug(RO_ORGANISER.hub)!.id)], registrants: 'on' }, grOrganiser);
    got = await deliver();
    const pollToken = linkIn(mailTo(got, maria)[0], 'poll');
    expect((await m.get(`/poll/${pollToken}`)).statusCode).toBe(200);
    expect((await m.post(`/poll/${pollToken}`, { [`slot-${slot.id}`]: 'yes' })).statusCode).toBe(303);

    // ------------------------------------------------------------ every token issued, from the mailboxes
    const tokens = tokensIn(sink.messages);
    const kinds = [...tokens.values()];
    expect(kinds.filter((k) => k === 'r').length).toBeGreaterThanOrEqual(2); // Maria's and Jonas's manage tokens
    expect(kinds.filter((k) => k === 'join').length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((k) => k === 'poll').length).toBeGreaterThanOrEqual(2); // Maria and the Romanian hub
    // the follow-up's one-click registration carries Maria's manage token
    expect(/[?&]prefill=([A-Za-z0-9_-]{43})/.exec(followup!.parsed.text ?? '')?.[1]).toBe(manage);
    // each one still works: the links in the mailbox are real
    expect((await new HttpClient(base).get(`/r/${manage}`)).statusCode).toBe(200);

    // ------------------------------------------------------------ the organiser mail view: a marker, not the link
    const adminClient = new HttpClient(base, { 'accept-language': 'en' });
    expect((await adminClient.login(ADMIN.email, ADMIN.password)).statusCode).toBe(303);
    const list = await adminClient.get('/organiser/mail?status=sent');
    const ids = [...new Set([...list.body.matchAll(/href="\/organiser\/mail\/(\d+)"/g)].map((x) => Number(x[1])))];
    expect(ids.length).toBeGreaterThanOrEqual(8);
    let markers = 0;
    for (const id of ids) {
      const page = await adminClient.get(`/organiser/mail/${id}`);
      expect(page.statusCode).toBe(200);
      for (const token of tokens.keys()) expect(page.body, `mail ${id}`).not.toContain(token);
      expect(page.body).not.toContain(MEETING);
      if (page.body.includes('kairos.test/r/[personal link]')) markers++;
    }
    expect(markers).toBeGreaterThanOrEqual(6);
    const reminderId = t.db.prepare(`SELECT id FROM outbox WHERE kind = 'reminder' AND status = 'sent' ORDER BY id LIMIT 1`).get() as { id: number };
    const reminderPage = await adminClient.get(`/organiser/mail/${reminderId.id}`);
    expect(reminderPage.body).toContain('http://kairos.test/join/[personal link]');
    expect(reminderPage.body).toContain('http://kairos.test/r/[personal link]');
    expect(reminderPage.body).toContain('Personal links are not kept: in this copy each one reads [personal link].');

    // ------------------------------------------------------------ finding: a co-hosting hub's organiser gets no working link
    const ro = new HttpClient(base, { 'accept-language': 'en' });
    expect((await ro.login(RO_ORGANISER.email, RO_ORGANISER.password)).statusCode).toBe(303);
    const roList = await ro.get('/organiser/mail');
    expect(roList.statusCode).toBe(200);
    const seen = [roList.body];
    for (const id of ids) {
      const page = await ro.get(`/organiser/mail/${id}`);
      if (page.statusCode === 200) seen.push(page.body);
    }
    const shown = seen.join('\n');
    for (const token of tokens.keys()) expect(shown).not.toContain(token);
    expect(shown).not.toContain(MEETING);
    // whatever looks like a personal link there opens nothing
    const candidates = [...shown.matchAll(/\/r\/([^"'\s<>]+?)(?:\/|["'\s<>])/g)].map((x) => must(x[1], 'a /r/ candidate'));
    for (const c of new Set(candidates)) {
      const res = await ro.get(`/r/${encodeURIComponent(c.replace(/&#?\w+;/g, ''))}/calendar.ics`);
      expect(res.statusCode).toBe(404);
    }

    // ------------------------------------------------------------ the file's bytes
    const keyFile = t.config.secretKeyFile!;
    expect(path.dirname(keyFile)).toBe(path.dirname(t.config.databasePath));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(keyFile, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(t.services.repos.settings.get('session_secret')).toBeUndefined();

    const { bytes, sizes } = databaseBytes();
    expect(sizes['kairos.sqlite-wal']).toBeGreaterThan(0); // the WAL is searched too, not only the main file
    // The search finds what is there: the people, and the hash of each manage token.
    expect(bytes.includes(Buffer.from('Maria Kontou'))).toBe(true);
    expect(bytes.includes(Buffer.from(sha256(manage)))).toBe(true);
    // ...and nothing that rebuilds a link.
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    const checked: string[] = [];
    for (const [token, kind] of tokens) {
      const needles = kind === 'join' ? [token, token.slice(token.indexOf('.') + 1)] : [token];
      for (const n of needles) {
        expect(bytes.includes(Buffer.from(n)), `${kind} token in the database files`).toBe(false);
        checked.push(n);
      }
    }
    console.log(`tokens at rest: ${tokens.size} tokens issued (${checked.length} strings) searched in ${JSON.stringify(sizes)} bytes; none found`);
  });

  it('an outbox row keeps ids in its payload, never a token', () => {
    const payloads = (t.db.prepare('SELECT payload FROM outbox').all() as { payload: string }[]).map((r) => r.payload);
    expect(payloads.length).toBeGreaterThan(0);
    for (const p of payloads) expect(p).not.toMatch(/[A-Za-z0-9_-]{40,}/);
  });
});

describe('the local mailbox (no SMTP_URL)', () => {
  it('shows the marker where the email had a personal link', async () => {
    const local = await makeApp({ now: '2026-03-01T09:00:00Z' });
    const localTransport = createLocalTransport();
    const d = new Dispatcher({ registry: createEmailKinds(), db: local.db, clock: local.clock, config: local.config, transport: localTransport, random: () => 0.5 });
    try {
      expect(local.config.smtpUrl).toBeUndefined();
      const localBase = await listen(local);
      const a = local.services.repos.organisers.credentials(ADMIN.email)!.organiser;
      const s = local.services.sessions.create(
        { title: 'Local mailbox', hubId: local.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!.id, date: '2026-04-01', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, joinUrl: MEETING },
        a,
      );
      const person = new HttpClient(localBase, { 'accept-language': 'en' });
      await person.get(`/sessions/${s.id}`);
      expect(
        (await person.post(`/sessions/${s.id}/register`, { name: 'Anna Local', email: 'anna.local@example.org', orgType: 'public', hubId: '', country: 'GR', language: 'en', zone: 'Europe/Athens', consent: 'on' })).statusCode,
      ).toBe(303);
      expect((await d.runOnce()).sent).toBe(1);
      const reg = local.services.repos.registrations.getByEmail(s.id, 'anna.local@example.org')!;
      const token = local.services.registrations.tokenFor(reg);
      const org = new HttpClient(localBase, { 'accept-language': 'en' });
      await org.login(ADMIN.email, ADMIN.password);
      const id = (local.db.prepare(`SELECT id FROM outbox WHERE registration_id = ?`).get(reg.id) as { id: number }).id;
      const page = await org.get(`/organiser/mail/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('http://kairos.test/r/[personal link]/confirm');
      expect(page.body).not.toContain(token);
    } finally {
      await d.stop();
      localTransport.close();
      await local.close();
    }
  });
});

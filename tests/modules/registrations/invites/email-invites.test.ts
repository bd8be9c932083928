/**
 * Calendar invites the whole way, as a registrant's mailbox receives them: the real app on a
 * temporary database (dispatcher off inside the app), a real Dispatcher driven by a ManualClock,
 * a real SMTP sink; every message parsed back with mailparser and every invite with ical.js and
 * the strict parsers Debian ships. Expected instants come from the zone-change fixture
 * (Python zoneinfo), never from Luxon.
 *
 * Run also under another host zone: TZ=Pacific/Auckland npx vitest run tests/invites
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher, createSmtpTransport, type MailTransport } from '../../../../src/core/outbox/index.js';
import { t as tr } from '../../../../src/core/i18n/index.js';
import type { Hub } from '../../../../src/modules/sessions/hubs-repository.js';
import type { Organiser } from '../../../../src/modules/organisers/repository.js';
import type { Registration } from '../../../../src/modules/registrations/repository.js';
import type { Session } from '../../../../src/modules/sessions/repository.js';
import { formatInZone } from '../../../../src/core/time/index.js';
import { ADMIN, Browser, makeApp, type TestApp } from '../../../helpers/app.js';
import { contentLines, lineComplaints, strictComplaints, strictComplaintsMany } from '../../../helpers/ics-validate.js';
import { SmtpSink, type SinkMessage } from '../../../helpers/smtp-sink.js';
import { offsetLabel, oracleOffset, oracleUtc, zoneChanges } from '../../../helpers/zone-oracle.js';
import { must } from '../../../helpers/must.js';
import { createEmailKinds } from '../../../../src/email-kinds.js';

// ------------------------------------------------------------------ oracle (fixture, no Luxon)

/** SEQUENCE of a VEVENT as a number. */
const seqOf = (ev: ICAL.Component) => Number(ev.getFirstPropertyValue('sequence'));
/** 20260520T080000Z */
const basicUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
/** HH:MM of the wall clock at `ms` for a fixed offset, by plain arithmetic. */
const wallHm = (ms: number, offsetMinutes: number) => new Date(ms + offsetMinutes * 60_000).toISOString().slice(11, 16);

// ------------------------------------------------------------------ app, sink, dispatcher

let t: TestApp;
let sink: SmtpSink;
let transport: MailTransport;
let dispatcher: Dispatcher;
let admin: Organiser;

beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z', env: { DISPATCHER_ENABLED: 'false' } });
  sink = await SmtpSink.start();
  transport = createSmtpTransport(sink.url);
  dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock: t.clock, config: t.config, transport, random: () => 0.5 });
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
});
afterAll(async () => {
  await dispatcher?.stop();
  transport?.close();
  await sink?.close();
  await t?.close();
});

const hub = (slug: string): Hub => t.services.repos.hubs.getBySlug(slug)!;
const fresh = (id: number): Session => t.services.repos.sessions.get(id)!;

function newSession(extra: Record<string, unknown> = {}): Session {
  return t.services.sessions.create(
    {
      title: 'Interoperable e-invoicing for municipalities',
      hubId: hub('connected-mobility-hub').id,
      date: '2026-05-20',
      time: '10:00',
      zone: 'Europe/Madrid',
      durationMinutes: 60,
      joinUrl: 'https://meet.example.org/room/e-invoicing',
      doubleOptIn: false,
      ...extra,
    },
    admin,
  );
}

let people = 0;
function register(sessionId: number, extra: Record<string, string> = {}): Registration {
  people++;
  const { registration, outcome } = t.services.registrations.register(
    sessionId,
    { name: `Person ${people}`, email: `person${people}@example.org`, organisation: 'Ayuntamiento', orgType: 'public', hubId: '', country: 'ES', language: 'en', zone: 'Atlantic/Canary', consent: 'on', ...extra },
    'api',
  );
  expect(outcome).toBe('confirmed');
  return registration;
}

/** One dispatcher run after the clock moved a little; returns the messages it delivered. */
async function deliver(): Promise<SinkMessage[]> {
  t.clock.advance(60_000);
  const before = sink.messages.length;
  const r = await dispatcher.runOnce();
  expect(r).toMatchObject({ failed: 0, retried: 0, expired: 0, paused: false });
  return sink.messages.slice(before);
}

const to = (msgs: SinkMessage[], email: string) => msgs.filter((m) => m.envelope.rcptTo.includes(email.toLowerCase()));
const only = (msgs: SinkMessage[], email: string) => {
  const list = to(msgs, email);
  expect(list, `messages to ${email}`).toHaveLength(1);
  return must(list[0], `the message to ${email}`);
};

interface CalendarPart {
  /** method= of the text/calendar alternative, as mailparser read the header. */
  method: string | undefined;
  text: string;
  bytes: Buffer;
}

/**
 * The iMIP part: exactly one text/calendar alternative (no file name, not an attachment), and the
 * same bytes once more as an .ics attachment typed text/calendar (never application/ics); both with
 * the same method, also checked in the raw message.
 */
function calendarOf(m: SinkMessage): CalendarPart {
  const cals = m.parsed.attachments.filter((a) => a.contentType === 'text/calendar');
  const alternatives = cals.filter((a) => a.contentDisposition !== 'attachment');
  expect(alternatives).toHaveLength(1);
  const part = must(alternatives[0], 'the text/calendar part');
  const ct = part.headers.get('content-type') as { value: string; params: Record<string, string> };
  const raw = m.raw.toString('utf8');
  const headers = [...raw.matchAll(/^Content-Type:\s*text\/calendar;([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)/gim)].map((x) => must(x[1], 'the Content-Type parameters').replace(/\r\n[ \t]/g, ' '));
  expect(headers).toHaveLength(2);
  for (const h of headers) {
    const rawMethod = /\bmethod=("?)([A-Z]+)\1/i.exec(h)?.[2];
    expect(rawMethod).toBe(ct.params.method);
    expect(h).toMatch(/\bcharset=("?)utf-8\1/i);
  }
  // A copy for clients that only look at attachments must be the same bytes, typed text/calendar.
  expect(m.parsed.attachments.filter((a) => a.contentType === 'application/ics')).toEqual([]);
  const files = cals.filter((a) => a.contentDisposition === 'attachment');
  expect(files).toHaveLength(1);
  const file = must(files[0], 'the .ics attachment');
  expect(file.filename).toMatch(/\.ics$/);
  expect(file.content.equals(part.content)).toBe(true);
  expect(m.parsed.headers.get('content-class')).toBe('urn:content-classes:calendarmessage');
  return { method: ct.params.method, text: part.content.toString('utf8'), bytes: part.content };
}

interface Expected {
  method: 'REQUEST' | 'CANCEL';
  session: Session;
  recipient: string;
  organiser: string;
  startMs: number;
  endMs: number;
}

/** Everything DESIGN.md requires of a personal invite; returns the VEVENT. */
function expectPersonalInvite(part: CalendarPart, x: Expected): ICAL.Component {
  const cal = ICAL.Component.fromString(part.text);
  expect(cal.getFirstPropertyValue('method')).toBe(x.method);
  expect(part.method).toBe(x.method);
  const events = cal.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  const ev = must(events[0], 'the VEVENT');
  expect(ev.getFirstPropertyValue('uid')).toBe(x.session.calendarUid);
  expect(ev.getFirstPropertyValue('sequence')).toBe(x.session.sequence);
  const organizers = ev.getAllProperties('organizer');
  expect(organizers).toHaveLength(1);
  const organizer = must(organizers[0], 'the ORGANIZER');
  expect(String(organizer.getFirstValue()).toLowerCase()).toBe(`mailto:${x.organiser}`);
  expect(String(organizer.getFirstValue()).toLowerCase()).not.toContain(x.recipient.toLowerCase());
  const attendees = ev.getAllProperties('attendee');
  expect(attendees).toHaveLength(1);
  const attendee = must(attendees[0], 'the ATTENDEE');
  expect(String(attendee.getFirstValue()).toLowerCase()).toBe(`mailto:${x.recipient.toLowerCase()}`);
  if (x.method === 'REQUEST') {
    // No REPLY_ADDRESS in this app: nothing would read an answer, so the invite asks none.
    expect(attendee.getParameter('rsvp')).toBe('FALSE');
    expect(attendee.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(attendee.getParameter('role')).toBe('REQ-PARTICIPANT');
  }
  const lines = contentLines(part.text);
  expect(lines).toContain(`DTSTART:${basicUtc(x.startMs)}`);
  expect(lines).toContain(`DTEND:${basicUtc(x.endMs)}`);
  const start = ev.getFirstPropertyValue('dtstart') as ICAL.Time;
  expect(start.zone?.tzid).toBe('UTC');
  expect(start.toJSDate().getTime()).toBe(x.startMs);
  expect(ev.getFirstPropertyValue('status')).toBe(x.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  expect(lineComplaints(part.bytes)).toEqual([]);
  return ev;
}

// ------------------------------------------------------------------ the tests

describe('the invitation that comes with a confirmed registration', () => {
  it('is an iMIP REQUEST for this person only, with the session UID and SEQUENCE, in UTC, valid for strict parsers', async () => {
    const s = newSession();
    const ann = register(s.id, { name: 'Ann Ortega', email: 'ann.ortega@example.org', language: 'en', zone: 'Atlantic/Canary' });
    const msgs = await deliver();
    const m = only(msgs, 'ann.ortega@example.org');
    expect(m.parsed.subject).toBe(`You are registered: ${s.title}`);
    expect(m.raw.toString('utf8')).toMatch(/^Content-Type: text\/calendar;[^\r\n]*method=REQUEST/im);

    const startMs = oracleUtc('2026-05-20', '10:00', 'Europe/Madrid');
    expect(new Date(startMs).toISOString()).toBe('2026-05-20T08:00:00.000Z');
    const part = calendarOf(m);
    const ev = expectPersonalInvite(part, { method: 'REQUEST', session: fresh(s.id), recipient: ann.email!, organiser: 'contact@connected-mobility-hub.example', startMs, endMs: startMs + 3_600_000 });
    expect(ev.getFirstPropertyValue('summary')).toBe(s.title);
    // The personal join link (which records attendance), never the bare meeting room.
    expect(ev.getFirstPropertyValue('url')).toBe(t.services.attendance.joinUrl(ann));
    expect(part.text).not.toContain('meet.example.org');
    expect(await strictComplaints(part.text)).toEqual([]);

    // Text and HTML, both stating the time in the recipient's zone and in the session's zone.
    const text = m.parsed.text!;
    const html = m.parsed.html as string;
    expect(typeof html).toBe('string');
    const canary = formatInZone(startMs, 'Atlantic/Canary', 'en');
    const madrid = formatInZone(startMs, 'Europe/Madrid', 'en');
    expect(canary).toBe('Wednesday, 20 May 2026, 09:00 (Atlantic/Canary, UTC+01:00)');
    expect(madrid).toBe('Wednesday, 20 May 2026, 10:00 (Europe/Madrid, UTC+02:00)');
    expect(text).toContain(`Your time: ${canary}`);
    expect(text).toContain(`Session time: ${madrid}`);
    expect(html).toContain(canary);
    expect(html).toContain(madrid);
  });
});

describe('a session that moves, then is cancelled', () => {
  let s: Session;
  let eleni: Registration;
  let ann: Registration;
  let confirmedSequence: number;
  let updatedSequence: number;
  const oldStart = oracleUtc('2026-05-20', '10:00', 'Europe/Madrid');
  const newStart = oracleUtc('2026-05-20', '15:00', 'Europe/Madrid');

  beforeAll(async () => {
    s = newSession({ title: 'GovTech procurement clinic' });
    eleni = register(s.id, { name: 'Ελένη Κωνσταντίνου', email: 'eleni.k@example.org', language: 'el', zone: 'Asia/Nicosia', country: 'CY' });
    ann = register(s.id, { name: 'Ann Brito', email: 'ann.brito@example.org', language: 'en', zone: 'Atlantic/Canary' });
    const msgs = await deliver();
    confirmedSequence = seqOf(expectPersonalInvite(calendarOf(only(msgs, eleni.email!)), {
      method: 'REQUEST',
      session: fresh(s.id),
      recipient: eleni.email!,
      organiser: 'contact@connected-mobility-hub.example',
      startMs: oldStart,
      endMs: oldStart + 3_600_000,
    }));
  });

  it('sends each person an updated REQUEST: same UID, higher SEQUENCE, the new start, and what changed in their language and zone', async () => {
    t.clock.advance(3_600_000);
    t.services.sessions.update(s.id, { time: '15:00' }, admin);
    const msgs = await deliver();
    expect(msgs).toHaveLength(2);
    const moved = fresh(s.id);
    expect(moved.calendarUid).toBe(s.calendarUid);
    expect(new Date(newStart).toISOString()).toBe('2026-05-20T13:00:00.000Z');

    const invites = [];
    for (const r of [eleni, ann]) {
      const part = calendarOf(only(msgs, r.email!));
      const ev = expectPersonalInvite(part, { method: 'REQUEST', session: moved, recipient: r.email!, organiser: 'contact@connected-mobility-hub.example', startMs: newStart, endMs: newStart + 3_600_000 });
      expect(ev.getFirstPropertyValue('uid')).toBe(s.calendarUid);
      expect(seqOf(ev)).toBeGreaterThan(confirmedSequence);
      invites.push(part.text);
    }
    updatedSequence = moved.sequence;
    expect((await strictComplaintsMany(invites)).flat()).toEqual([]);

    // Greek, in Nicosia: 10:00 and 15:00 Madrid are 11:00 and 16:00 there (EEST, UTC+03:00).
    const el = only(msgs, eleni.email!);
    expect(el.parsed.subject).toBe(`Αλλαγή: ${s.title}`);
    const elText = el.parsed.text!;
    expect(elText).toContain(tr('el', 'email.update.time', { after: formatInZone(newStart, 'Asia/Nicosia', 'el'), before: formatInZone(oldStart, 'Asia/Nicosia', 'el') }));
    expect(elText).toMatch(/Νέα ώρα: [^\n]*16:00 \(Asia\/Nicosia, UTC\+03:00\) \(ήταν [^\n]*11:00 \(Asia\/Nicosia, UTC\+03:00\)\)/);
    expect(elText).toContain(`Η ώρα σας: ${formatInZone(newStart, 'Asia/Nicosia', 'el')}`);
    expect(elText).toContain(`Ώρα της εκδήλωσης: ${formatInZone(newStart, 'Europe/Madrid', 'el')}`);
    expect(el.parsed.html as string).toContain('16:00 (Asia/Nicosia, UTC+03:00)');

    // English, in the Canaries: 09:00 and 14:00 there (WEST, UTC+01:00).
    const en = only(msgs, ann.email!);
    expect(en.parsed.subject).toBe(`Updated: ${s.title}`);
    const enText = en.parsed.text!;
    expect(enText).toContain('New time: Wednesday, 20 May 2026, 14:00 (Atlantic/Canary, UTC+01:00) (was Wednesday, 20 May 2026, 09:00 (Atlantic/Canary, UTC+01:00))');
    expect(enText).toContain('Your time: Wednesday, 20 May 2026, 14:00 (Atlantic/Canary, UTC+01:00)');
    expect(enText).toContain('Session time: Wednesday, 20 May 2026, 15:00 (Europe/Madrid, UTC+02:00)');
    expect(en.parsed.html as string).toContain('14:00 (Atlantic/Canary, UTC+01:00)');
  });

  it('sends each person a CANCEL: same UID, higher SEQUENCE, STATUS:CANCELLED, text/calendar; method=CANCEL', async () => {
    expect(updatedSequence).toBeGreaterThan(confirmedSequence);
    t.clock.advance(3_600_000);
    t.services.sessions.cancel(s.id, admin);
    const msgs = await deliver();
    expect(msgs).toHaveLength(2);
    const cancelled = fresh(s.id);
    expect(cancelled.sequence).toBeGreaterThan(updatedSequence);
    const invites = [];
    for (const r of [eleni, ann]) {
      const m = only(msgs, r.email!);
      expect(m.raw.toString('utf8')).toMatch(/^Content-Type: text\/calendar;[^\r\n]*method=CANCEL/im);
      const part = calendarOf(m);
      const ev = expectPersonalInvite(part, { method: 'CANCEL', session: cancelled, recipient: r.email!, organiser: 'contact@connected-mobility-hub.example', startMs: newStart, endMs: newStart + 3_600_000 });
      expect(ev.getFirstPropertyValue('uid')).toBe(s.calendarUid);
      expect(seqOf(ev)).toBeGreaterThan(updatedSequence);
      // A cancellation carries no join link.
      expect(part.text).not.toContain('/join/');
      invites.push(part.text);
    }
    expect((await strictComplaintsMany(invites)).flat()).toEqual([]);
    expect(only(msgs, eleni.email!).parsed.subject).toBe(`Ακυρώθηκε: ${s.title}`);
    expect(only(msgs, ann.email!).parsed.subject).toBe(`Cancelled: ${s.title}`);
    expect(only(msgs, ann.email!).parsed.text).toContain(tr('en', 'email.sessionCancelled.intro', { title: s.title }));
  });
});

describe('a session cancelled before the confirmation went out', () => {
  // A confirmation still queued when the session is cancelled must not go out announcing an invitation.
  it('only the cancellation goes out, not a confirmation announcing an invitation', async () => {
    const s = newSession({ title: 'Session cancelled at once' });
    const r = register(s.id, { name: 'Quick Canceller', email: 'quick.c@example.org' });
    t.clock.advance(60_000);
    t.services.sessions.cancel(s.id, admin);
    const msgs = to(await deliver(), r.email!);
    // Only the cancellation, carrying its CANCEL.
    expect(msgs.map((m) => m.parsed.subject)).toEqual([`Cancelled: ${s.title}`]);
  });
});

describe('a person who cancels their own registration', () => {
  let s: Session;
  let piotr: Registration;
  let requestSequence: number;
  let cancelPart: CalendarPart;

  beforeAll(async () => {
    s = newSession({ title: 'Cybersecurity for small municipalities', hubId: hub('smart-secure-cities').id, zone: 'Europe/Warsaw', time: '09:30' });
    piotr = register(s.id, { name: 'Piotr Zieliński', email: 'piotr.z@example.org', language: 'pl', zone: 'Europe/Warsaw', country: 'PL' });
    const other = register(s.id, { name: 'Someone Else', email: 'someone.else@example.org' });
    const msgs = await deliver();
    expect(to(msgs, other.email!)).toHaveLength(1);
    requestSequence = seqOf(ICAL.Component.fromString(calendarOf(only(msgs, piotr.email!)).text).getFirstSubcomponent('vevent')!);

    const token = t.services.registrations.tokenFor(piotr);
    const b = new Browser(t.app, { 'accept-language': 'pl' });
    expect((await b.get(`/r/${token}`)).statusCode).toBe(200);
    const res = await b.post(`/r/${token}/cancel`, {});
    expect(res.statusCode).toBe(303);
    expect(t.services.repos.registrations.get(piotr.id)!.status).toBe('cancelled');
    const after = await deliver();
    // Only the person who cancelled hears about it.
    expect(after).toHaveLength(1);
    const m = only(after, piotr.email!);
    expect(m.raw.toString('utf8')).toMatch(/^Content-Type: text\/calendar;[^\r\n]*method=CANCEL/im);
    cancelPart = calendarOf(m);
  });

  it('gets a CANCEL of their copy: same UID, STATUS:CANCELLED, only them as ATTENDEE, accepted by strict parsers', async () => {
    const startMs = oracleUtc('2026-05-20', '09:30', 'Europe/Warsaw');
    expect(new Date(startMs).toISOString()).toBe('2026-05-20T07:30:00.000Z');
    const ev = expectPersonalInvite(cancelPart, {
      method: 'CANCEL',
      session: fresh(s.id),
      recipient: piotr.email!,
      organiser: 'contact@smart-secure-cities.example',
      startMs,
      endMs: startMs + 3_600_000,
    });
    expect(ev.getFirstPropertyValue('uid')).toBe(s.calendarUid);
    expect(seqOf(ev)).toBeGreaterThanOrEqual(requestSequence);
    expect(cancelPart.text).not.toContain('someone.else@example.org');
    expect(cancelPart.text).not.toContain('/join/');
    expect(await strictComplaints(cancelPart.text)).toEqual([]);
  });

  // DESIGN.md: "A cancellation is METHOD:CANCEL with STATUS:CANCELLED, same UID, higher SEQUENCE".
  it('the CANCEL of a self-cancelled registration has a higher SEQUENCE than the REQUEST it cancels', () => {
    const ev = ICAL.Component.fromString(cancelPart.text).getFirstSubcomponent('vevent')!;
    expect(seqOf(ev)).toBeGreaterThan(requestSequence);
  });
});

describe('long titles in the languages of the network', () => {
  const TITLES: { lang: string; zone: string; country: string; hub: string; title: string }[] = [
    {
      lang: 'el',
      zone: 'Europe/Athens',
      country: 'GR',
      hub: 'gr-digigov-innohub',
      title: 'Ψηφιακός μετασχηματισμός της δημόσιας διοίκησης: διαλειτουργικότητα, ηλεκτρονική ταυτότητα, ανοιχτά δεδομένα και τεχνητή νοημοσύνη στους δήμους της Ελλάδας και της Κύπρου — εμπειρίες και προοπτικές',
    },
    {
      lang: 'bg',
      zone: 'Europe/Sofia',
      country: 'BG',
      hub: 'innovation-amp',
      title: 'Цифрова трансформация на публичната администрация: оперативна съвместимост, електронна идентичност, отворени данни и изкуствен интелект в общините на България — опит, предизвикателства',
    },
    {
      lang: 'lt',
      zone: 'Europe/Vilnius',
      country: 'LT',
      hub: 'govtech-lab-vilnius',
      title: 'Viešojo sektoriaus skaitmeninė transformacija: sąveikumas, elektroninė tapatybė, atvirieji duomenys ir dirbtinis intelektas Lietuvos savivaldybėse – patirtis, iššūkiai, ateities galimybės ąčęėįšųūž',
    },
    {
      lang: 'pl',
      zone: 'Europe/Warsaw',
      country: 'PL',
      hub: 'smart-secure-cities',
      title: 'Cyfrowa transformacja administracji publicznej: interoperacyjność, tożsamość elektroniczna, otwarte dane i sztuczna inteligencja w polskich gminach – doświadczenia, wyzwania; „Zażółć gęślą jaźń”',
    },
  ];

  it('keep every character from the email subject and text to the SUMMARY of the invite, folded at 75 octets', async () => {
    const created = TITLES.map((x) => {
      expect(Buffer.byteLength(x.title, 'utf8')).toBeGreaterThan(200);
      expect([...x.title].length).toBeLessThanOrEqual(200);
      const s = newSession({ title: x.title, hubId: hub(x.hub).id, zone: x.zone, language: x.lang, date: '2026-06-17', time: '11:00' });
      expect(s.title).toBe(x.title);
      const r = register(s.id, { language: x.lang, zone: x.zone, country: x.country });
      return { ...x, s, r };
    });
    const msgs = await deliver();
    const invites: string[] = [];
    for (const c of created) {
      const m = only(msgs, c.r.email!);
      expect(m.parsed.subject).toContain(c.title);
      expect(m.parsed.text).toContain(c.title);
      expect(m.parsed.html as string).toContain(c.title.replace(/&/g, '&amp;'));
      const part = calendarOf(m);
      const startMs = oracleUtc('2026-06-17', '11:00', c.zone);
      const ev = expectPersonalInvite(part, { method: 'REQUEST', session: fresh(c.s.id), recipient: c.r.email!, organiser: `contact@${c.hub}.example`, startMs, endMs: startMs + 3_600_000 });
      expect(ev.getFirstPropertyValue('summary')).toBe(c.title);
      // The SUMMARY really was folded (it is longer than one line can hold), and never inside a character.
      expect(part.text).toMatch(/\r\nSUMMARY:[^\r\n]*\r\n [^\r\n]/);
      expect(lineComplaints(part.bytes)).toEqual([]);
      invites.push(part.text);
    }
    expect(await strictComplaintsMany(invites)).toEqual(invites.map(() => []));
  });
});

describe('DTSTART across the clock changes of 2026 and 2027', () => {
  const ZONES = ['Europe/Athens', 'Europe/Madrid', 'Atlantic/Canary', 'Asia/Nicosia'];
  const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

  it('puts a 10:00 session on the Saturday before, the Sunday of and the Sunday after each change at the fixture instant', async () => {
    const cases: { zone: string; date: string; startMs: number; offset: number; s: Session; r: Registration }[] = [];
    for (const zone of ZONES) {
      const changes = must(zoneChanges[zone], `the changes of ${zone}`).filter((c) => /^202[67]-/.test(c.utc));
      expect(changes).toHaveLength(4);
      for (const change of changes) {
        const sunday = change.utc.slice(0, 10);
        expect(new Date(`${sunday}T00:00:00Z`).getUTCDay()).toBe(0);
        for (const [date, offset] of [
          [addDays(sunday, -1), change.offsetBefore],
          [sunday, change.offsetAfter],
          [addDays(sunday, 7), change.offsetAfter],
        ] as const) {
          const startMs = oracleUtc(date, '10:00', zone);
          // The oracle agrees with the fixture's offsets on each side of the change.
          expect(startMs).toBe(Date.parse(`${date}T10:00:00Z`) - offset * 60_000);
          const s = newSession({ title: `Clinic ${zone} ${date}`, zone, date, time: '10:00', durationMinutes: 90 });
          const r = register(s.id, { zone, language: 'en' });
          cases.push({ zone, date, startMs, offset, s, r });
        }
      }
    }
    const msgs = await deliver();
    expect(msgs).toHaveLength(cases.length);
    const invites: string[] = [];
    for (const c of cases) {
      const m = only(msgs, c.r.email!);
      const part = calendarOf(m);
      expectPersonalInvite(part, { method: 'REQUEST', session: fresh(c.s.id), recipient: c.r.email!, organiser: 'contact@connected-mobility-hub.example', startMs: c.startMs, endMs: c.startMs + 90 * 60_000 });
      expect(fresh(c.s.id).startUtc).toBe(c.startMs);
      // The email says 10:00 with the offset in force that day, written from the fixture.
      expect(oracleOffset(c.startMs, c.zone)).toBe(c.offset);
      expect(wallHm(c.startMs, c.offset)).toBe('10:00');
      expect(m.parsed.text).toContain(`10:00 (${c.zone}, ${offsetLabel(c.offset)})`);
      invites.push(part.text);
    }
    expect(await strictComplaintsMany(invites)).toEqual(invites.map(() => []));
  });
});

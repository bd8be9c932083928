/**
 * Each registrant's invite, update, cancellation and personal feed in their own language, whatever
 * the session's, and invite mail the way Outlook and Gmail expect it: a Spanish session with one
 * registrant in each of the eight languages; the real app on a temporary database, a real
 * dispatcher and SMTP sink (every message parsed back with mailparser, every calendar with ical.js
 * and the strict parsers), the personal feed over HTTP on a real port. Expected words come from the
 * catalogues and from Intl, expected instants and offsets from the zone-change fixture.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarStrings } from '../../../../src/core/calendar/index.js';
import { LANGUAGES, t as tr, type Language } from '../../../../src/core/i18n/index.js';
import type { Organiser } from '../../../../src/modules/organisers/repository.js';
import type { Registration } from '../../../../src/modules/registrations/repository.js';
import type { Session } from '../../../../src/modules/sessions/repository.js';
import { ADMIN, makeApp, type TestApp } from '../../../helpers/app.js';
import { HttpClient, listen } from '../../../helpers/http.js';
import { strictComplaintsMany } from '../../../helpers/ics-validate.js';
import { withMail, type TestMail } from '../../../helpers/mail.js';
import { must } from '../../../helpers/must.js';
import type { SinkMessage } from '../../../helpers/smtp-sink.js';
import { offsetLabel, oracleOffset, oracleUtc } from '../../../helpers/zone-oracle.js';

const SESSION_ZONE = 'Europe/Madrid';
/** Where each registrant lives: 09:00 Madrid is 08:00 in the Canaries, 10:00 in Athens... */
const ZONES: Record<Language, string> = {
  en: 'Atlantic/Canary',
  el: 'Europe/Athens',
  ro: 'Europe/Bucharest',
  lt: 'Europe/Vilnius',
  it: 'Europe/Rome',
  es: 'Europe/Madrid',
  pl: 'Europe/Warsaw',
  bg: 'Europe/Sofia',
};
const TITLE = 'Facturación electrónica interoperable';
const START = oracleUtc('2026-05-20', '09:00', SESSION_ZONE);
const MOVED = oracleUtc('2026-05-21', '09:00', SESSION_ZONE);

let t: TestApp;
let mail: TestMail;
let admin: Organiser;
let http: HttpClient;
let session: Session;
const regs = new Map<Language, Registration>();

/** Kairos writes English dates the European way (en-GB). */
const intlLocale = (lang: Language) => (lang === 'en' ? 'en-GB' : lang);
/** The date as Intl writes it in a language ("miércoles, 20 de mayo de 2026"). */
const dateWords = (ms: number, zone: string, lang: Language) =>
  new Intl.DateTimeFormat(intlLocale(lang), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: zone }).format(ms);
/** HH:MM of the wall clock at `ms` in `zone`, by the fixture's offset. */
const wallHm = (ms: number, zone: string) => new Date(ms + oracleOffset(ms, zone) * 60_000).toISOString().slice(11, 16);
/** "When: <date>, 09:00–10:00 (Europe/Madrid, UTC+02:00)" in a language, built from the catalogue, Intl and the fixture. */
const whenLine = (lang: Language, startMs: number) =>
  `${calendarStrings(lang).when}: ${dateWords(startMs, SESSION_ZONE, lang)}, ${wallHm(startMs, SESSION_ZONE)}–${wallHm(startMs + 3_600_000, SESSION_ZONE)} (${SESSION_ZONE}, ${offsetLabel(oracleOffset(startMs, SESSION_ZONE))})`;

async function deliver(): Promise<SinkMessage[]> {
  t.clock.advance(60_000);
  const before = mail.sink.messages.length;
  await mail.drain();
  return mail.sink.messages.slice(before);
}
const only = (msgs: SinkMessage[], lang: Language): SinkMessage => {
  const list = msgs.filter((m) => m.envelope.rcptTo.includes(`${lang}@example.org`));
  expect(list, `messages to ${lang}`).toHaveLength(1);
  return must(list[0], `the message to ${lang}`);
};
/** The text/calendar alternative of a message. */
const calendarText = (m: SinkMessage): string =>
  must(
    m.parsed.attachments.find((a) => a.contentType === 'text/calendar' && a.contentDisposition !== 'attachment'),
    'the text/calendar alternative',
  ).content.toString('utf8');
const veventOf = (ics: string) => must(ICAL.Component.fromString(ics).getFirstSubcomponent('vevent'), 'the VEVENT');
const description = (ics: string) => String(veventOf(ics).getFirstPropertyValue('description'));
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((x) => must(x[1], 'an href').replace(/&amp;/g, '&'));

beforeAll(async () => {
  t = await makeApp({ now: '2026-04-01T09:00:00Z' });
  mail = await withMail(t);
  http = new HttpClient(await listen(t));
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  session = t.services.sessions.create(
    {
      title: TITLE,
      hubId: t.services.repos.hubs.getBySlug('connected-mobility-hub')!.id,
      date: '2026-05-20',
      time: '09:00',
      zone: SESSION_ZONE,
      durationMinutes: 60,
      language: 'es',
      joinUrl: 'https://meet.example.org/room/facturacion',
      doubleOptIn: false,
    },
    admin,
  );
  expect(session.language).toBe('es');
  for (const lang of LANGUAGES) {
    const { registration, outcome } = t.services.registrations.register(
      session.id,
      { name: `Persona ${lang}`, email: `${lang}@example.org`, orgType: 'public', hubId: '', country: 'ES', language: lang, zone: ZONES[lang], consent: 'on' },
      'api',
    );
    expect(outcome).toBe('confirmed');
    regs.set(lang, registration);
  }
});
afterAll(async () => {
  await mail?.close();
  await t?.close();
});

describe('a Spanish session with a registrant in each of the eight languages', () => {
  let confirmations: SinkMessage[];
  beforeAll(async () => {
    confirmations = await deliver();
  });

  it("writes each invite's DESCRIPTION in the recipient's language: their \"When\" label and date words", async () => {
    const invites: string[] = [];
    for (const lang of LANGUAGES) {
      const ics = calendarText(only(confirmations, lang));
      invites.push(ics);
      const text = description(ics);
      expect(text, lang).toContain(whenLine(lang, START));
      expect(text, lang).toContain(`${calendarStrings(lang).join}: `);
      expect(text, lang).toContain(`${calendarStrings(lang).page}: http://kairos.test/sessions/${session.id}`);
      if (lang !== 'es') {
        expect(text, lang).not.toContain('Cuándo');
        expect(text, lang).not.toContain('miércoles');
      }
    }
    // Spot checks by hand, for the languages the report named.
    expect(description(must(invites[0], 'en'))).toContain('When: Wednesday, 20 May 2026, 09:00–10:00 (Europe/Madrid, UTC+02:00)');
    expect(description(must(invites[1], 'el'))).toContain('Πότε: Τετάρτη 20 Μαΐου 2026, 09:00–10:00');
    expect(description(must(invites[7], 'bg'))).toContain('Кога: сряда, 20 май 2026 г., 09:00–10:00');
    expect((await strictComplaintsMany(invites)).flat()).toEqual([]);
  });

  it('sends the invite the way Outlook expects: Content-Class, Reply-To the hub, one text/calendar alternative and a text/calendar attachment', () => {
    for (const lang of LANGUAGES) {
      const m = only(confirmations, lang);
      expect(m.parsed.headers.get('content-class'), lang).toBe('urn:content-classes:calendarmessage');
      expect(m.parsed.replyTo?.value.map((a) => a.address), lang).toEqual(['contact@connected-mobility-hub.example']);
      const cals = m.parsed.attachments.filter((a) => a.contentType === 'text/calendar');
      expect(cals.map((a) => a.contentDisposition ?? 'inline').sort(), lang).toEqual(['attachment', 'inline']);
      expect(m.parsed.attachments.some((a) => a.contentType === 'application/ics'), lang).toBe(false);
      const file = must(cals.find((a) => a.contentDisposition === 'attachment'), 'the .ics attachment');
      const ct = file.headers.get('content-type') as { value: string; params: Record<string, string> };
      expect(ct.value).toBe('text/calendar');
      expect(ct.params.method).toBe('REQUEST');
      expect(ct.params.charset?.toLowerCase()).toBe('utf-8');
      expect(file.filename).toBe('invite.ics');
      expect(file.content.toString('utf8')).toBe(calendarText(m));
      // The raw header exactly as specified for the attachment.
      expect(m.raw.toString('utf8')).toContain('Content-Type: text/calendar; method=REQUEST; charset=UTF-8');
    }
  });

  it('states the time once, with two-digit hours in every language (09:00, never 9:00)', () => {
    for (const lang of LANGUAGES) {
      const m = only(confirmations, lang);
      const text = must(m.parsed.text, 'the text part');
      const html = m.parsed.html as string;
      const zone = ZONES[lang];
      // "10:00 (Europe/Sofia, UTC+03:00)", or "10:00 ч. (…)" in Bulgarian.
      const stated = (z: string) => new RegExp(`${wallHm(START, z)}(?: ч\\.)? \\(${z.replace('/', '\\/')}, ${offsetLabel(oracleOffset(START, z)).replace('+', '\\+')}\\)`, 'g');
      const mine = stated(zone);
      const theirs = stated(SESSION_ZONE);
      const count = (hay: string, needle: string | RegExp) => (typeof needle === 'string' ? hay.split(needle).length - 1 : [...hay.matchAll(needle)].length);
      // Once under "Your time" and once under "Session time" (the same line twice for someone in Madrid), nowhere else.
      if (zone !== SESSION_ZONE) {
        expect(count(text, mine), `${lang}: the recipient's time, once`).toBe(1);
        expect(count(text, theirs), `${lang}: the session's time, once`).toBe(1);
      } else {
        expect(count(text, mine), `${lang}: the time under each of the two labels`).toBe(2);
      }
      // No second block (a "When: …" or a range) repeating the same zones.
      expect(count(text, `(${zone}, UTC`), lang).toBe(zone === SESSION_ZONE ? 2 : 1);
      expect(count(text, `(${SESSION_ZONE}, UTC`), lang).toBe(zone === SESSION_ZONE ? 2 : 1);
      expect(count(text, `${tr(lang, 'email.time.yours')}: `), lang).toBe(1);
      expect(count(text, `${tr(lang, 'email.time.session')}: `), lang).toBe(1);
      // The date words of the recipient's language, in their zone.
      expect(text, lang).toContain(dateWords(START, zone, lang));
      for (const body of [text, html]) {
        expect(body, lang).not.toMatch(/(?<![\d:.%])\d:[0-5]\d(?!\d)/);
      }
    }
  });

  it('links to Google Calendar, Outlook.com and Microsoft 365, labelled and filled in the recipient\'s language', () => {
    for (const lang of LANGUAGES) {
      const m = only(confirmations, lang);
      const html = m.parsed.html as string;
      const text = must(m.parsed.text, 'the text part');
      const links = hrefs(html);
      const live = must(links.find((h) => h.startsWith('https://outlook.live.com/calendar/0/deeplink/compose?')), `${lang}: Outlook.com link`);
      const office = must(links.find((h) => h.startsWith('https://outlook.office.com/calendar/0/deeplink/compose?')), `${lang}: Microsoft 365 link`);
      const google = must(links.find((h) => h.startsWith('https://calendar.google.com/calendar/render?')), `${lang}: Google link`);
      for (const label of [tr(lang, 'cal.outlook'), tr(lang, 'cal.outlook365'), tr(lang, 'cal.google')]) {
        expect(html, lang).toContain(`>${label.replace(/&/g, '&amp;')}<`);
        expect(text, lang).toContain(label);
      }
      expect(tr(lang, 'cal.outlook')).toContain('Outlook.com');
      expect(tr(lang, 'cal.outlook365')).toContain('Microsoft 365');
      expect(new URL(live).searchParams.get('body'), lang).toContain(whenLine(lang, START));
      expect(new URL(office).searchParams.get('body'), lang).toContain(whenLine(lang, START));
      expect(new URL(google).searchParams.get('details'), lang).toContain(whenLine(lang, START));
    }
  });

  it('keeps the personal feed in the person\'s language, with a refresh interval, over HTTP', async () => {
    const feeds: string[] = [];
    for (const lang of LANGUAGES) {
      const res = await http.get(`/r/${t.services.registrations.tokenFor(must(regs.get(lang), lang))}/calendar.ics`);
      expect(res.statusCode).toBe(200);
      feeds.push(res.body);
      const cal = ICAL.Component.fromString(res.body);
      expect(cal.getFirstPropertyValue('x-wr-calname'), lang).toBe(tr(lang, 'cal.personal.feedName'));
      expect(res.body).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
      expect(res.body).toContain('\r\nX-PUBLISHED-TTL:PT1H\r\n');
      expect(description(res.body), lang).toContain(whenLine(lang, START));
    }
    expect((await strictComplaintsMany(feeds)).flat()).toEqual([]);
  });

  it('sends the update in each person\'s language, then the cancellation, and the feed marks it cancelled in their language', async () => {
    t.clock.advance(3_600_000);
    t.services.sessions.update(session.id, { date: '2026-05-21' }, admin);
    const updates = await deliver();
    const all: string[] = [];
    for (const lang of LANGUAGES) {
      const ics = calendarText(only(updates, lang));
      all.push(ics);
      expect(description(ics), lang).toContain(whenLine(lang, MOVED));
    }
    t.clock.advance(3_600_000);
    t.services.sessions.cancel(session.id, admin);
    const cancels = await deliver();
    for (const lang of LANGUAGES) {
      const m = only(cancels, lang);
      const ics = calendarText(m);
      all.push(ics);
      expect(ICAL.Component.fromString(ics).getFirstPropertyValue('method')).toBe('CANCEL');
      expect(description(ics), lang).toContain(calendarStrings(lang).cancelled);
      expect(description(ics), lang).toContain(whenLine(lang, MOVED));
      expect(m.raw.toString('utf8')).toContain('Content-Type: text/calendar; method=CANCEL; charset=UTF-8');
      expect(m.parsed.headers.get('content-class')).toBe('urn:content-classes:calendarmessage');

      const feed = (await http.get(`/r/${t.services.registrations.tokenFor(must(regs.get(lang), lang))}/calendar.ics`)).body;
      all.push(feed);
      const ev = veventOf(feed);
      expect(ev.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(ev.getFirstPropertyValue('summary'), lang).toBe(tr(lang, 'cal.feed.cancelledTitle', { title: TITLE }));
      expect(String(ev.getFirstPropertyValue('summary'))).not.toBe(TITLE);
    }
    expect((await strictComplaintsMany(all)).flat()).toEqual([]);
  });
});

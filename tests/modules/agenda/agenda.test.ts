/**
 * The agenda of a session, through the real app: the owning hub's organisers build it on their page
 * (add, edit, reorder, remove; co-hosting hubs only look); it shows on the public session page (in
 * the viewer's zone and the nine places) and on a printable page, and each registrant's invite lists
 * it in their own language and zone. Moving the session moves the agenda, across a clock change too.
 * Email through a real SMTP sink, invites parsed back with ical.js; expected instants from the
 * zone-change fixture.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { organiserActor } from '../../../src/core/audit/index.js';
import { AppError, ValidationError } from '../../../src/core/errors.js';
import type { Session } from '../../../src/modules/sessions/index.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { lineComplaints } from '../../helpers/ics-validate.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';
import { sessionForm } from '../../helpers/sessions.js';
import type { SinkMessage } from '../../helpers/smtp-sink.js';
import { oracleOffset, oracleUtc } from '../../helpers/zone-oracle.js';

let t: TestApp;
let mail: TestMail;
let owner: Browser;
let cohost: Browser;

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const admin = () => must(t.services.repos.organisers.credentials(ADMIN.email), 'the administrator').organiser;

/** Four items, 80 minutes in all. */
const WELCOME = { kind: 'welcome', title: 'Opening', durationMinutes: '15', speaker1Name: 'Eleni Papadopoulou', speaker1Affiliation: 'GRNET' };
const CASE = {
  kind: 'case_study',
  title: 'E-invoicing in Cyprus',
  durationMinutes: '30',
  speaker1Name: 'Andreas Georgiou',
  speaker1Affiliation: 'DigInn Cyprus',
  speaker2Name: 'María López',
  speaker2Affiliation: '',
};
const BREAK = { kind: 'break', title: 'Coffee', durationMinutes: '10' };
const DISCUSSION = { kind: 'discussion', title: 'Questions & answers', durationMinutes: '25' };

/** An Athens session of the Greek hub, co-hosted by the Romanian one. */
function newSession(extra: Record<string, unknown> = {}): Session {
  return t.services.sessions.create(
    {
      title: 'Digital public services in practice',
      hubId: hubId('gr-digigov-innohub'),
      coHostIds: [hubId('dih4society')],
      date: '2026-04-01',
      time: '10:00',
      zone: 'Europe/Athens',
      durationMinutes: 120,
      doubleOptIn: false,
      joinUrl: 'https://meet.example.org/m',
      ...extra,
    },
    admin(),
  );
}

const listUrl = (s: Session) => `/organiser/sessions/${s.id}/agenda`;
const stored = (s: Session) => t.db.prepare('SELECT kind, title, duration_minutes, speakers FROM session_agenda_items WHERE session_id = ? ORDER BY position, id').all(s.id);
const ids = (s: Session) => (t.db.prepare('SELECT id FROM session_agenda_items WHERE session_id = ? ORDER BY position, id').all(s.id) as { id: number }[]).map((r) => r.id);

async function add(s: Session, item: Record<string, string>, as = owner) {
  await as.get(listUrl(s));
  return as.post(listUrl(s), item);
}

async function addFour(s: Session) {
  for (const item of [WELCOME, CASE, BREAK, DISCUSSION]) expect((await add(s, item)).headers.location).toMatch(/\/agenda\?msg=agenda\.added#a-\d+$/);
}

/** A visitor whose browser told its zone (the cookie the page's script sets), reading a language. */
function visitor(zone: string, lang = 'en'): Browser {
  const b = new Browser(t.app, { 'accept-language': lang });
  b.cookies.set('kairos_tz', encodeURIComponent(zone));
  return b;
}

/** The rows of the agenda table on a page, as text. */
function agendaRows(html: string): string[] {
  const table = must(/<table class="[^"]*agenda"[^>]*id="agenda">[\s\S]*?<\/table>/.exec(html), 'the agenda table')[0];
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => text(must(m[1], 'a row')));
}

/** A browser signed in now. */
async function signIn(who: { email: string; password: string }): Promise<Browser> {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  expect((await b.login(who.email, who.password)).statusCode).toBe(303);
  return b;
}

/** The text/calendar alternative of a message, and its DESCRIPTION as a calendar reads it. */
const calendarText = (m: SinkMessage): string =>
  must(
    m.parsed.attachments.find((a) => a.contentType === 'text/calendar' && a.contentDisposition !== 'attachment'),
    'the text/calendar alternative',
  ).content.toString('utf8');
const description = (ics: string) => String(must(ICAL.Component.fromString(ics).getFirstSubcomponent('vevent'), 'the VEVENT').getFirstPropertyValue('description'));
const to = (msgs: SinkMessage[], address: string) => must(msgs.filter((m) => m.envelope.rcptTo.includes(address)).at(-1), `mail to ${address}`);

async function deliver(): Promise<SinkMessage[]> {
  t.clock.advance(60_000);
  const before = mail.sink.messages.length;
  await mail.drain();
  return mail.sink.messages.slice(before);
}

beforeAll(async () => {
  t = await makeApp({ now: '2026-03-20T12:00:00Z' });
  mail = await withMail(t);
  owner = await signIn(GR_ORGANISER);
  cohost = await signIn(RO_ORGANISER);
});

afterAll(async () => {
  await mail.close();
  await t.close();
});

beforeEach(() => {
  t.clock.set('2026-03-20T12:00:00Z');
});

describe('the organiser page', () => {
  it('is linked from the organiser list, builds an agenda in order and shows each time in the organiser\'s zone, named', async () => {
    const s = newSession();
    expect((await owner.get('/organiser')).body).toContain(`href="/organiser/sessions/${s.id}/agenda"`);
    const empty = await owner.get(listUrl(s));
    expect(empty.statusCode).toBe(200);
    expect(text(empty.body)).toContain('No agenda yet.');
    await addFour(s);
    const page = await owner.get(`${listUrl(s)}?msg=agenda.added`);
    expect(text(page.body)).toContain('The item has been added to the agenda.');
    // Eleni's zone is Athens: 10:00 there on 1 April (UTC+03:00)
    expect(text(page.body)).toContain('Times in Europe/Athens (UTC+03:00)');
    expect(agendaRows(page.body).map((r) => r.replace(/ Edit.*$/, ''))).toEqual([
      '10:00–10:15 Welcome: Opening Eleni Papadopoulou (GRNET) 15 minutes',
      '10:15–10:45 Case study: E-invoicing in Cyprus Andreas Georgiou (DigInn Cyprus), María López 30 minutes',
      '10:45–10:55 Break: Coffee 10 minutes',
      '10:55–11:20 Discussion: Questions &amp; answers 25 minutes'.replace('&amp;', '&'),
    ]);
    expect(text(page.body)).toContain("In all: 80 minutes of the session's 120 minutes.");
    expect(stored(s)).toEqual([
      { kind: 'welcome', title: 'Opening', duration_minutes: 15, speakers: '[{"name":"Eleni Papadopoulou","affiliation":"GRNET"}]' },
      { kind: 'case_study', title: 'E-invoicing in Cyprus', duration_minutes: 30, speakers: '[{"name":"Andreas Georgiou","affiliation":"DigInn Cyprus"},{"name":"María López","affiliation":""}]' },
      { kind: 'break', title: 'Coffee', duration_minutes: 10, speakers: '[]' },
      { kind: 'discussion', title: 'Questions & answers', duration_minutes: 25, speakers: '[]' },
    ]);
    expect(page.body).not.toContain('undefined');
    // every change is in the audit log, named by the item's number
    const log = text((await owner.get(`/organiser/audit?session=${s.id}`)).body);
    expect(log).toContain('Agenda changed');
    expect(log).toContain(`Item ${must(ids(s)[0], 'the first item')} added`);
  });

  it('edits, reorders with up and down (the times follow), and removes', async () => {
    const s = newSession();
    await addFour(s);
    const [a, b, c, d] = ids(s);
    await owner.get(listUrl(s));
    expect((await owner.post(`${listUrl(s)}/${must(c, 'c')}/move`, { direction: 'up' })).statusCode).toBe(303);
    expect(ids(s)).toEqual([a, c, b, d]);
    await owner.get(listUrl(s));
    await owner.post(`${listUrl(s)}/${must(a, 'a')}/move`, { direction: 'up' }); // at the top it stays
    expect(ids(s)).toEqual([a, c, b, d]);
    const moved = await owner.get(listUrl(s));
    expect(agendaRows(moved.body)[1]).toMatch(/^10:15–10:25 Break: Coffee/);
    expect(agendaRows(moved.body)[2]).toMatch(/^10:25–10:55 Case study: E-invoicing in Cyprus/);

    const edit = await owner.get(`${listUrl(s)}/${must(b, 'b')}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="E-invoicing in Cyprus"');
    expect(edit.body).toContain('value="María López"');
    expect((await owner.post(`${listUrl(s)}/${b}`, { ...CASE, title: 'E-invoicing in Cyprus, one year on', durationMinutes: '40', speaker2Name: '' })).statusCode).toBe(303);
    expect(stored(s)[2]).toEqual({ kind: 'case_study', title: 'E-invoicing in Cyprus, one year on', duration_minutes: 40, speakers: '[{"name":"Andreas Georgiou","affiliation":"DigInn Cyprus"}]' });
    expect(agendaRows((await owner.get(listUrl(s))).body)[3]).toMatch(/^11:05–11:30 Discussion/);

    await owner.get(listUrl(s));
    expect((await owner.post(`${listUrl(s)}/${must(c, 'c')}/delete`, {})).statusCode).toBe(303);
    expect(ids(s)).toEqual([a, b, d]);
    const after = await owner.get(`${listUrl(s)}?msg=agenda.removed`);
    expect(text(after.body)).toContain('The item has been removed from the agenda.');
    expect(agendaRows(after.body)[1]).toMatch(/^10:15–10:55 Case study/);
  });

  it('refuses an item that would make the agenda end after the session, beside its duration, and loses nothing', async () => {
    const s = newSession({ durationMinutes: 60 });
    await add(s, WELCOME);
    await add(s, CASE);
    const before = JSON.stringify(stored(s));
    const res = await add(s, { ...DISCUSSION, durationMinutes: '35' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<p class="error" id="f-durationMinutes-error">The agenda would end 20 minutes after the session.</p>');
    expect(res.body).toContain('href="#f-durationMinutes"');
    expect(res.body).toMatch(/class="alert error-summary"/);
    expect(res.body).toContain('value="Questions &amp; answers"');
    expect(res.body).toContain('value="35"');
    expect(JSON.stringify(stored(s))).toBe(before);
    // an edit that would run over is refused the same way, the item kept as it was
    const [first] = ids(s);
    await owner.get(`${listUrl(s)}/${must(first, 'the first item')}/edit`);
    const edit = await owner.post(`${listUrl(s)}/${first}`, { ...WELCOME, durationMinutes: '31' });
    expect(edit.statusCode).toBe(400);
    expect(edit.body).toContain('The agenda would end 1 minute after the session.');
    expect(JSON.stringify(stored(s))).toBe(before);
    // what fits is taken
    expect((await add(s, { ...DISCUSSION, durationMinutes: '15' })).statusCode).toBe(303);
  });

  it('warns of the overrun when the session is later made shorter', async () => {
    const s = newSession();
    await addFour(s);
    await owner.get(`/organiser/sessions/${s.id}/edit`);
    const form = sessionForm(t, { title: s.title, coHostIds: [String(hubId('dih4society'))], date: '2026-04-01', time: '10:00', durationMinutes: '60', doubleOptIn: '' });
    expect((await owner.post(`/organiser/sessions/${s.id}`, form)).statusCode).toBe(303);
    const warning = 'The agenda runs 20 minutes past the end of the session.';
    expect(text((await owner.get(listUrl(s))).body)).toContain(warning);
    // the organiser sees it on the session page and the printable agenda; visitors do not
    expect(text((await owner.get(`/sessions/${s.id}`)).body)).toContain(warning);
    expect(text((await owner.get(`/sessions/${s.id}/agenda`)).body)).toContain(warning);
    expect(text((await visitor('Europe/Athens').get(`/sessions/${s.id}`)).body)).not.toContain(warning);
  });

  it('refuses bad input beside each field, keeps what was typed, and stores nothing', async () => {
    const s = newSession();
    await add(s, WELCOME);
    const before = JSON.stringify(stored(s));
    const long = 'x'.repeat(201);
    const six: Record<string, string> = {};
    for (let n = 1; n <= 6; n++) Object.assign(six, { [`speaker${n}Name`]: `Speaker ${n}`, [`speaker${n}Affiliation`]: `Hub ${n}` });
    const cases: [Record<string, string>, string, string][] = [
      [{ ...BREAK, kind: 'lunch' }, 'kind', 'Choose one of the kinds in the list.'],
      [{ ...BREAK, durationMinutes: '0' }, 'durationMinutes', 'Enter a whole number of minutes from 1 to 600.'],
      [{ ...BREAK, durationMinutes: '601' }, 'durationMinutes', 'Enter a whole number of minutes from 1 to 600.'],
      [{ ...BREAK, durationMinutes: '7.5' }, 'durationMinutes', 'Enter a whole number of minutes from 1 to 600.'],
      [{ ...BREAK, title: long }, 'title', 'At most 200 characters.'],
      [{ ...BREAK, title: '' }, 'title', 'This field is required.'],
      [{ ...BREAK, ...six }, 'speakers', 'At most 5 speakers.'],
      [{ ...BREAK, speaker2Affiliation: 'GRNET' }, 'speaker2Name', "Enter the speaker's name."],
    ];
    for (const [form, field, message] of cases) {
      const res = await add(s, form);
      expect(res.statusCode, `${field}: ${form[field]?.slice(0, 20)}`).toBe(400);
      expect(res.body).toContain(`<p class="error" id="f-${field}-error">${message.replace(/'/g, '&#39;')}</p>`);
      expect(res.body).toContain(`href="#f-${field}"`);
      expect(res.body).toMatch(/class="alert error-summary"/);
      expect(res.body).not.toContain('undefined');
    }
    // what was typed is still there: the long title, all six speakers
    expect((await add(s, { ...BREAK, title: long })).body).toContain(`value="${long}"`);
    const sixBack = await add(s, { ...BREAK, ...six });
    expect(sixBack.body).toContain('value="Speaker 6"');
    expect(sixBack.body).toContain('value="Hub 6"');
    // a list where one value is expected
    const list = await add(s, { ...BREAK, speaker1Name: ['one', 'two'] } as unknown as Record<string, string>);
    expect(list.statusCode).toBe(400);
    expect(list.body).toContain('id="f-speaker1Name-error"');
    expect(JSON.stringify(stored(s))).toBe(before);
  });

  it('lets a co-hosting hub see the agenda but change nothing (403), and shows another hub\'s organiser nothing', async () => {
    const s = newSession();
    await addFour(s);
    const [a] = ids(s);
    const item = must(a, 'the first item');
    const view = await cohost.get(listUrl(s));
    expect(view.statusCode).toBe(200);
    expect(text(view.body)).toContain('E-invoicing in Cyprus');
    // Ana's zone is Bucharest
    expect(text(view.body)).toContain('Times in Europe/Bucharest (UTC+03:00)');
    expect(text(view.body)).toContain('you can see its agenda');
    expect(view.body).not.toContain(`method="post" action="/organiser/sessions/${s.id}/agenda"`);
    expect(view.body).not.toContain('/move"');
    const before = JSON.stringify(stored(s));
    expect((await cohost.post(listUrl(s), BREAK)).statusCode).toBe(403);
    await cohost.get(listUrl(s));
    expect((await cohost.post(`${listUrl(s)}/${item}`, { ...WELCOME, title: 'Renamed' })).statusCode).toBe(403);
    await cohost.get(listUrl(s));
    expect((await cohost.post(`${listUrl(s)}/${item}/move`, { direction: 'down' })).statusCode).toBe(403);
    await cohost.get(listUrl(s));
    expect((await cohost.post(`${listUrl(s)}/${item}/delete`, {})).statusCode).toBe(403);
    expect((await cohost.get(`${listUrl(s)}/${item}/edit`)).statusCode).toBe(403);
    expect(JSON.stringify(stored(s))).toBe(before);
    // a session of a hub with no part in it
    const other = t.services.sessions.create({ title: 'Vilnius only', hubId: hubId('govtech-lab-vilnius'), date: '2026-04-02', time: '10:00', zone: 'Europe/Vilnius', durationMinutes: 60 }, admin());
    expect((await cohost.get(listUrl(other))).statusCode).toBe(403);
    await owner.get(listUrl(s));
    expect((await owner.post(listUrl(other), BREAK)).statusCode).toBe(403);
    expect(stored(other)).toEqual([]);
  });
});

describe('where the agenda shows', () => {
  it('the session page shows it in the viewer\'s zone (Athens, Madrid, New York) and in the nine places, alike for every visitor', async () => {
    const s = newSession();
    const first = visitor('Europe/Madrid');
    // seen once before the agenda exists: the kept page must not outlive the change
    expect((await first.get(`/sessions/${s.id}`)).body).not.toContain('id="h-agenda"');
    await addFour(s);
    const expected: Record<string, [string, string[]]> = {
      'Europe/Athens': ['Times in Europe/Athens (UTC+03:00)', ['10:00–10:15', '10:15–10:45', '10:45–10:55', '10:55–11:20']],
      'Europe/Madrid': ['Times in Europe/Madrid (UTC+02:00)', ['09:00–09:15', '09:15–09:45', '09:45–09:55', '09:55–10:20']],
      'America/New_York': ['Times in America/New York (UTC−04:00)', ['03:00–03:15', '03:15–03:45', '03:45–03:55', '03:55–04:20']],
    };
    for (const [zone, [heading, times]] of Object.entries(expected)) {
      for (const b of zone === 'Europe/Madrid' ? [first, visitor(zone)] : [visitor(zone)]) {
        const page = await b.get(`/sessions/${s.id}`);
        expect(page.statusCode).toBe(200);
        expect(text(page.body)).toContain(heading);
        const rows = agendaRows(page.body);
        expect(rows.map((r) => r.slice(0, 11))).toEqual(times);
        expect(rows[1]).toContain('Case study: E-invoicing in Cyprus Andreas Georgiou (DigInn Cyprus), María López 30 minutes');
        expect(page.body).not.toContain('undefined');
      }
    }
    // the nine places, whatever the viewer's zone: the case study at 08:15 in the Canaries, 10:15 in Nicosia
    const page = await visitor('America/New_York').get(`/sessions/${s.id}`);
    const places = must(/<table class="agenda-places">[\s\S]*?<\/table>/.exec(page.body), 'the places table')[0];
    const head = text(must(/<thead>[\s\S]*?<\/thead>/.exec(places), 'its head')[0]);
    for (const p of ['Athens', 'Bucharest', 'Vilnius', 'Rome', 'Madrid', 'Canary Islands', 'Warsaw', 'Sofia', 'Nicosia']) expect(head).toContain(p);
    const caseRow = text(must(/<tr>\s*<th scope="row">E-invoicing in Cyprus<\/th>[\s\S]*?<\/tr>/.exec(places), 'the case study row')[0]);
    expect(caseRow).toBe('E-invoicing in Cyprus 10:15–10:45 10:15–10:45 10:15–10:45 09:15–09:45 09:15–09:45 08:15–08:45 09:15–09:45 10:15–10:45 10:15–10:45');
    // a signed-in organiser of another hub sees the same agenda
    expect(agendaRows((await cohost.get(`/sessions/${s.id}`)).body)).toHaveLength(4);
  });

  it('the printable page: the page\'s language and the viewer\'s zone, named; no navigation when printed', async () => {
    const s = newSession();
    await addFour(s);
    const es = await visitor('Europe/Madrid', 'es').get(`/sessions/${s.id}/agenda`);
    expect(es.statusCode).toBe(200);
    expect(text(es.body)).toContain('Horas en Europe/Madrid (UTC+02:00)');
    expect(agendaRows(es.body)[1]).toBe('09:15–09:45 Caso práctico: E-invoicing in Cyprus Andreas Georgiou (DigInn Cyprus), María López 30 minutos');
    const el = await visitor('Europe/Athens', 'el').get(`/sessions/${s.id}/agenda`);
    expect(text(el.body)).toContain('Ώρες σε Europe/Athens (UTC+03:00)');
    expect(agendaRows(el.body)[0]).toMatch(/^10:00–10:15 Καλωσόρισμα: Opening/);
    const ny = await visitor('America/New_York').get(`/sessions/${s.id}/agenda`);
    expect(agendaRows(ny.body)[3]).toMatch(/^03:55–04:20 Discussion: Questions & answers/);
    // the print stylesheet hides the site's header, footer and the page's own links
    const css = (await t.app.inject({ url: '/public/css/kairos.css' })).body;
    expect(css).toMatch(/@media print \{\s*header\.site, footer\.site, \.skip, \.no-print/);
    expect(es.body).toContain('<p class="no-print"><a href="/sessions/');
    // a session without an agenda says so
    expect(text((await visitor('Europe/Madrid').get(`/sessions/${newSession().id}/agenda`)).body)).toContain('No agenda yet.');
  });

  it('an undated session has durations but no clock times until it is dated', async () => {
    const s = newSession({ status: 'tentative', date: undefined, time: undefined, approxMonth: '2026-09', approxPart: 'mid' });
    await add(s, WELCOME);
    await add(s, CASE);
    const page = await visitor('Europe/Madrid').get(`/sessions/${s.id}`);
    expect(text(page.body)).toContain('The session has no date yet: the agenda shows durations, and times once the session is dated.');
    expect(agendaRows(page.body)).toEqual(['Welcome: Opening Eleni Papadopoulou (GRNET) 15 minutes', 'Case study: E-invoicing in Cyprus Andreas Georgiou (DigInn Cyprus), María López 30 minutes']);
    expect(page.body).not.toContain('class="agenda-places"');
  });
});

describe('personal invites', () => {
  it("list the agenda in each recipient's language and zone, the zone named once, and follow the session when it moves across a clock change", async () => {
    // Friday 27 March 2026, 10:00 in Athens (UTC+02:00): the EU's clocks go forward on the Sunday after
    const s = newSession({ date: '2026-03-27', time: '10:00' });
    await addFour(s);
    const people = [
      { name: 'Carmen', email: 'carmen@example.org', language: 'es', zone: 'Europe/Madrid' },
      { name: 'Nikos', email: 'nikos@example.org', language: 'el', zone: 'Europe/Athens' },
      { name: 'John', email: 'john@example.org', language: 'en', zone: 'America/New_York' },
    ];
    for (const p of people) expect(t.services.registrations.register(s.id, { ...p, orgType: 'public', country: 'GR', consent: true }, 'api').outcome).toBe('confirmed');
    const sent = await deliver();
    const start = oracleUtc('2026-03-27', '10:00', 'Europe/Athens');
    expect(oracleOffset(start, 'Europe/Athens')).toBe(120);
    const expected = {
      'carmen@example.org': 'Programa (Europe/Madrid, UTC+01:00):\n09:00–09:15 Bienvenida: Opening — Eleni Papadopoulou (GRNET)\n09:15–09:45 Caso práctico: E-invoicing in Cyprus — Andreas Georgiou (DigInn Cyprus), María López\n09:45–09:55 Pausa: Coffee\n09:55–10:20 Debate: Questions & answers',
      'nikos@example.org': 'Πρόγραμμα (Europe/Athens, UTC+02:00):\n10:00–10:15 Καλωσόρισμα: Opening — Eleni Papadopoulou (GRNET)\n10:15–10:45 Μελέτη περίπτωσης: E-invoicing in Cyprus — Andreas Georgiou (DigInn Cyprus), María López\n10:45–10:55 Διάλειμμα: Coffee\n10:55–11:20 Συζήτηση: Questions & answers',
      'john@example.org': 'Agenda (America/New York, UTC−04:00):\n04:00–04:15 Welcome: Opening — Eleni Papadopoulou (GRNET)\n04:15–04:45 Case study: E-invoicing in Cyprus — Andreas Georgiou (DigInn Cyprus), María López\n04:45–04:55 Break: Coffee\n04:55–05:20 Discussion: Questions & answers',
    };
    for (const [address, agenda] of Object.entries(expected)) {
      const ics = calendarText(to(sent, address));
      expect(lineComplaints(ics), address).toEqual([]);
      const desc = description(ics);
      expect(desc, address).toContain(agenda);
      // the zone is named once in the agenda
      expect(desc.split(/\n\n/).find((part) => part.includes('Opening'))?.match(/\(Europe\/|\(America\//g)).toHaveLength(1);
    }
    // the confirmation's text and HTML parts list it too, in the recipient's zone
    const johns = to(sent, 'john@example.org').parsed;
    for (const part of [johns.text ?? '', String(johns.html)]) {
      expect(part).toContain('Agenda (America/New York, UTC−04:00):');
      expect(part).toContain('04:15–04:45 Case study: E-invoicing in Cyprus — Andreas Georgiou (DigInn Cyprus), María López');
    }
    expect(to(sent, 'nikos@example.org').parsed.text).toContain('10:45–10:55 Διάλειμμα: Coffee');
    // the organiser moves the session to Monday 30 March, 10:00 in Athens, now UTC+03:00
    await owner.get(`/organiser/sessions/${s.id}/edit`);
    const form = sessionForm(t, { title: s.title, coHostIds: [String(hubId('dih4society'))], date: '2026-03-30', time: '10:00', durationMinutes: '120', joinUrl: 'https://meet.example.org/m', doubleOptIn: '' });
    expect((await owner.post(`/organiser/sessions/${s.id}`, form)).statusCode).toBe(303);
    expect(oracleOffset(oracleUtc('2026-03-30', '10:00', 'Europe/Athens'), 'Europe/Athens')).toBe(180);
    // the pages: the same wall times in Athens and Madrid, an hour earlier in New York
    expect(agendaRows((await visitor('Europe/Athens').get(`/sessions/${s.id}`)).body)[0]).toMatch(/^10:00–10:15/);
    expect(agendaRows((await visitor('Europe/Madrid').get(`/sessions/${s.id}/agenda`)).body)[0]).toMatch(/^09:00–09:15/);
    expect(agendaRows((await visitor('America/New_York').get(`/sessions/${s.id}`)).body).map((r) => r.slice(0, 11))).toEqual(['03:00–03:15', '03:15–03:45', '03:45–03:55', '03:55–04:20']);
    // and the updated invites
    const updates = await deliver();
    expect(description(calendarText(to(updates, 'john@example.org')))).toContain('Agenda (America/New York, UTC−04:00):\n03:00–03:15 Welcome: Opening');
    expect(description(calendarText(to(updates, 'carmen@example.org')))).toContain('Programa (Europe/Madrid, UTC+02:00):\n09:00–09:15 Bienvenida: Opening');
    expect(description(calendarText(to(updates, 'nikos@example.org')))).toContain('Πρόγραμμα (Europe/Athens, UTC+03:00):\n10:00–10:15 Καλωσόρισμα: Opening');
  });

  it('carry no agenda when the session has none, nor does their email', async () => {
    const s = newSession();
    t.services.registrations.register(s.id, { name: 'Solo', email: 'solo@example.org', language: 'en', zone: 'Europe/Madrid', orgType: 'public', country: 'GR', consent: true }, 'api');
    const message = to(await deliver(), 'solo@example.org');
    expect(description(calendarText(message))).not.toContain('Agenda');
    expect(message.parsed.text).not.toContain('Agenda');
  });
});

describe('for other modules', () => {
  it('a call for case studies puts an accepted proposal on the agenda with its speakers, under the same rules', async () => {
    const s = newSession({ durationMinutes: 45 });
    const by = organiserActor(admin());
    const item = t.services.agenda.add(s, { kind: 'case_study', title: 'Digital signatures in Lithuanian municipalities', durationMinutes: 30, speakers: [{ name: 'Rūta Jonaitė', affiliation: 'GovTech Lab Vilnius' }], proposalId: 42 }, by);
    expect(item.proposalId).toBe(42);
    expect(t.db.prepare('SELECT proposal_id FROM session_agenda_items WHERE id = ?').pluck().get(item.id)).toBe(42);
    expect(agendaRows((await visitor('Europe/Vilnius').get(`/sessions/${s.id}`)).body)).toEqual([
      '10:00–10:30 Case study: Digital signatures in Lithuanian municipalities Rūta Jonaitė (GovTech Lab Vilnius) 30 minutes',
    ]);
    // an edit on the organiser page keeps the proposal it came from
    await owner.get(`${listUrl(s)}/${item.id}/edit`);
    expect((await owner.post(`${listUrl(s)}/${item.id}`, { kind: 'case_study', title: 'Digital signatures', durationMinutes: '25', speaker1Name: 'Rūta Jonaitė', speaker1Affiliation: 'GovTech Lab Vilnius' })).statusCode).toBe(303);
    expect(t.services.agenda.get(s, item.id)).toMatchObject({ title: 'Digital signatures', durationMinutes: 25, proposalId: 42 });
    // one that does not fit is refused, naming the duration, and nothing is stored
    let refused: unknown;
    try {
      t.services.agenda.add(s, { kind: 'case_study', title: 'Too long', durationMinutes: 30, speakers: [], proposalId: 43 }, by);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ValidationError);
    const first = must((refused as ValidationError).errors[0], 'the refusal');
    expect(first).toBeInstanceOf(AppError);
    expect([first.field, first.code, first.params]).toEqual(['durationMinutes', 'agenda_overrun', { minutes: 10, session: 45 }]);
    expect(ids(s)).toEqual([item.id]);
  });
});

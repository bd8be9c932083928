/**
 * Public calendar files, subscription feeds and add-to-calendar links, as a calendar client or a
 * visitor meets them: over HTTP on the real app (seeded temporary database, fixed clock).
 *
 * The app is built with `buildApp` exactly as the tests' `makeApp` does; the calendar plugin is
 * registered here only if `buildApp` does not register it yet (once src/app.ts does, this is a no-op).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../../../src/core/config.js';
import { FOLLOW_UP_SLUG, SERIES_SLUG, WEBINAR_SLUG } from '../../../src/seed/seed.js';
import { catalogue, hasKey, translator } from '../../../src/core/i18n/index.js';
import type { Organiser } from '../../../src/modules/organisers/repository.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { calendarLinks } from '../../../src/modules/sessions/calendar-routes.js';
import { ADMIN, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';
import { contentLines, lineComplaints, strictComplaints, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

const SECRET_ROOM = 'https://meet.example.org/room/secret-room-42?pwd=hunter2';

async function startApp(now = '2026-01-12T09:00:00Z'): Promise<TestApp> {
  return makeApp({ now });
}

let t: TestApp;
let admin: Organiser;
let webinar: Session;
let followUp: Session;
let seriesId: number;
const hub = (slug: string) => t.services.repos.hubs.getBySlug(slug)!;
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const parse = (text: string) => ICAL.Component.fromString(text);
const vevents = (text: string) => parse(text).getAllSubcomponents('vevent');
const uids = (text: string) => vevents(text).map((e) => e.getFirstPropertyValue('uid'));
const eventOf = (text: string, uid: string) => vevents(text).find((e) => e.getFirstPropertyValue('uid') === uid)!;
const utc = (v: unknown) => (v as ICAL.Time).toJSDate().toISOString();

beforeAll(async () => {
  t = await startApp();
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  webinar = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
  followUp = t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)!;
  seriesId = t.services.repos.series.getBySlug(SERIES_SLUG)!.id;
});
afterAll(() => t?.close());

describe('one session as a file', () => {
  it('gives the seed webinar as a valid download with its stored UID and UTC start, and nobody in it', async () => {
    const res = await get(`/sessions/${webinar.id}/calendar.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${WEBINAR_SLUG}.ics"`);
    const body = res.body;
    const evs = vevents(body);
    expect(evs).toHaveLength(1);
    const ev = must(evs[0], 'the VEVENT');
    expect(ev.getFirstPropertyValue('uid')).toBe(webinar.calendarUid);
    expect(contentLines(body)).toContain('DTSTART:20210715T080000Z');
    expect(contentLines(body)).toContain('DTEND:20210715T100000Z');
    expect(utc(ev.getFirstPropertyValue('dtstart'))).toBe('2021-07-15T08:00:00.000Z');
    expect(ev.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(ev.getAllProperties('attendee')).toHaveLength(0);
    expect(body).not.toMatch(/^(ATTENDEE|ORGANIZER|METHOD)[;:]/m);
    expect(body).not.toMatch(/mailto:/i);
    // Outlook would open a file with a calendar name as a separate calendar.
    expect(body).not.toMatch(/^X-WR-CALNAME/m);
    // The description leads back to the public page.
    expect(String(ev.getFirstPropertyValue('description'))).toContain(`http://kairos.test/sessions/${webinar.id}`);
    expect(lineComplaints(res.rawPayload)).toEqual([]);
    expect(await strictComplaints(body)).toEqual([]);
  });

  it('never carries the join URL, which only registrants receive', async () => {
    const s = t.services.sessions.create(
      { title: 'Join-link privacy check', hubId: hub('gr-digigov-innohub').id, seriesId, date: '2026-04-20', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, joinUrl: SECRET_ROOM },
      admin,
    );
    expect(s.joinUrl).toBe(SECRET_ROOM);
    const bodies = [
      (await get(`/sessions/${s.id}/calendar.ics`)).body,
      (await get(`/series/${seriesId}/calendar.ics`)).body,
      (await get(`/hubs/${s.hubId}/calendar.ics`)).body,
    ];
    for (const b of bodies) {
      expect(uids(b)).toContain(s.calendarUid);
      expect(b).not.toContain('secret-room-42');
      expect(b).not.toContain('meet.example.org');
      expect(eventOf(b, s.calendarUid).getFirstPropertyValue('location')).toBeNull();
    }
    const links = calendarLinks(t.config, s, hub('gr-digigov-innohub'));
    for (const l of [links.google!, links.outlook!]) {
      expect(l).toBeTruthy();
      expect(decodeURIComponent(l)).not.toContain('secret-room-42');
    }
  });

  it('answers 404 "no fixed date yet" for the tentative follow-up: JSON for clients, a page in the reader\'s language for browsers', async () => {
    const res = await get(`/sessions/${followUp.id}/calendar.ics`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: 'no_fixed_date', message: 'this session has no fixed date yet' });

    const page = await get(`/sessions/${followUp.id}/calendar.ics?lang=el`, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Η εκδήλωση δεν έχει ακόμη οριστική ημερομηνία');
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    expect((await get('/sessions/99999/calendar.ics')).statusCode).toBe(404);
    expect((await get('/sessions/abc/calendar.ics')).statusCode).toBe(400);
    expect((await get('/series/99999/calendar.ics')).statusCode).toBe(404);
    expect((await get('/hubs/99999/calendar.ics')).statusCode).toBe(404);
  });
});

describe('subscription feeds', () => {
  it('give the series with its name and refresh interval: the webinar in, the undated follow-up out', async () => {
    // Six weeks after the webinar of July 2021: well inside the feed's window.
    const now = t.clock.now();
    t.clock.set('2021-09-01T09:00:00Z');
    let res;
    try {
      res = await get(`/series/${seriesId}/calendar.ics`);
    } finally {
      t.clock.set(now);
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const lines = contentLines(res.body);
    expect(lines).toContain('X-WR-CALNAME:Next generation of public services');
    expect(lines).toContain('X-PUBLISHED-TTL:PT1H');
    expect(uids(res.body)).toContain(webinar.calendarUid);
    expect(uids(res.body)).not.toContain(followUp.calendarUid);
    expect(lineComplaints(res.rawPayload)).toEqual([]);
    expect(await strictComplaints(res.body)).toEqual([]);
  });

  it('keep a cancelled session in the hub feed (organiser and co-host) as CANCELLED with a higher SEQUENCE', async () => {
    const organiser = hub('dih4society');
    const coHost = hub('maxxi-cdih');
    const s = t.services.sessions.create(
      { title: 'Procurement of AI: lessons learnt', hubId: organiser.id, coHostIds: [coHost.id], date: '2026-03-10', time: '10:00', zone: 'Europe/Bucharest', durationMinutes: 90 },
      admin,
    );
    const before = eventOf((await get(`/hubs/${organiser.id}/calendar.ics`)).body, s.calendarUid);
    expect(before.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const seqBefore = Number(before.getFirstPropertyValue('sequence'));
    expect(uids((await get(`/hubs/${coHost.id}/calendar.ics`)).body)).toContain(s.calendarUid);
    // A hub that neither organises nor co-hosts it does not list it.
    expect(uids((await get(`/hubs/${hub('smart-secure-cities').id}/calendar.ics`)).body)).not.toContain(s.calendarUid);

    t.services.sessions.cancel(s.id, admin);

    for (const h of [organiser, coHost]) {
      const body = (await get(`/hubs/${h.id}/calendar.ics`)).body;
      const after = eventOf(body, s.calendarUid);
      expect(after, `hub ${h.slug}`).toBeDefined();
      expect(after.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(Number(after.getFirstPropertyValue('sequence'))).toBeGreaterThan(seqBefore);
      expect(String(after.getFirstPropertyValue('description'))).toMatch(/^This session has been cancelled\./);
      expect(await strictComplaints(body)).toEqual([]);
    }
    const file = await get(`/sessions/${s.id}/calendar.ics`);
    expect(file.statusCode).toBe(200);
    expect(must(vevents(file.body)[0], 'the VEVENT').getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('answer If-None-Match with 304 while nothing changes, and a new ETag once something does', async () => {
    const url = `/series/${seriesId}/calendar.ics`;
    const first = await get(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    // Same data, later request: same bytes, same ETag (nothing in the file depends on "now",
    // neither the app's clock nor the host's).
    t.clock.advance(3 * 3600_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    let again;
    try {
      vi.setSystemTime(Date.now() + 3 * 3600_000);
      again = await get(url);
    } finally {
      vi.useRealTimers();
    }
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBe(first.body);

    for (const inm of [etag, `W/${etag}`, `"something-else", ${etag}`, '*']) {
      const cached = await get(url, { 'if-none-match': inm });
      expect(cached.statusCode, inm).toBe(304);
      expect(cached.body).toBe('');
      expect(cached.headers.etag).toBe(etag);
      expect(cached.headers['cache-control']).toBe('public, max-age=300');
    }
    expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);

    // A new session in the series changes the feed: the old ETag no longer matches.
    const s = t.services.sessions.create(
      { title: 'Interoperability clinic', hubId: hub('edih4dt').id, seriesId, date: '2026-05-12', time: '15:00', zone: 'Europe/Rome', durationMinutes: 60 },
      admin,
    );
    const changed = await get(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(uids(changed.body)).toContain(s.calendarUid);

    // The single-session download is cached the same way.
    const file = await get(`/sessions/${webinar.id}/calendar.ics`);
    expect((await get(`/sessions/${webinar.id}/calendar.ics`, { 'if-none-match': file.headers.etag as string })).statusCode).toBe(304);
  });

  it('hold the sessions that ended up to 12 months ago and every later one, and let older ones go', async () => {
    const gr = hub('gr-digigov-innohub');
    const ro = hub('dih4society');
    // The app's clock is 12 January 2026; each session is planned a week before it takes place.
    const today = t.clock.now();
    const make = (title: string, date: string) => {
      t.clock.set(Date.parse(`${date}T00:00:00Z`) - 7 * 86_400_000);
      try {
        return t.services.sessions.create({ title, hubId: gr.id, coHostIds: [ro.id], seriesId, date, time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 }, admin);
      } finally {
        t.clock.set(today);
      }
    };
    const old = make('Thirteen months ago', '2024-12-10');
    const recent = make('Eleven months ago', '2025-02-10');
    const coming = make('Still to come', '2027-02-10');
    for (const url of [`/hubs/${gr.id}/calendar.ics`, `/hubs/${ro.id}/calendar.ics`, `/series/${seriesId}/calendar.ics`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(uids(res.body), url).toContain(recent.calendarUid);
      expect(uids(res.body), url).toContain(coming.calendarUid);
      expect(uids(res.body), url).not.toContain(old.calendarUid);
    }
    // The webinar of July 2021 has left the series feed; its own file is still there.
    expect(uids((await get(`/series/${seriesId}/calendar.ics`)).body)).not.toContain(webinar.calendarUid);
    expect((await get(`/sessions/${webinar.id}/calendar.ics`)).statusCode).toBe(200);
    expect((await get(`/sessions/${old.id}/calendar.ics`)).statusCode).toBe(200);

    // A month on, the session of eleven months ago is thirteen months old: out of the feed, and the ETag moves.
    const feed = `/hubs/${gr.id}/calendar.ics`;
    const before = await get(feed);
    const now = t.clock.now();
    t.clock.advance(60 * 86_400_000);
    try {
      const later = await get(feed, { 'if-none-match': before.headers.etag as string });
      expect(later.statusCode).toBe(200);
      expect(uids(later.body)).not.toContain(recent.calendarUid);
      expect(uids(later.body)).toContain(coming.calendarUid);
      expect(later.headers.etag).not.toBe(before.headers.etag);
    } finally {
      t.clock.set(now);
    }
  });

  it('never contain a person: no ATTENDEE, no address but a hub mailbox, no organiser account', async () => {
    const hubMailboxes = new Set(t.services.repos.hubs.list().map((h) => `mailto:${h.contactEmail}`.toLowerCase()));
    const urls = [
      `/series/${seriesId}/calendar.ics`,
      ...t.services.repos.hubs.list().map((h) => `/hubs/${h.id}/calendar.ics`),
      ...t.services.repos.sessions.list().filter((s) => s.startUtc !== null).map((s) => `/sessions/${s.id}/calendar.ics`),
    ];
    const bodies: string[] = [];
    for (const url of urls) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.body);
      expect(res.body, url).not.toMatch(/^ATTENDEE[;:]/m);
      for (const ev of vevents(res.body)) expect(ev.getAllProperties('attendee')).toHaveLength(0);
      for (const m of res.body.match(/mailto:[^\s;:"]+/gi) ?? []) expect(hubMailboxes, `${url}: ${m}`).toContain(m.toLowerCase());
      for (const email of [ADMIN.email, GR_ORGANISER.email]) expect(res.body, url).not.toContain(email);
    }
    // Every hub feed and file parses cleanly for the strict parsers too.
    expect((await strictComplaintsMany(bodies)).filter((c) => c.length > 0)).toEqual([]);
  });
});

describe('add-to-calendar links', () => {
  it('give Google and Outlook the session\'s UTC start and end, and webcal:// subscriptions', async () => {
    const gr = hub('gr-digigov-innohub');
    const links = calendarLinks(t.config, webinar, gr);
    const google = new URL(links.google!);
    expect(google.origin).toBe('https://calendar.google.com');
    expect(google.searchParams.get('dates')).toBe('20210715T080000Z/20210715T100000Z');
    expect(google.searchParams.get('ctz')).toBe('Europe/Athens');
    const outlook = new URL(links.outlook!);
    expect(outlook.origin).toBe('https://outlook.live.com');
    expect(outlook.searchParams.get('startdt')).toBe('2021-07-15T08:00:00Z');
    expect(outlook.searchParams.get('enddt')).toBe('2021-07-15T10:00:00Z');

    expect(links.ics).toBe(`http://kairos.test/sessions/${webinar.id}/calendar.ics`);
    expect(links.webcalSeries).toBe(`webcal://kairos.test/series/${seriesId}/calendar.ics`);
    expect(links.webcalHub).toBe(`webcal://kairos.test/hubs/${gr.id}/calendar.ics`);
    // Each link leads to a calendar this app serves.
    for (const l of [links.ics!, links.webcalSeries!, links.webcalHub]) {
      const res = await get(new URL(l.replace(/^webcal:/, 'http:')).pathname);
      expect(res.statusCode, l).toBe(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    }
  });

  it('follow the wall time across the summer-time change (Bucharest 10:00 is 08:00Z in March, 07:00Z in July)', () => {
    const ro = hub('dih4society');
    const mk = (date: string) =>
      t.services.sessions.create({ title: `Clinic ${date}`, hubId: ro.id, date, time: '10:00', zone: 'Europe/Bucharest', durationMinutes: 45 }, admin);
    const winter = calendarLinks(t.config, mk('2026-03-26'), ro);
    const summer = calendarLinks(t.config, mk('2026-07-02'), ro);
    expect(new URL(winter.google!).searchParams.get('dates')).toBe('20260326T080000Z/20260326T084500Z');
    expect(new URL(summer.google!).searchParams.get('dates')).toBe('20260702T070000Z/20260702T074500Z');
    expect(new URL(summer.outlook!).searchParams.get('startdt')).toBe('2026-07-02T07:00:00Z');
  });

  it('offer no date-bound link for the undated follow-up, and no "add" link once a session is cancelled', () => {
    const gr = hub('gr-digigov-innohub');
    const tentative = calendarLinks(t.config, followUp, gr);
    expect(tentative).toEqual({
      webcalSeries: `webcal://kairos.test/series/${seriesId}/calendar.ics`,
      feedSeries: `http://kairos.test/series/${seriesId}/calendar.ics`,
      googleSeries: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(`webcal://kairos.test/series/${seriesId}/calendar.ics`)}`,
      webcalHub: `webcal://kairos.test/hubs/${gr.id}/calendar.ics`,
      feedHub: `http://kairos.test/hubs/${gr.id}/calendar.ics`,
      googleHub: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(`webcal://kairos.test/hubs/${gr.id}/calendar.ics`)}`,
    });
    const s = t.services.sessions.create({ title: 'Soon cancelled', hubId: gr.id, date: '2026-06-01', time: '09:00', zone: 'Europe/Athens' }, admin);
    const cancelled = calendarLinks(t.config, t.services.sessions.cancel(s.id, admin), gr);
    expect(cancelled.ics).toBe(`http://kairos.test/sessions/${s.id}/calendar.ics`);
    expect(cancelled.google).toBeUndefined();
    expect(cancelled.outlook).toBeUndefined();
    expect(cancelled.outlook365).toBeUndefined();
    expect(cancelled.webcalSeries).toBeUndefined();
  });

  it('make webcal:// from an https public URL too', () => {
    const links = calendarLinks({ publicUrl: 'https://kairos.example.eu/' }, webinar, hub('gr-digigov-innohub'));
    expect(links.webcalHub).toMatch(/^webcal:\/\/kairos\.example\.eu\/hubs\/\d+\/calendar\.ics$/);
    expect(links.ics).toBe(`https://kairos.example.eu/sessions/${webinar.id}/calendar.ics`);
  });
});

describe('the "Add to your calendar" block', () => {
  const eta = new Eta({ views: path.join(ROOT, 'views'), autoEscape: true });
  const block = (links: ReturnType<typeof calendarLinks>, lang: string) => eta.render('/partials/calendar-links', { links, t: translator(lang) });
  const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => must(m[1], 'an href').replace(/&amp;/g, '&'));

  it('has a heading and one named link per way to add the session, in the reader\'s language', () => {
    const links = calendarLinks(t.config, webinar, hub('gr-digigov-innohub'));
    const en = block(links, 'en');
    expect(en).toMatch(/<section[^>]*aria-labelledby="calendar-links-heading"/);
    expect(en).toMatch(/<h2 id="calendar-links-heading">Add to your calendar<\/h2>/);
    expect(hrefs(en)).toEqual([links.ics, links.google, links.outlook, links.outlook365, links.webcalSeries, links.googleSeries, links.webcalHub, links.googleHub]);
    for (const label of ['Download the calendar file (.ics)', 'Add to Google Calendar', 'Add to Outlook.com', 'Add to Microsoft 365 (Outlook)', 'Subscribe to all sessions of this series', 'Subscribe in Google Calendar', 'Subscribe to all sessions of the organising hub']) {
      expect(en).toContain(`>${label}</a>`);
    }
    const el = block(links, 'el');
    expect(el).toContain('>Προσθήκη στο ημερολόγιό σας</h2>');
    expect(el).toContain('>Λήψη αρχείου ημερολογίου (.ics)</a>');
    expect(el).toContain('>Συνδρομή σε όλες τις εκδηλώσεις της σειράς</a>');
    expect(el).not.toMatch(/cal\.\w+/);
  });

  it('says that an undated session has no file yet, and still offers the subscriptions', () => {
    const html = block(calendarLinks(t.config, followUp, hub('gr-digigov-innohub')), 'en');
    expect(html).toContain('This session has no fixed date yet');
    expect(html).not.toContain(`/sessions/${followUp.id}/calendar.ics`);
    expect(html).not.toMatch(/\sdownload[\s>]/);
    // No date-bound "add" link; the subscriptions only (webcal:// and Google Calendar's "subscribe by URL").
    expect(html).not.toContain('calendar.google.com/calendar/render');
    expect(html).not.toContain('deeplink/compose');
    expect(hrefs(html).every((h) => h.startsWith('webcal://') || h.startsWith('https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F'))).toBe(true);
  });

  it('has every cal.* text in Greek as well as English', () => {
    const keys = Object.keys(catalogue('en')).filter((k) => k.startsWith('cal.'));
    expect(keys.length).toBeGreaterThanOrEqual(7);
    for (const k of keys) {
      expect(hasKey('el', k), k).toBe(true);
      expect(catalogue('el')[k]).not.toBe(catalogue('en')[k]);
    }
  });

  // Runs once views/pages/session.eta includes the block (the page route must pass `calendarLinks`).
  const pageIncludesBlock = readFileSync(path.join(ROOT, 'views/pages/session.eta'), 'utf8').includes('partials/calendar-links');
  it.runIf(pageIncludesBlock)('appears on the session page', async () => {
    const res = await get(`/sessions/${webinar.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Add to your calendar');
    expect(res.body).toContain(`href="http://kairos.test/sessions/${webinar.id}/calendar.ics"`);
  });
});

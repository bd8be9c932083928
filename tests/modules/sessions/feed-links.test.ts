/**
 * Subscription feeds and the ways pages offer them, over HTTP on a real port: feeds say how often
 * to refresh (RFC 7986 REFRESH-INTERVAL and X-PUBLISHED-TTL), cancelled events carry a title prefix
 * in the event's language besides STATUS:CANCELLED, and pages offer, besides webcal://, the https
 * address to copy and Google Calendar's "subscribe" link, and both Outlook hosts. Every feed passes
 * the strict parsers.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarStrings } from '../../../src/core/calendar/index.js';
import { LANGUAGES, t as tr } from '../../../src/core/i18n/index.js';
import type { Organiser } from '../../../src/modules/organisers/repository.js';
import type { Session } from '../../../src/modules/sessions/repository.js';
import { SERIES_SLUG } from '../../../src/seed/seed.js';
import { ADMIN, makeApp, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';
import { contentLines, lineComplaints, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let http: HttpClient;
let admin: Organiser;
let hubId: number;
let seriesId: number;
let spanish: Session;
let greek: Session;
let kept: Session;

const create = (title: string, language: string, extra: Record<string, unknown> = {}) =>
  t.services.sessions.create({ title, hubId, date: '2026-06-10', time: '11:00', zone: 'Europe/Madrid', durationMinutes: 60, language, ...extra }, admin);
const vevents = (ics: string) => ICAL.Component.fromString(ics).getAllSubcomponents('vevent');
const eventOf = (ics: string, s: Session) => must(vevents(ics).find((e) => e.getFirstPropertyValue('uid') === s.calendarUid), `the event of ${s.title}`);
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((x) => must(x[1], 'an href').replace(/&amp;/g, '&'));
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
  http = new HttpClient(await listen(t));
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  hubId = t.services.repos.hubs.getBySlug('connected-mobility-hub')!.id;
  seriesId = t.services.repos.series.getBySlug(SERIES_SLUG)!.id;
  spanish = create('Ciudades inteligentes', 'es', { seriesId });
  greek = create('Έξυπνες πόλεις', 'el', { seriesId, date: '2026-06-11' });
  kept = create('Smart cities, part three', 'en', { seriesId, date: '2026-06-12' });
  t.clock.advance(60_000);
  t.services.sessions.cancel(spanish.id, admin);
  t.services.sessions.cancel(greek.id, admin);
});
afterAll(() => t?.close());

describe('the hub and series feeds', () => {
  it('say how often to refresh: REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL, in the calendar, not in an event', async () => {
    const bodies: string[] = [];
    for (const url of [`/hubs/${hubId}/calendar.ics`, `/series/${seriesId}/calendar.ics`]) {
      const res = await http.get(url);
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.body);
      const lines = contentLines(res.body);
      const firstEvent = lines.indexOf('BEGIN:VEVENT');
      expect(firstEvent).toBeGreaterThan(0);
      expect(lines.indexOf('REFRESH-INTERVAL;VALUE=DURATION:PT1H'), url).toBeGreaterThan(0);
      expect(lines.indexOf('REFRESH-INTERVAL;VALUE=DURATION:PT1H'), url).toBeLessThan(firstEvent);
      expect(lines.filter((l) => l.startsWith('REFRESH-INTERVAL'))).toHaveLength(1);
      expect(lines).toContain('X-PUBLISHED-TTL:PT1H');
      // ical.js reads it as a duration of one hour.
      const prop = must(ICAL.Component.fromString(res.body).getFirstProperty('refresh-interval'), 'REFRESH-INTERVAL');
      expect((prop.getFirstValue() as ICAL.Duration).toSeconds()).toBe(3600);
      expect(lineComplaints(res.body)).toEqual([]);
    }
    expect((await strictComplaintsMany(bodies)).flat()).toEqual([]);
  });

  it('mark a cancelled session in its title, in its language, besides STATUS:CANCELLED; the others keep their title', async () => {
    for (const url of [`/hubs/${hubId}/calendar.ics`, `/series/${seriesId}/calendar.ics`]) {
      const body = (await http.get(url)).body;
      const es = eventOf(body, spanish);
      expect(es.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(es.getFirstPropertyValue('summary')).toBe(tr('es', 'cal.feed.cancelledTitle', { title: 'Ciudades inteligentes' }));
      expect(es.getFirstPropertyValue('summary')).toBe('Cancelada: Ciudades inteligentes');
      const el = eventOf(body, greek);
      expect(el.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(el.getFirstPropertyValue('summary')).toBe(tr('el', 'cal.feed.cancelledTitle', { title: 'Έξυπνες πόλεις' }));
      expect(String(el.getFirstPropertyValue('description'))).toContain(calendarStrings('el').cancelled);
      const en = eventOf(body, kept);
      expect(en.getFirstPropertyValue('status')).toBe('CONFIRMED');
      expect(en.getFirstPropertyValue('summary')).toBe('Smart cities, part three');
    }
  });

  it('has a cancelled title in every language of the catalogues, each different from the bare title', () => {
    for (const lang of LANGUAGES) {
      const title = tr(lang, 'cal.feed.cancelledTitle', { title: 'X' });
      expect(title, lang).toContain('X');
      expect(title, lang).not.toBe('X');
      if (lang !== 'en') expect(title, lang).not.toBe(tr('en', 'cal.feed.cancelledTitle', { title: 'X' }));
    }
  });
});

describe('the session page offers every way to subscribe and add', () => {
  it.each([...LANGUAGES])('webcal://, the https address to copy, Google "subscribe", Outlook.com and Microsoft 365 (%s)', async (lang) => {
    const res = await http.get(`/sessions/${kept.id}?lang=${lang}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    const links = hrefs(html);
    for (const feed of [`http://kairos.test/hubs/${hubId}/calendar.ics`, `http://kairos.test/series/${seriesId}/calendar.ics`]) {
      const webcal = feed.replace('http://', 'webcal://');
      expect(links).toContain(webcal);
      expect(links).toContain(`https://calendar.google.com/calendar/r?cid=${encodeURIComponent(webcal)}`);
      // The https address, in a read-only field to copy.
      expect(html).toMatch(new RegExp(`<input[^>]*readonly[^>]*value="${feed.replace(/[./]/g, '\\$&')}"`));
    }
    expect(decode(html)).toContain(`>${tr(lang, 'cal.googleSubscribe')}</a>`);
    expect(decode(html)).toContain(tr(lang, 'cal.feedUrl'));
    const live = must(links.find((h) => h.startsWith('https://outlook.live.com/calendar/0/deeplink/compose?')), 'the Outlook.com link');
    const office = must(links.find((h) => h.startsWith('https://outlook.office.com/calendar/0/deeplink/compose?')), 'the Microsoft 365 link');
    expect(decode(html)).toContain(`>${tr(lang, 'cal.outlook')}</a>`);
    expect(decode(html)).toContain(`>${tr(lang, 'cal.outlook365')}</a>`);
    // The text those links put into a calendar is in the reader's language.
    for (const link of [live, office]) expect(new URL(link).searchParams.get('body')).toContain(`${calendarStrings(lang).when}: `);
  });
});

describe("a registrant's page offers their personal feed every way", () => {
  it.each([...LANGUAGES])('webcal://, the https address to copy and Google "subscribe" (%s)', async (lang) => {
    const { registration } = t.services.registrations.register(
      kept.id,
      { name: `P ${lang}`, email: `feed-${lang}@example.org`, orgType: 'public', hubId: '', country: 'ES', language: lang, zone: 'Europe/Madrid', consent: 'on' },
      'api',
    );
    const token = t.services.registrations.tokenFor(registration);
    const res = await http.get(`/r/${token}`);
    expect(res.statusCode).toBe(200);
    const feed = `http://kairos.test/r/${token}/calendar.ics`;
    const webcal = feed.replace('http://', 'webcal://');
    const links = hrefs(res.body);
    expect(links).toContain(webcal);
    expect(links).toContain(`https://calendar.google.com/calendar/r?cid=${encodeURIComponent(webcal)}`);
    expect(res.body).toContain(`value="${feed}"`);
    expect(decode(res.body)).toContain(`>${tr(lang, 'cal.googleSubscribe')}</a>`);
    expect(decode(res.body)).toContain(tr(lang, 'cal.feedUrl'));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP_SLUG, SERIES_SLUG, WEBINAR_SLUG, seed } from '../../src/seed/seed.js';
import { makeApp, text, type TestApp } from '../helpers/app.js';
import { must } from '../helpers/must.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ organisers: false });
});
afterAll(() => t.close());

describe('seed data reproduces the source press release', () => {
  it('has the 9 hubs of 8 countries with their zones and languages', () => {
    const hubs = t.services.repos.hubs.list();
    expect(hubs).toHaveLength(9);
    expect(new Set(hubs.map((h) => h.country))).toEqual(new Set(['Greece', 'Romania', 'Lithuania', 'Italy', 'Spain', 'Poland', 'Bulgaria', 'Cyprus']));
    const by = Object.fromEntries(hubs.map((h) => [h.name, h]));
    expect(by['GR DigiGOV-InnoHUB']).toMatchObject({ country: 'Greece', zone: 'Europe/Athens', language: 'el', fullName: 'Innovation Hub for Digital Governance' });
    expect(must(by['GR DigiGOV-InnoHUB'], 'GR DigiGOV-InnoHUB').coordinator).toContain('GRNET');
    expect(by['DIH4Society']).toMatchObject({ country: 'Romania', zone: 'Europe/Bucharest', language: 'ro' });
    expect(by['GOVTech Lab – EDIH Vilnius']).toMatchObject({ country: 'Lithuania', zone: 'Europe/Vilnius', language: 'lt' });
    expect(by['EDIH4DT']).toMatchObject({ country: 'Italy', zone: 'Europe/Rome', language: 'it' });
    expect(by['MAXXI CDIH EDIH']).toMatchObject({ country: 'Italy', zone: 'Europe/Rome', language: 'it' });
    expect(by['Connected Mobility HUB EDIH']).toMatchObject({ country: 'Spain', zone: 'Europe/Madrid', language: 'es' });
    expect(by['Smart Secure Cities']).toMatchObject({ country: 'Poland', zone: 'Europe/Warsaw', language: 'pl' });
    expect(by['Innovation Amp EDIH']).toMatchObject({ country: 'Bulgaria', zone: 'Europe/Sofia', language: 'bg' });
    expect(by['DiGiNN Cyprus EDIH']).toMatchObject({ country: 'Cyprus', zone: 'Asia/Nicosia', language: 'el' });
  });

  it('has the series and the webinar of Thursday 15 July 2021, completed, time not stated', () => {
    const series = t.services.repos.series.getBySlug(SERIES_SLUG)!;
    expect(series.title).toBe('Next generation of public services');
    const w = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
    expect(w.title).toBe(
      'Next generation of public services – International discussion on the digital transformation of public services and its benefits for communities and citizens',
    );
    expect(w.description).toContain('Επόμενη γενιά δημόσιων υπηρεσιών');
    expect(w.status).toBe('completed');
    expect(w.startDate).toBe('2021-07-15');
    expect(new Date(w.startUtc!).getUTCDay()).toBe(4); // Thursday
    expect(w.timeStated).toBe(false);
    expect(w.seriesId).toBe(series.id);
    const gr = t.services.repos.hubs.getBySlug('gr-digigov-innohub')!;
    expect(w.hubId).toBe(gr.id);
    expect(w.coHostIds).toHaveLength(8);
  });

  it('has the mid-September follow-up as a tentative session with no made-up date', () => {
    const f = t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)!;
    expect(f.status).toBe('tentative');
    expect(f.startUtc).toBeNull();
    expect(f.startDate).toBeNull();
    expect([f.approxMonth, f.approxPart]).toEqual(['2021-09', 'mid']);
    expect(f.description).toContain('case studies');
  });

  it('is idempotent', () => {
    const before = { hubs: t.services.repos.hubs.list().length, sessions: t.services.repos.sessions.list().length, series: t.services.repos.series.list().length };
    const again = seed(t.db, t.services, t.clock);
    expect(again.created).toEqual([]);
    expect({ hubs: t.services.repos.hubs.list().length, sessions: t.services.repos.sessions.list().length, series: t.services.repos.series.list().length }).toEqual(before);
  });

  it('shows the webinar page with "time not stated in the source" and the time in all nine places', async () => {
    const w = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
    const res = await t.app.inject({ url: `/sessions/${w.id}`, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('time not stated in the source');
    expect(page).toContain('Thursday, 15 July 2021, 11:00 (Europe/Athens, UTC+03:00)');
    for (const city of ['Athens', 'Bucharest', 'Vilnius', 'Rome', 'Madrid', 'Canary Islands', 'Warsaw', 'Sofia', 'Nicosia']) expect(page).toContain(city);
    expect(page).toContain('Canary Islands (Atlantic/Canary) 2021-07-15 09:00–11:00 UTC+01:00');
  });

  it('shows the follow-up page as "mid-September 2021, date to be announced", in English and Greek', async () => {
    const f = t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)!;
    const en = text((await t.app.inject({ url: `/sessions/${f.id}`, headers: { 'accept-language': 'en' } })).body);
    expect(en).toContain('mid-September 2021, date to be announced');
    // No time of the session anywhere (the zone picker of the registration form names each zone's offset now).
    expect(en.replace(/ — UTC[+−]\d\d:\d\d now/g, '')).not.toMatch(/UTC\+0\d:00/);
    const el = text((await t.app.inject({ url: `/sessions/${f.id}?lang=el` })).body);
    expect(el).toContain('μέσα Σεπτεμβρίου 2021, η ημερομηνία θα ανακοινωθεί');
  });

  it('lists both sessions on the home page, grouped under their series', async () => {
    const page = text((await t.app.inject({ url: '/', headers: { 'accept-language': 'en-GB,en;q=0.8' } })).body);
    expect(page).toContain('Next generation of public services');
    expect(page).toContain('Next generation of public services: case studies');
    expect(page).toContain('mid-September 2021, date to be announced');
  });
});

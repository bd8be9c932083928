/**
 * The zone picker without JavaScript: every zone field is a plain <select>, grouped by country
 * (<optgroup>) in the page's language, the nine hub cities first, each option "Bucharest — Romania —
 * UTC+02:00 now"; the zone preselected is the saved one, else the browser's (its cookie), else the one
 * the browser's language most likely means. A zone the list does not have comes back as it was sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Browser, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';
import { newSession } from '../../helpers/sessions.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface Picker {
  attrs: string;
  groups: { label: string; options: { value: string; label: string; selected: boolean }[] }[];
  loose: string[];
}

/** The zone <select> of a page (by its id), read back. */
function picker(html: string, id = 'f-zone'): Picker {
  const m = new RegExp(`<select id="${id}" name="zone"([^>]*)>([\\s\\S]*?)</select>`).exec(html);
  if (!m?.[2]) throw new Error(`no zone select #${id}`);
  const option = (o: RegExpMatchArray) => ({ value: o[1] ?? '', selected: / selected/.test(o[2] ?? ''), label: o[3] ?? '' });
  const opts = /<option value="([^"]*)"([^>]*)>([^<]*)<\/option>/g;
  const before = m[2].split('<optgroup')[0] ?? '';
  return {
    attrs: m[1] ?? '',
    loose: [...before.matchAll(opts)].map((o) => option(o).value),
    groups: [...m[2].matchAll(/<optgroup label="([^"]*)"[^>]*>([\s\S]*?)<\/optgroup>/g)].map((g) => ({ label: g[1] ?? '', options: [...(g[2] ?? '').matchAll(opts)].map(option) })),
  };
}
const selected = (p: Picker) => p.groups.flatMap((g) => g.options).filter((o) => o.selected).map((o) => o.value);

describe('the zone picker without JavaScript', () => {
  it('is a select grouped by country, the hub cities first, each with its offset now, in the page’s language', async () => {
    t = await makeApp({ now: '2026-02-20T09:00:00Z' });
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const page = await b.get('/organiser/account');
    expect(page.body).not.toContain('<datalist');
    const p = picker(page.body);
    expect(p.attrs).toContain('data-zone-picker');
    const [hubs, ...countries] = p.groups;
    expect(hubs?.label).toBe('Cities of the hubs');
    expect(hubs?.options.map((o) => o.label)).toEqual([
      'Athens — Greece — UTC+02:00 now',
      'Bucharest — Romania — UTC+02:00 now',
      'Vilnius — Lithuania — UTC+02:00 now',
      'Rome — Italy — UTC+01:00 now',
      'Madrid — Spain — UTC+01:00 now',
      'Canary Islands — Spain — UTC+00:00 now',
      'Warsaw — Poland — UTC+01:00 now',
      'Sofia — Bulgaria — UTC+02:00 now',
      'Nicosia — Cyprus — UTC+02:00 now',
    ]);
    // The saved zone is preselected, once (the hub city, not again in its country).
    expect(selected(p)).toEqual(['Europe/Athens']);
    expect(hubs?.options[0]?.selected).toBe(true);
    // Countries in alphabetical order, each with its zones.
    const labels = countries.map((g) => g.label);
    expect(labels).toEqual([...labels].sort((a, z) => a.localeCompare(z, 'en')));
    const portugal = countries.find((g) => g.label === 'Portugal');
    expect(portugal?.options.map((o) => o.label)).toEqual(['Azores — Portugal — UTC−01:00 now', 'Lisbon — Portugal — UTC+00:00 now', 'Madeira — Portugal — UTC+00:00 now']);
    expect(countries.find((g) => g.label === 'Romania')?.options.map((o) => o.value)).toEqual(['Europe/Bucharest']);
    expect(countries.reduce((n, g) => n + g.options.length, 0)).toBeGreaterThan(400);

    // In Greek, in summer time.
    t.clock.set('2026-07-01T09:00:00Z');
    const summer = new Browser(t.app, { 'accept-language': 'en' });
    await summer.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const greek = picker((await summer.get('/organiser/account?lang=el')).body);
    expect(greek.groups[0]?.label).toBe('Πόλεις των κόμβων');
    expect(greek.groups[0]?.options[1]?.label).toBe('Βουκουρέστι — Ρουμανία — UTC+03:00 τώρα');
    expect(greek.groups.find((g) => g.label === 'Ρουμανία')?.options.map((o) => o.value)).toEqual(['Europe/Bucharest']);
  });

  it('preselects the browser’s zone, else the one its language most likely means, on the registration form', async () => {
    t = await makeApp({ now: '2026-02-20T09:00:00Z' });
    const s = newSession(t, { title: 'Registries across the hubs', date: '2026-04-16', time: '16:00' });
    const form = async (headers: Record<string, string>) => selected(picker((await new Browser(t!.app, headers).get(`/sessions/${s.id}`)).body));
    expect(await form({ 'accept-language': 'ro-RO,ro;q=0.9' })).toEqual(['Europe/Bucharest']);
    expect(await form({ 'accept-language': 'pt-PT' })).toEqual(['Europe/Lisbon']);
    expect(await form({ 'accept-language': 'en', cookie: 'kairos_tz=America/New_York' })).toEqual(['America/New_York']);
  });

  it('keeps a zone it does not offer, as sent, when the form comes back refused', async () => {
    t = await makeApp({ now: '2026-02-20T09:00:00Z' });
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/account');
    const refused = await b.post('/organiser/account', { name: 'Eleni', language: 'en', zone: 'Mars/Olympus_Mons' });
    expect(refused.statusCode).toBe(400);
    const p = picker(refused.body);
    expect(p.loose).toEqual(['Mars/Olympus_Mons']);
    expect(refused.body).toContain('<option value="Mars/Olympus_Mons" selected>Mars/Olympus_Mons</option>');
    expect(refused.body).toContain('href="#f-zone"');
    // What the select sends is what the field always took.
    const saved = await b.post('/organiser/account', { name: 'Eleni', language: 'en', zone: 'Europe/Lisbon' });
    expect(saved.statusCode).toBe(303);
    expect(selected(picker((await b.get('/organiser/account')).body))).toEqual(['Europe/Lisbon']);
  });
});

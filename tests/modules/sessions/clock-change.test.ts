/**
 * A session during which the clocks change: the nine-place table and the API give the UTC offset at
 * the start and at the end, over HTTP on a real port. Offsets and instants come from the
 * zone-change fixture (Python zoneinfo), never from Luxon. Runs under two host zones (tests/run.mjs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACES } from '../../../src/core/time/index.js';
import { LANGUAGES, t as tr } from '../../../src/core/i18n/index.js';
import type { Organiser } from '../../../src/modules/organisers/repository.js';
import { ADMIN, makeApp, text as visible, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';
import { must } from '../../helpers/must.js';
import { offsetLabel, oracleOffset, oracleUtc, zoneChanges } from '../../helpers/zone-oracle.js';

interface PlaceJson {
  zone: string;
  localStart: string;
  localEnd: string;
  utcOffset: string;
  endUtcOffset: string;
}

let t: TestApp;
let http: HttpClient;
let admin: Organiser;

beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
  http = new HttpClient(await listen(t));
  admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
});
afterAll(() => t?.close());

/** The 2026 changes of Athens in the fixture: [spring, autumn]. */
const athens2026 = () => (zoneChanges['Europe/Athens'] ?? []).filter((c) => c.utc.startsWith('2026-'));

function create(date: string, time: string, durationMinutes: number) {
  return t.services.sessions.create(
    { title: `Across the clock change ${date}`, hubId: t.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id, date, time, zone: 'Europe/Athens', durationMinutes },
    admin,
  );
}

/** The <tr> of one place in the session page's table. */
function row(html: string, zone: string): string {
  const m = new RegExp(`<tr[^>]*data-zone="${zone.replace('/', '\\/')}"[^>]*>([\\s\\S]*?)</tr>`).exec(html);
  return visible(must(m?.[1], `the row of ${zone}`));
}

describe.each([
  // 02:00–06:00 Athens on the morning the clocks go forward (03:00 → 04:00 local, 01:00Z everywhere in the EU).
  { name: 'March', date: '2026-03-29', time: '02:00', durationMinutes: 240, change: 0 },
  // 02:00–05:00 Athens on the morning the clocks go back (04:00 → 03:00 local).
  { name: 'October', date: '2026-10-25', time: '02:00', durationMinutes: 180, change: 1 },
])('a session across the $name change', ({ date, time, durationMinutes, change }) => {
  let id: number;
  let startMs: number;
  let endMs: number;

  beforeAll(() => {
    const s = create(date, time, durationMinutes);
    id = s.id;
    startMs = oracleUtc(date, time, 'Europe/Athens');
    endMs = startMs + durationMinutes * 60_000;
    expect(s.startUtc).toBe(startMs);
    // The fixture's change falls strictly inside the session.
    const at = Date.parse(must(athens2026()[change], 'the 2026 change').utc);
    expect(at).toBeGreaterThan(startMs);
    expect(at).toBeLessThan(endMs);
  });

  it('gives each place in the API its offset at the start (utcOffset) and at the end (endUtcOffset)', async () => {
    const res = await http.get(`/api/v1/sessions/${id}`);
    expect(res.statusCode).toBe(200);
    const places = res.json<{ places: PlaceJson[] }>().places;
    expect(places).toHaveLength(PLACES.length);
    for (const p of places) {
      const before = oracleOffset(startMs, p.zone);
      const after = oracleOffset(endMs, p.zone);
      expect(after, p.zone).not.toBe(before);
      expect(p.utcOffset, p.zone).toBe(offsetLabel(before));
      expect(p.endUtcOffset, p.zone).toBe(offsetLabel(after));
      expect(p.localStart, p.zone).toBe(new Date(startMs + before * 60_000).toISOString().slice(11, 16));
      expect(p.localEnd, p.zone).toBe(new Date(endMs + after * 60_000).toISOString().slice(11, 16));
    }
  });

  it.each([...LANGUAGES])('shows both offsets and says why in the nine-place table (%s)', async (lang) => {
    const res = await http.get(`/sessions/${id}?lang=${lang}`);
    expect(res.statusCode).toBe(200);
    for (const place of PLACES) {
      const text = row(res.body, place.zone);
      expect(text, place.zone).toContain(`${offsetLabel(oracleOffset(startMs, place.zone))}→${offsetLabel(oracleOffset(endMs, place.zone))}`);
      expect(text, place.zone).toContain(tr(lang, 'session.clockChange'));
    }
  });
});

describe('a session on an ordinary day', () => {
  it('shows one offset per place and the same offset at both ends in the API', async () => {
    const s = create('2026-06-10', '11:00', 120);
    const startMs = oracleUtc('2026-06-10', '11:00', 'Europe/Athens');
    const api = (await http.get(`/api/v1/sessions/${s.id}`)).json<{ places: PlaceJson[] }>();
    for (const p of api.places) {
      expect(p.utcOffset).toBe(offsetLabel(oracleOffset(startMs, p.zone)));
      expect(p.endUtcOffset).toBe(p.utcOffset);
    }
    const html = (await http.get(`/sessions/${s.id}?lang=en`)).body;
    for (const place of PLACES) {
      const text = row(html, place.zone);
      expect(text).toContain(offsetLabel(oracleOffset(startMs, place.zone)));
      expect(text).not.toContain('→');
      expect(text).not.toContain(tr('en', 'session.clockChange'));
    }
  });
});

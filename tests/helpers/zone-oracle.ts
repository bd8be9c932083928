/**
 * The independent time oracle for tests: every offset change of the network's zones 2021–2027,
 * computed with Python's zoneinfo (tests/fixtures/zone-changes-2021-2027.json), never with Luxon.
 */
import { readFileSync } from 'node:fs';

export interface ZoneChange {
  utc: string;
  offsetBefore: number;
  offsetAfter: number;
  kind: 'gap' | 'overlap';
  /** The local interval that does not exist (gap) or happens twice (overlap). */
  localFrom: string;
  localTo: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/zone-changes-2021-2027.json', import.meta.url), 'utf8')) as {
  zones: Record<string, ZoneChange[]>;
  samples: { zone: string; local: string; utc: string }[];
};

export const zoneChanges: Record<string, ZoneChange[]> = fixture.zones;
export const zoneSamples = fixture.samples;

function changesOf(zone: string): [ZoneChange, ...ZoneChange[]] {
  const c = zoneChanges[zone];
  const first = c?.[0];
  if (!c || !first) throw new Error(`no fixture for ${zone}`);
  return [first, ...c.slice(1)];
}

/** The UTC offset (minutes) in force at an instant. */
export function oracleOffset(ms: number, zone: string): number {
  const changes = changesOf(zone);
  let offset = changes[0].offsetBefore;
  for (const c of changes) if (ms >= Date.parse(c.utc)) offset = c.offsetAfter;
  return offset;
}

/** Wall time in a zone → UTC ms (valid for wall times outside gaps and overlaps). */
export function oracleUtc(date: string, time: string, zone: string): number {
  const naive = Date.parse(`${date}T${time}:00Z`); // the wall-clock fields read as if UTC
  const changes = changesOf(zone);
  let offset = changes[0].offsetBefore;
  for (const c of changes) if (naive - c.offsetAfter * 60_000 >= Date.parse(c.utc)) offset = c.offsetAfter;
  return naive - offset * 60_000;
}

/** "UTC+03:00" / "UTC−04:00" written from an offset in minutes, as Kairos writes it. */
export function offsetLabel(minutes: number): string {
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

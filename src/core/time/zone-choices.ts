/**
 * The zones a person picks from, with where they are: every IANA zone a person may choose (see
 * `allZones`), its city as the zone names it ("America/Argentina/Buenos_Aires" → "Buenos Aires") and
 * its country (ISO 3166 code, from @vvo/tzdb). Made once; names in a language and offsets are added
 * where the list is shown.
 */
import { getTimeZones } from '@vvo/tzdb';

export interface ZoneChoice {
  zone: string;
  /** The zone's city in English, as the IANA name spells it. */
  city: string;
  /** ISO 3166 alpha-2 code of the zone's country, or '' for a zone of no country (UTC). */
  countryCode: string;
}

let choices: readonly ZoneChoice[] | undefined;

/** Every zone of `zones` with its city and country. */
export function zoneChoicesOf(zones: readonly string[]): readonly ZoneChoice[] {
  if (choices) return choices;
  const countryOf = new Map<string, string>();
  for (const z of getTimeZones()) for (const name of [z.name, ...z.group]) if (!countryOf.has(name)) countryOf.set(name, z.countryCode);
  choices = zones.map((zone) => ({ zone, city: (zone.split('/').pop() ?? zone).replace(/_/g, ' '), countryCode: countryOf.get(zone) ?? '' }));
  return choices;
}

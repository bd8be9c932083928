/**
 * Time zones as people name them: a city ("Bucharest", "New York", "Θεσσαλονίκη" is not covered:
 * the city names are English), a country ("Portugal", "Ελλάδα" in any of the site's languages),
 * and the zone a browser's language most likely means (Accept-Language "en-US" → America/New_York).
 * Backed by @vvo/tzdb (cities and countries of every zone) and Intl (country names, locales).
 */
import { getTimeZones } from '@vvo/tzdb';

/** Where a country spans several zones, the zone most of its people live in. */
const MAIN_ZONE: Record<string, string> = {
  US: 'America/New_York', CA: 'America/Toronto', MX: 'America/Mexico_City', BR: 'America/Sao_Paulo', AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago', RU: 'Europe/Moscow', AU: 'Australia/Sydney', NZ: 'Pacific/Auckland', ID: 'Asia/Jakarta', KZ: 'Asia/Almaty',
  CN: 'Asia/Shanghai', ES: 'Europe/Madrid', PT: 'Europe/Lisbon', DE: 'Europe/Berlin', CD: 'Africa/Kinshasa', MN: 'Asia/Ulaanbaatar',
  UA: 'Europe/Kyiv', EC: 'America/Guayaquil', CY: 'Asia/Nicosia', GL: 'America/Nuuk', KI: 'Pacific/Tarawa',
  PF: 'Pacific/Tahiti', UZ: 'Asia/Tashkent', MY: 'Asia/Kuala_Lumpur', FR: 'Europe/Paris', GB: 'Europe/London', NL: 'Europe/Amsterdam',
  IT: 'Europe/Rome', GR: 'Europe/Athens', RO: 'Europe/Bucharest', LT: 'Europe/Vilnius', PL: 'Europe/Warsaw', BG: 'Europe/Sofia',
};

const LANGUAGES = ['en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg'];

/** "São Paulo" → "sao paulo", "New_York" → "new york". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[_\-\s]+/g, ' ').trim();
}

interface Index {
  byName: Map<string, string>;
  byRegion: Map<string, string>;
}
let index: Index | undefined;

function build(): Index {
  const zones = getTimeZones();
  const byRegion = new Map<string, string>();
  const perRegion = new Map<string, string[]>();
  for (const z of zones) perRegion.set(z.countryCode, [...(perRegion.get(z.countryCode) ?? []), z.name]);
  for (const [cc, names] of perRegion) {
    const main = MAIN_ZONE[cc] ?? (names.length === 1 ? names[0] : undefined);
    if (main) byRegion.set(cc, main);
  }
  const byName = new Map<string, string>();
  const ambiguous = new Set<string>();
  const add = (name: string, zone: string) => {
    const key = fold(name);
    if (!key || ambiguous.has(key)) return;
    const had = byName.get(key);
    if (had !== undefined && had !== zone) {
      byName.delete(key);
      ambiguous.add(key);
    } else {
      byName.set(key, zone);
    }
  };
  for (const z of zones) {
    add(z.name.split('/').pop() ?? '', z.name);
    for (const city of z.mainCities) add(city, z.name);
    for (const alias of z.group) if (alias.includes('/')) add(alias.split('/').pop() ?? '', z.name);
  }
  // Country names in the site's languages, for countries with one main zone.
  for (const lang of LANGUAGES) {
    const names = new Intl.DisplayNames([lang], { type: 'region' });
    for (const [cc, zone] of byRegion) {
      const name = names.of(cc);
      if (name && name !== cc && !byName.has(fold(name))) byName.set(fold(name), zone);
    }
  }
  return { byName, byRegion };
}

/** The zone a city or country name means, or undefined when there is none or more than one. */
export function zoneNamedBy(text: string): string | undefined {
  index ??= build();
  return index.byName.get(fold(text));
}

/** The zone a country's people most likely live in (ISO 3166 code), if one stands out. */
export function zoneOfRegion(countryCode: string): string | undefined {
  index ??= build();
  return index.byRegion.get(countryCode.toUpperCase());
}

/**
 * The zone a browser's Accept-Language most likely means: the region of the first tag that has one
 * (a bare language is completed the usual way: "el" → el-GR, "en" → en-US). A guess, to preselect a
 * form field or show times in; never to be called "your" zone.
 */
export function likelyZone(acceptLanguage: string | undefined): string | undefined {
  if (!acceptLanguage) return undefined;
  const tags = acceptLanguage
    .split(',')
    .map((part) => part.split(';')[0]?.trim() ?? '')
    .filter((tag) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag))
    .slice(0, 10);
  for (const tag of tags) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      const zone = region ? zoneOfRegion(region) : undefined;
      if (zone) return zone;
    } catch {
      // not a locale Intl knows: try the next one
    }
  }
  return undefined;
}

/**
 * The `<option>`s of the zone pickers: about 430 IANA zones grouped by country (`<optgroup>`), the
 * nine hub cities first, each named "Bucharest — Romania — UTC+02:00 now" in the page's language.
 * The same for every page in a language until an offset changes, so made once per language and hour
 * as HTML (not on every render); the option to preselect is then marked in that HTML. The page's
 * script turns the `<select>` into a searchable combobox; without it the select works as it is.
 */
import { isMessageKey, t, type Language, type MessageKey } from '../i18n/index.js';
import { PLACES, utcOffsetLabel, zoneChoices } from '../time/index.js';
import { escapeHtml } from './error-summary.js';

const HOUR_MS = 3_600_000;
const made = new Map<string, string>();

export interface ZoneOptions {
  /** The options with `selected` on the one to preselect; a value not in the list is kept as an option of its own. */
  html(selected: unknown): string;
  /** What the combobox says of its search: "{n} time zones found" (with {n} in it), and that nothing was found. */
  found: string;
  none: string;
}

/** The zone options of a page in `lang`, with each zone's offset at `now`. */
export function zoneOptions(lang: Language, now: number): ZoneOptions {
  const key = `${lang} ${Math.floor(now / HOUR_MS)}`;
  let html = made.get(key);
  if (html === undefined) {
    html = build(lang, now);
    // The offsets of an hour gone by are not asked for again.
    for (const old of made.keys()) if (!old.endsWith(` ${Math.floor(now / HOUR_MS)}`)) made.delete(old);
    made.set(key, html);
  }
  const all = html;
  return { html: (selected) => markSelected(all, selected), found: t(lang, 'zone.found'), none: t(lang, 'zone.none') };
}

function markSelected(html: string, selected: unknown): string {
  if (typeof selected !== 'string' || selected === '') return html;
  const option = `<option value="${escapeHtml(selected)}"`;
  // The first of its options (a hub city is also in its country's group), whether or not it has more attributes.
  const at = Math.min(...[html.indexOf(`${option}>`), html.indexOf(`${option} `)].map((i) => (i < 0 ? Infinity : i)));
  if (at === Infinity) return `${option} selected>${escapeHtml(selected)}</option>${html}`;
  return `${html.slice(0, at + option.length)} selected${html.slice(at + option.length)}`;
}

function build(lang: Language, now: number): string {
  const regions = new Intl.DisplayNames([lang], { type: 'region' });
  const collator = new Intl.Collator(lang);
  const countryName = (code: string): string => {
    if (!code) return t(lang, 'zone.noCountry');
    const key = `country.${code}`;
    return isMessageKey(key) ? t(lang, key) : (regions.of(code) ?? code);
  };
  const label = (city: string, country: string, zone: string) => t(lang, 'zone.option', { city, country, offset: utcOffsetLabel(now, zone) });

  const city = (key: string, english: string) => (isMessageKey(`place.${key}`) ? t(lang, `place.${key}` as MessageKey) : english);
  const hubs = PLACES.map((p) => `<option value="${escapeHtml(p.zone)}" data-cc="${p.countryCode}">${escapeHtml(label(city(p.key, p.city), countryName(p.countryCode), p.zone))}</option>`).join('');
  const byCountry = new Map<string, { city: string; zone: string }[]>();
  for (const c of zoneChoices()) byCountry.set(c.countryCode, [...(byCountry.get(c.countryCode) ?? []), { city: c.city, zone: c.zone }]);
  const groups = [...byCountry.entries()]
    .map(([code, zones]) => ({ code, name: countryName(code), zones: zones.sort((a, b) => collator.compare(a.city, b.city)) }))
    .sort((a, b) => collator.compare(a.name, b.name));
  return (
    `<optgroup label="${escapeHtml(t(lang, 'zone.hubs'))}">${hubs}</optgroup>` +
    groups
      .map((g) => `<optgroup label="${escapeHtml(g.name)}" data-cc="${g.code}">${g.zones.map((z) => `<option value="${escapeHtml(z.zone)}">${escapeHtml(label(z.city, g.name, z.zone))}</option>`).join('')}</optgroup>`)
      .join('')
  );
}

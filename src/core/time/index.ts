/**
 * The only module that imports Luxon. A session's truth is a wall-clock time in an IANA zone;
 * instants (epoch milliseconds, UTC) are derived from it here. Nothing here reads the host's TZ:
 * every conversion names its zone.
 */
import { zoneNamedBy } from './zone-names.js';
import { DateTime, IANAZone, Settings } from 'luxon';
import { AppError } from '../errors.js';
import { Lru } from '../lru.js';

// Never let the host's TZ leak into a conversion that forgot its zone.
Settings.defaultZone = 'UTC';
Settings.throwOnInvalid = false;

export interface Place {
  /** Stable key, used in URLs and tables. */
  key: string;
  country: string;
  /** ISO 3166 alpha-2 country code. */
  countryCode: string;
  city: string;
  zone: string;
}

/** The places of the network whose local time every session page shows. */
export const PLACES: readonly Place[] = [
  { key: 'athens', country: 'Greece', countryCode: 'GR', city: 'Athens', zone: 'Europe/Athens' },
  { key: 'bucharest', country: 'Romania', countryCode: 'RO', city: 'Bucharest', zone: 'Europe/Bucharest' },
  { key: 'vilnius', country: 'Lithuania', countryCode: 'LT', city: 'Vilnius', zone: 'Europe/Vilnius' },
  { key: 'rome', country: 'Italy', countryCode: 'IT', city: 'Rome', zone: 'Europe/Rome' },
  { key: 'madrid', country: 'Spain', countryCode: 'ES', city: 'Madrid', zone: 'Europe/Madrid' },
  { key: 'canary', country: 'Spain', countryCode: 'ES', city: 'Canary Islands', zone: 'Atlantic/Canary' },
  { key: 'warsaw', country: 'Poland', countryCode: 'PL', city: 'Warsaw', zone: 'Europe/Warsaw' },
  { key: 'sofia', country: 'Bulgaria', countryCode: 'BG', city: 'Sofia', zone: 'Europe/Sofia' },
  { key: 'nicosia', country: 'Cyprus', countryCode: 'CY', city: 'Nicosia', zone: 'Asia/Nicosia' },
];

export const WORKING_HOURS = { startMinute: 9 * 60, endMinute: 18 * 60 } as const;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export { likelyZone, zoneNamedBy, zoneOfRegion } from './zone-names.js';
import { zoneChoicesOf, type ZoneChoice } from './zone-choices.js';
export type { ZoneChoice } from './zone-choices.js';

/** Every zone a person may choose, with its city and country (see `allZones`). */
export function zoneChoices(): readonly ZoneChoice[] {
  return zoneChoicesOf(allZones());
}

let zoneList: string[] | undefined;
/** Every IANA zone a person may choose (no fixed-offset Etc/ zones), sorted. */
export function allZones(): string[] {
  if (!zoneList) {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    const names = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : PLACES.map((p) => p.zone);
    zoneList = [...new Set([...names, ...PLACES.map((p) => p.zone)])].filter((z) => isUserZone(z)).sort();
  }
  return zoneList;
}

function isUserZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  if (/^(Etc\/|GMT|UTC|[+-]\d)/i.test(zone) || !zone.includes('/')) return false;
  // Luxon answers by building an Intl formatter each time: remember the answers (bounded, as names
  // come from visitors).
  const known = userZoneAnswers.get(zone);
  if (known !== undefined) return known;
  const valid = IANAZone.isValidZone(zone);
  if (userZoneAnswers.size < 2000) userZoneAnswers.set(zone, valid);
  return valid;
}
const userZoneAnswers = new Map<string, boolean>();

/**
 * Validates a zone a person gave: an IANA name such as Europe/Athens. Fixed offsets
 * (Etc/GMT+2, +02:00) and unknown names are refused. Returns the canonical spelling.
 */
export function validateZone(zone: unknown, field = 'zone'): string {
  if (typeof zone !== 'string' || zone.trim() === '') {
    throw new AppError('zone_required', 'a time zone is required', 400, field);
  }
  const z = zone.trim();
  // Checking a zone builds an Intl formatter: remember the answers (the set of names is small and fixed).
  const known = validated.get(z);
  if (known) return known;
  // An IANA name, or a city or country people name it by ("Bucharest", "New York", "Portugal").
  const canonical = strictZone(z) ?? strictZone(zoneNamedBy(z) ?? '');
  if (canonical === undefined) {
    throw new AppError('zone_invalid', `"${z.slice(0, 60)}" is not an IANA time zone such as Europe/Athens`, 400, field, { zone: z.slice(0, 60) });
  }
  if (validated.size < 2000) validated.set(z, canonical);
  return canonical;
}

/** The canonical spelling of an IANA name a person may choose, or undefined. */
function strictZone(z: string): string | undefined {
  if (!z || !isUserZone(z)) return undefined;
  return canonicalNames().get(z.toLowerCase()) ?? z;
}

const validated = new Map<string, string>();
let lowerToCanonical: Map<string, string> | undefined;
function canonicalNames(): Map<string, string> {
  lowerToCanonical ??= new Map(allZones().map((n) => [n.toLowerCase(), n]));
  return lowerToCanonical;
}

/** Whether `zone` is an IANA name a person may choose (strictly: no city or country names). */
export function isValidZone(zone: string): boolean {
  return strictZone(zone.trim()) !== undefined;
}

function offsetMinutes(zone: string, ms: number): number {
  return IANAZone.create(zone).offset(ms);
}

export interface WallTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm, 24-hour */
  time: string;
  zone: string;
}

/** The dates Kairos accepts for sessions, poll slots and deadlines (YYYY-MM-DD, inclusive). */
export const DATE_RANGE = { min: '2000-01-01', max: '2100-12-31' } as const;

/**
 * Refuses a YYYY-MM-DD date (or YYYY-MM month) outside DATE_RANGE with an error naming `field`:
 * calendar clients, the invite builder and the feeds all need an instant they can write.
 */
export function checkDateInRange(date: string, field = 'date'): void {
  const min = DATE_RANGE.min.slice(0, date.length);
  const max = DATE_RANGE.max.slice(0, date.length);
  if (date < min || date > max) {
    throw new AppError('date_out_of_range', `${date} is outside ${DATE_RANGE.min} to ${DATE_RANGE.max}`, 400, field, { min: DATE_RANGE.min, max: DATE_RANGE.max });
  }
}

/**
 * Wall-clock time in a zone → instant (epoch ms). A time that does not exist (spring-forward
 * gap) or exists twice (autumn overlap) is refused with an error naming `field`, never shifted.
 */
export function wallToInstant(w: WallTime, fields: { date?: string; time?: string; zone?: string } = {}): number {
  const dateField = fields.date ?? 'date';
  const timeField = fields.time ?? 'time';
  const zone = validateZone(w.zone, fields.zone ?? 'zone');
  const dm = DATE_RE.exec(w.date ?? '');
  if (!dm) throw new AppError('date_invalid', 'the date must be written YYYY-MM-DD', 400, dateField);
  const tm = TIME_RE.exec(w.time ?? '');
  if (!tm) throw new AppError('time_invalid', 'the time must be written HH:MM (24-hour)', 400, timeField);
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const [h, mi] = [Number(tm[1]), Number(tm[2])];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new AppError('date_invalid', `${w.date} is not a calendar date`, 400, dateField);
  }
  checkDateInRange(w.date, dateField);
  // Candidate offsets: whatever the zone uses a day either side covers any single transition.
  const candidates = new Set([offsetMinutes(zone, naive - 86_400_000), offsetMinutes(zone, naive), offsetMinutes(zone, naive + 86_400_000)]);
  const valid = [...candidates].map((off) => naive - off * 60_000).filter((ms) => naive - offsetMinutes(zone, ms) * 60_000 === ms);
  const instants = [...new Set(valid)].sort((a, b) => a - b);
  const [instant, later] = instants;
  if (instant === undefined) {
    throw new AppError(
      'time_gap',
      `${w.date} ${w.time} does not exist in ${zone}: the clocks jump forward that night. Choose a time outside the jump.`,
      400,
      timeField,
      { date: w.date, time: w.time, zone },
    );
  }
  if (later !== undefined) {
    throw new AppError(
      'time_overlap',
      `${w.date} ${w.time} happens twice in ${zone}: the clocks go back that night. Choose a time outside the repeated hour.`,
      400,
      timeField,
      { date: w.date, time: w.time, zone },
    );
  }
  return instant;
}

/**
 * The first instant of a calendar day (YYYY-MM-DD) in a zone: its midnight, or the first moment
 * after the clocks jump over midnight where they do. A date not written so is refused naming `field`.
 */
export function startOfDayInZone(date: string, zone: string, field = 'date'): number {
  if (!DATE_RE.test(date)) throw new AppError('date_invalid', 'the date must be written YYYY-MM-DD', 400, field);
  const dt = DateTime.fromISO(date, { zone: validateZone(zone) });
  if (!dt.isValid) throw new AppError('date_invalid', `${date} is not a calendar date`, 400, field);
  checkDateInRange(date, field);
  return dt.startOf('day').toMillis();
}

/** Instant → wall-clock date and time in a zone. */
export function instantToWall(ms: number, zone: string): WallTime {
  const dt = DateTime.fromMillis(ms, { zone });
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm'), zone };
}

/** "UTC+03:00" for an instant in a zone. */
export function utcOffsetLabel(ms: number, zone: string): string {
  const off = offsetMinutes(zone, ms);
  const sign = off < 0 ? '−' : '+';
  const a = Math.abs(off);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function offsetOf(ms: number, zone: string): number {
  return offsetMinutes(zone, ms);
}

export function toIsoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** ISO 8601 with the zone's offset, e.g. 2021-07-15T11:00:00+03:00. */
export function toIsoInZone(ms: number, zone: string): string {
  return isoInZone.getOrSet(`${ms}|${zone}`, () => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? '');
}

// The same instants are shown again and again (every view of a session, every API answer): what
// depends only on an instant and a zone is computed once. Bounded, so old sessions fall out.
const MEMO_ENTRIES = 2000;
const isoInZone = new Lru<string, string>(MEMO_ENTRIES);
const placeTable = new Lru<string, readonly PlaceTime[]>(MEMO_ENTRIES);

export type DateStyle = 'full' | 'long' | 'medium' | 'short';

/**
 * A time as a person reads it, always naming the zone: "Thursday, 15 July 2021, 11:00 (Europe/Athens, UTC+03:00)".
 * The locale is a BCP 47 tag such as en, el, ro. The hour always has two digits, as `formatTime` and
 * the nine-place table write it, so that one message never mixes "8:00" (Spanish Intl) with "08:00";
 * the language's own words around the time stay (Bulgarian "08:00 ч.").
 */
export function formatInZone(ms: number, zone: string, locale = 'en', style: DateStyle = 'full'): string {
  // The same instant, zone and language always read the same: worked out once (emails print a
  // session's time for every recipient, pages for every visitor).
  return readable.getOrSet(`${ms}|${zone}|${locale}|${style}`, () => formatInZoneNow(ms, zone, locale, style));
}

const readable = new Lru<string, string>(MEMO_ENTRIES);

function formatInZoneNow(ms: number, zone: string, locale: string, style: DateStyle): string {
  const dt = DateTime.fromMillis(ms, { zone }).setLocale(intlLocale(locale));
  const date = dt.toLocaleString(style === 'full' ? DateTime.DATE_HUGE : style === 'long' ? DateTime.DATE_FULL : DateTime.DATE_MED);
  const time = dt.toLocaleString(DateTime.TIME_24_SIMPLE).replace(/(^|\D)(\d)(?=:\d\d)/, '$10$2');
  return `${date}, ${time} (${zoneLabel(zone)}, ${utcOffsetLabel(ms, zone)})`;
}

/** Only the date, in a zone. */
export function formatDate(ms: number, zone: string, locale = 'en', style: DateStyle = 'full'): string {
  const dt = DateTime.fromMillis(ms, { zone }).setLocale(intlLocale(locale));
  return dt.toLocaleString(style === 'full' ? DateTime.DATE_HUGE : style === 'long' ? DateTime.DATE_FULL : DateTime.DATE_MED);
}

/** Only HH:mm in a zone (24-hour). */
export function formatTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
}

/**
 * A month and year in a locale. `inPhrase` gives the form used after "mid"/"early" (the genitive in
 * Greek or Polish: "μέσα Σεπτεμβρίου 2021"); otherwise the standalone form ("September 2021").
 */
export function formatMonth(year: number, month: number, locale = 'en', inPhrase = false): string {
  return DateTime.fromObject({ year, month, day: 15 }, { zone: 'UTC' })
    .setLocale(intlLocale(locale))
    .toFormat(inPhrase ? 'MMMM yyyy' : 'LLLL yyyy');
}

/** "Europe/Athens" → "Athens" style label kept as the IANA name, which is unambiguous. */
export function zoneLabel(zone: string): string {
  return zone.replace(/_/g, ' ');
}

/** Kairos speaks European English: day before month, 24-hour clock. */
function intlLocale(locale: string): string {
  return !locale || locale === 'en' ? 'en-GB' : locale;
}

export interface PlaceTime {
  place: Place;
  /** Local date and time at the start. */
  date: string;
  time: string;
  endTime: string;
  weekday: number;
  /** UTC offset at the start ("UTC+02:00"). */
  offset: string;
  /** UTC offset at the end: differs from `offset` when the clocks change during the session. */
  endOffset: string;
  /** Start and end fall on a weekday within 09:00–18:00 local time. */
  workingHours: boolean;
  /** Whether the local date differs from the session zone's date. */
  dayShift: number;
}

/** Local time of an instant in every participating place, with working-hours marks. */
export function placeTimes(startMs: number, durationMinutes: number, referenceZone?: string, places: readonly Place[] = PLACES): readonly PlaceTime[] {
  if (places !== PLACES) return computePlaceTimes(startMs, durationMinutes, referenceZone, places);
  // Frozen: every caller shares the cached table.
  return placeTable.getOrSet(`${startMs}|${durationMinutes}|${referenceZone ?? ''}`, () =>
    Object.freeze(computePlaceTimes(startMs, durationMinutes, referenceZone, places).map((p) => Object.freeze(p))),
  );
}

function computePlaceTimes(startMs: number, durationMinutes: number, referenceZone: string | undefined, places: readonly Place[]): PlaceTime[] {
  const endMs = startMs + durationMinutes * 60_000;
  const refDate = referenceZone ? DateTime.fromMillis(startMs, { zone: referenceZone }).startOf('day') : undefined;
  return places.map((place) => {
    const s = DateTime.fromMillis(startMs, { zone: place.zone });
    const e = DateTime.fromMillis(endMs, { zone: place.zone });
    const local = s.startOf('day');
    return {
      place,
      date: s.toFormat('yyyy-MM-dd'),
      time: s.toFormat('HH:mm'),
      endTime: e.toFormat('HH:mm'),
      weekday: s.weekday,
      offset: utcOffsetLabel(startMs, place.zone),
      endOffset: utcOffsetLabel(endMs, place.zone),
      workingHours: isWithinWorkingHours(startMs, endMs, place.zone),
      dayShift: refDate ? Math.round(local.diff(DateTime.fromObject({ year: refDate.year, month: refDate.month, day: refDate.day }, { zone: place.zone }), 'days').days) : 0,
    };
  });
}

/** Start and end on the same weekday (Mon–Fri) within 09:00–18:00 local time. */
export function isWithinWorkingHours(startMs: number, endMs: number, zone: string): boolean {
  const s = DateTime.fromMillis(startMs, { zone });
  const e = DateTime.fromMillis(endMs, { zone });
  if (s.weekday > 5) return false;
  if (s.toISODate() !== e.toISODate() && !(e.hour === 0 && e.minute === 0)) return false;
  const sMin = s.hour * 60 + s.minute;
  const eMin = e.toISODate() === s.toISODate() ? e.hour * 60 + e.minute : 24 * 60;
  return sMin >= WORKING_HOURS.startMinute && eMin <= WORKING_HOURS.endMinute;
}

/** Adds whole calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toFormat('yyyy-MM-dd');
}

/** ISO weekday (1 = Monday) of a YYYY-MM-DD date. */
export function weekdayOf(date: string): number {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday;
}

/** Wall time of an instant in a zone, as minutes since local midnight. */
export function minutesOfDay(ms: number, zone: string): number {
  const dt = DateTime.fromMillis(ms, { zone });
  return dt.hour * 60 + dt.minute;
}

/**
 * The instant of a given local wall time on the local date of `ms` in `zone`, shifted by
 * `dayOffset` days. Used for "20:00 the previous evening" style rules. Gaps resolve forward.
 */
export function localTimeOnDay(ms: number, zone: string, hhmm: string, dayOffset = 0): number {
  const [h, m] = hhmm.split(':').map(Number);
  return DateTime.fromMillis(ms, { zone }).plus({ days: dayOffset }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toMillis();
}

/** Parses an ISO 8601 duration (PT1H, P1D, PT30M, P1DT2H) into minutes; throws naming `field`. */
export function parseDurationMinutes(text: string, field = 'duration'): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) {
    throw new AppError('duration_invalid', `"${text.slice(0, 40)}" is not a duration such as PT1H or P1D`, 400, field);
  }
  const [, w, d, h, mi] = m;
  return (Number(w ?? 0) * 7 + Number(d ?? 0)) * 1440 + Number(h ?? 0) * 60 + Number(mi ?? 0);
}

/** Minutes → an ISO 8601 duration (1440 → P1D, 60 → PT1H, 90 → PT1H30M, 1500 → P1DT1H). */
export function formatDurationMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const time = (h ? `${h}H` : '') + (m ? `${m}M` : '');
  const text = `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
  return text === 'P' ? 'PT0M' : text;
}

/**
 * Slot suggestion, a pure function: every start time, on a grid of `stepMinutes` of `zone`'s wall
 * clock, from `from` to `to` (dates in `zone`), after `now`, at which a meeting of `durationMinutes`
 * falls inside working hours in every one of `places`. Weekends drop out because no place has
 * working hours on them; a wall time in a DST gap or overlap is never suggested.
 */
import { PLACES, WORKING_HOURS, addDays, isWithinWorkingHours, offsetOf, wallToInstant, weekdayOf, type Place } from './index.js';

export interface SlotSearch {
  /** First and last date (YYYY-MM-DD) in `zone`, both included. */
  from: string;
  to: string;
  zone: string;
  durationMinutes: number;
  /** Only instants after this one. */
  now: number;
  stepMinutes: number;
  places?: readonly Place[];
}

export interface SuggestedSlot {
  date: string;
  time: string;
  startUtc: number;
  /** ISO weekday of `date`, 1 = Monday. */
  weekday: number;
}

const HOUR = 3_600_000;

export function suggestSlots(q: SlotSearch): SuggestedSlot[] {
  const { from, to, zone, durationMinutes, now, stepMinutes } = q;
  const places = q.places ?? PLACES;
  const out: SuggestedSlot[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    // One wallToInstant per day; the other steps follow by arithmetic when the zone keeps one offset
    // all day (otherwise, on a clock-change day, each step goes through wallToInstant).
    const noon = wallToInstant({ date, time: '12:00', zone });
    const off = offsetOf(noon, zone);
    const steady = offsetOf(noon - 14 * HOUR, zone) === off && offsetOf(noon + 14 * HOUR, zone) === off;
    // Each place's offset over the day, when it does not change: a cheap first look at its clock.
    const placeOffsets = places.map((p) => {
      const o = offsetOf(noon - 14 * HOUR, p.zone);
      return o === offsetOf(noon + 14 * HOUR + durationMinutes * 60_000, p.zone) ? o : undefined;
    });
    for (let m = 0; m < 24 * 60; m += stepMinutes) {
      const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      let startUtc: number;
      if (steady) startUtc = noon + (m - 12 * 60) * 60_000;
      else {
        try {
          startUtc = wallToInstant({ date, time, zone });
        } catch {
          continue; // a wall time in a DST gap or overlap is never suggested
        }
      }
      if (startUtc <= now) continue;
      const endUtc = startUtc + durationMinutes * 60_000;
      if (!placeOffsets.every((o) => o === undefined || mayBeWorkingTime(startUtc, durationMinutes, o))) continue;
      // The verdict: isWithinWorkingHours in every place.
      if (!places.every((p) => isWithinWorkingHours(startUtc, endUtc, p.zone))) continue;
      out.push({ date, time, startUtc, weekday: weekdayOf(date) });
    }
  }
  return out;
}

/**
 * A necessary condition for working time, by arithmetic on a fixed UTC offset (minutes): the local start
 * is on a weekday, at or after the start of working hours, and the end is not after their end. Only used
 * to skip candidates cheaply; isWithinWorkingHours decides.
 */
function mayBeWorkingTime(startUtc: number, durationMinutes: number, offsetMinutes: number): boolean {
  const local = startUtc / 60_000 + offsetMinutes;
  const day = Math.floor(local / 1440);
  const isoWeekday = ((day + 3) % 7 + 7) % 7 + 1; // 1970-01-01 was a Thursday (4)
  const minute = local - day * 1440;
  return isoWeekday <= 5 && minute >= WORKING_HOURS.startMinute && minute + durationMinutes <= WORKING_HOURS.endMinute;
}

/**
 * The dates of a rough part of a month ('2021-09', 'mid' → 11–20 September): early is days 1–10,
 * mid 11–20, late 21 to the end; no part is the whole month.
 */
export function monthPartRange(month: string, part: 'early' | 'mid' | 'late' | null): { from: string; to: string } {
  const start = `${month}-01`;
  const [y = NaN, m = NaN] = month.split('-').map(Number);
  const last = addDays(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`, -1);
  if (part === 'early') return { from: start, to: addDays(start, 9) };
  if (part === 'mid') return { from: addDays(start, 10), to: addDays(start, 19) };
  if (part === 'late') return { from: addDays(start, 20), to: last };
  return { from: start, to: last };
}

/**
 * Repeat rules: the local calendar dates of a repeating session. Dates are generated as calendar
 * dates (never by adding hours to an instant); each date then gets the same wall time in the same
 * zone through wallToInstant, so a 10:00 Athens session stays at 10:00 Athens across clock changes.
 */
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';
import { wallToInstant } from './index.js';

/** Every `interval` weeks on the first date's weekday; every `interval` months on the n-th weekday or on the first date's day. */
export type RepeatFrequency = 'weekly' | 'monthly-weekday' | 'monthly-day';
export const REPEAT_FREQUENCIES: readonly RepeatFrequency[] = ['weekly', 'monthly-weekday', 'monthly-day'];

/** Which weekday of the month: the first to the fourth, or the last. */
export type RepeatOrdinal = 'first' | 'second' | 'third' | 'fourth' | 'last';
export const REPEAT_ORDINALS: readonly RepeatOrdinal[] = ['first', 'second', 'third', 'fourth', 'last'];

/** How many sessions a rule makes, the first one included. */
export const REPEAT_COUNT = { min: 2, max: 52 } as const;
/** How many weeks or months apart at most. */
export const REPEAT_INTERVAL = { min: 1, max: 12 } as const;

export interface RepeatRule {
  frequency: RepeatFrequency;
  /** Every `interval` weeks or months (1: every week, every month). */
  interval: number;
  /** Sessions in all, the first one included. */
  count: number;
  /** For 'monthly-weekday': which of the month's weekdays (the first date's weekday). */
  ordinal?: RepeatOrdinal;
}

const ORDINAL_NUMBER: Record<RepeatOrdinal, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

const day = (date: string) => DateTime.fromISO(date, { zone: 'UTC' });

/** The ordinal a date has in its month for its weekday: 1–5 from the start, and whether it is the last. */
export function weekdayOrdinalOf(date: string): { nth: number; last: boolean; weekday: number } {
  const d = day(date);
  return { nth: Math.ceil(d.day / 7), last: d.plus({ days: 7 }).month !== d.month, weekday: d.weekday };
}

/** Whether `date` is the `ordinal` weekday of its month (the 4th Thursday may also be the last). */
export function matchesOrdinal(date: string, ordinal: RepeatOrdinal): boolean {
  const o = weekdayOrdinalOf(date);
  return ordinal === 'last' ? o.last : o.nth === ORDINAL_NUMBER[ordinal];
}

/** The `ordinal` weekday (ISO, 1 = Monday) of a month, as YYYY-MM-DD. */
function nthWeekday(year: number, month: number, weekday: number, ordinal: RepeatOrdinal): string {
  const n = ORDINAL_NUMBER[ordinal];
  if (n > 0) {
    const first = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' });
    return first.plus({ days: ((weekday - first.weekday + 7) % 7) + (n - 1) * 7 }).toFormat('yyyy-MM-dd');
  }
  const last = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' }).endOf('month').startOf('day');
  return last.minus({ days: (last.weekday - weekday + 7) % 7 }).toFormat('yyyy-MM-dd');
}

export interface RepeatDates {
  /** The dates of the sessions, the first date first. */
  dates: string[];
  /** Months (YYYY-MM) the rule lands in that have no such day (the 31st in April): nothing is made for them. */
  missing: string[];
}

/**
 * The local calendar dates a rule gives from `firstDate` (YYYY-MM-DD), the first date included.
 * A monthly rule on a day some months lack (29–31) lists those months in `missing`, so that the
 * caller can refuse it with the months named instead of moving or dropping a session quietly.
 */
export function repeatDates(firstDate: string, rule: RepeatRule): RepeatDates {
  const first = day(firstDate);
  const dates: string[] = [];
  const missing: string[] = [];
  for (let k = 0; k < rule.count; k++) {
    if (rule.frequency === 'weekly') {
      dates.push(first.plus({ weeks: k * rule.interval }).toFormat('yyyy-MM-dd'));
      continue;
    }
    const month = first.startOf('month').plus({ months: k * rule.interval });
    if (rule.frequency === 'monthly-weekday') {
      dates.push(nthWeekday(month.year, month.month, first.weekday, rule.ordinal ?? 'first'));
    } else if (first.day > (month.daysInMonth ?? 31)) {
      missing.push(month.toFormat('yyyy-MM'));
    } else {
      dates.push(month.set({ day: first.day }).toFormat('yyyy-MM-dd'));
    }
  }
  return { dates, missing };
}

/** One date of a repeat with its instant, or why its wall time cannot be used there. */
export interface RepeatInstant {
  date: string;
  startUtc?: number;
  /** 'time_gap' (the wall time does not exist that day), 'time_overlap' (it happens twice), or another refusal's code. */
  problem?: string;
}

/** The instant of `time` in `zone` on each date; a date whose wall time falls in a gap or an overlap is marked, never shifted. */
export function repeatInstants(dates: readonly string[], time: string, zone: string): RepeatInstant[] {
  return dates.map((date) => {
    try {
      return { date, startUtc: wallToInstant({ date, time, zone }) };
    } catch (e) {
      if (e instanceof AppError) return { date, problem: e.code };
      throw e;
    }
  });
}

/** Whether `date` is a YYYY-MM-DD calendar date (2027-02-30 is not). */
export function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && day(date).isValid;
}

/** Whole calendar days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round(day(to).diff(day(from), 'days').days);
}

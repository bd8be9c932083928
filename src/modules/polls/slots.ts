/**
 * Candidate slots of a poll: checking a slot the organiser typed, suggestions inside working hours,
 * and a first range to search them in. Pure: "now" is passed in.
 */
import { AppError, FieldErrors } from '../../core/errors.js';
import { str } from '../../core/text.js';
import { addDays, instantToWall, validateZone, wallToInstant } from '../../core/time/index.js';
import { monthPartRange, suggestSlots } from '../../core/time/suggest.js';
import type { Session } from '../sessions/index.js';
import type { PollSlot } from './repository.js';
import { SUGGEST_STEP_MINUTES } from './rules.js';
import { checkSuggestRange } from './validate.js';

export interface Suggestion {
  date: string;
  time: string;
  zone: string;
  durationMinutes: number;
  startUtc: number;
  weekday: number;
  /** Already a slot of the poll. */
  inPoll: boolean;
}

export interface CheckedSlot {
  date: string;
  time: string;
  zone: string;
  durationMinutes: number;
  startUtc: number;
}

/**
 * A slot's wall date, time and zone (empty zone: the poll's) and duration (empty: the session's,
 * asked for only then); refused in a DST gap or overlap, or in the past. Every bad field is named.
 */
export function checkSlot(
  input: { date?: unknown; time?: unknown; zone?: unknown; durationMinutes?: unknown },
  defaults: { zone: string; durationMinutes: () => number; now: number },
): CheckedSlot {
  const errs = new FieldErrors();
  const zone = errs.catch('zone', () => validateZone(str(input.zone).trim() || defaults.zone, 'zone')) ?? 'UTC';
  const date = str(input.date).trim();
  const time = str(input.time).trim();
  if (!date) errs.add('date', 'required', 'a date is required');
  if (!time) errs.add('time', 'required', 'a start time is required');
  const rawDuration = str(input.durationMinutes).trim();
  const durationMinutes = rawDuration === '' ? defaults.durationMinutes() : Number(rawDuration);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 5 || durationMinutes > 1440) errs.add('durationMinutes', 'duration_invalid', 'a whole number of minutes from 5 to 1440');
  let startUtc: number | undefined;
  if (date && time && !errs.has('zone')) {
    startUtc = errs.catch('time', () => wallToInstant({ date, time, zone }, { date: 'date', time: 'time', zone: 'zone' }));
    if (startUtc !== undefined && startUtc <= defaults.now) errs.add('date', 'in_past', 'this start is in the past');
  }
  errs.throwIfAny();
  // Without field errors the start was computed; the check keeps it so should the checks above change.
  if (startUtc === undefined) throw new AppError('required', 'a start time is required', 400, 'time');
  return { date, time, zone, durationMinutes, startUtc };
}

/**
 * Slots inside working hours in every participating place (each checked with isWithinWorkingHours),
 * from `from` to `to` (dates in `zone`), every 30 minutes of `zone`'s wall clock, after `now` only.
 * Weekends drop out because no place has working hours on them.
 */
export function suggestions(input: { from?: unknown; to?: unknown; durationMinutes?: unknown; zone?: unknown }, existing: PollSlot[], now: number): Suggestion[] {
  const { zone, from, to, durationMinutes } = checkSuggestRange(input);
  const taken = new Set(existing.map((s) => `${s.startUtc}:${s.durationMinutes}`));
  return suggestSlots({ from, to, zone, durationMinutes, now, stepMinutes: SUGGEST_STEP_MINUTES }).map((sg) => ({
    ...sg,
    zone,
    durationMinutes,
    inPoll: taken.has(`${sg.startUtc}:${durationMinutes}`),
  }));
}

/** A first range for suggestions: the rough part of the month of a tentative session, else the next two weeks. */
export function defaultRange(session: Session, now: number): { from: string; to: string } {
  if (session.approxMonth && /^\d{4}-\d{2}$/.test(session.approxMonth)) return monthPartRange(session.approxMonth, session.approxPart);
  const today = instantToWall(now, session.zone).date;
  return { from: addDays(today, 1), to: addDays(today, 14) };
}

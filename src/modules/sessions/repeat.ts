/**
 * Repeating sessions: what a form or the API may send as a repeat rule, checked field by field
 * (`repeat.frequency`, `repeat.interval`, `repeat.count`, `repeat.ordinal`), and the refusals of a
 * rule whose dates cannot all take the session's wall time. The dates themselves come from
 * core/time/repeat.ts (calendar dates, then wall time → instant per date).
 */
import { AppError, ValidationError, type FieldErrors } from '../../core/errors.js';
import { REPEAT_COUNT, REPEAT_FREQUENCIES, REPEAT_INTERVAL, REPEAT_ORDINALS, type RepeatFrequency, type RepeatInstant, type RepeatOrdinal, type RepeatRule } from '../../core/time/repeat.js';

/** A repeat as sent: `frequency` 'none' (or absent) for a single session. */
export interface RepeatInput {
  frequency?: unknown;
  interval?: unknown;
  count?: unknown;
  ordinal?: unknown;
}

/** Whether the input asks for a repeat at all. */
export function wantsRepeat(input: RepeatInput | undefined): input is RepeatInput {
  return !!input && input.frequency !== undefined && input.frequency !== null && input.frequency !== '' && input.frequency !== 'none';
}

const whole = (raw: unknown, fallback: number): number => (raw === undefined || raw === null || raw === '' ? fallback : typeof raw === 'number' || (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) ? Number(raw) : NaN);

/** The rule of a repeat input, each bad field recorded in `errs` (undefined when the rule cannot be built). */
export function parseRepeat(input: RepeatInput, errs: FieldErrors): RepeatRule | undefined {
  const frequency = input.frequency as RepeatFrequency;
  if (!REPEAT_FREQUENCIES.includes(frequency)) errs.add('repeat.frequency', 'repeat_frequency', `one of none, ${REPEAT_FREQUENCIES.join(', ')}`);
  const interval = whole(input.interval, 1);
  if (!Number.isInteger(interval) || interval < REPEAT_INTERVAL.min || interval > REPEAT_INTERVAL.max) {
    errs.add('repeat.interval', 'repeat_interval', `a whole number from ${REPEAT_INTERVAL.min} to ${REPEAT_INTERVAL.max}`, { min: REPEAT_INTERVAL.min, max: REPEAT_INTERVAL.max });
  }
  const count = whole(input.count, NaN);
  if (!Number.isInteger(count) || count < REPEAT_COUNT.min || count > REPEAT_COUNT.max) {
    errs.add('repeat.count', 'repeat_count', `a whole number of sessions from ${REPEAT_COUNT.min} to ${REPEAT_COUNT.max}`, { min: REPEAT_COUNT.min, max: REPEAT_COUNT.max });
  }
  let ordinal: RepeatOrdinal | undefined;
  if (frequency === 'monthly-weekday') {
    const raw = input.ordinal === undefined || input.ordinal === '' ? 'first' : input.ordinal;
    if (REPEAT_ORDINALS.includes(raw as RepeatOrdinal)) ordinal = raw as RepeatOrdinal;
    else errs.add('repeat.ordinal', 'repeat_ordinal', `one of ${REPEAT_ORDINALS.join(', ')}`);
  }
  if (errs.has('repeat.frequency') || errs.has('repeat.interval') || errs.has('repeat.count') || errs.has('repeat.ordinal')) return undefined;
  return { frequency, interval, count, ...(ordinal ? { ordinal } : {}) };
}

/**
 * The refusal of dates whose wall time cannot be used, beside `field`, listing the dates: those where
 * it does not exist (the clocks jump forward) and those where it happens twice (they go back).
 */
export function wallTimeRefusal(instants: readonly RepeatInstant[], time: string, zone: string, field = 'time'): AppError | undefined {
  const gaps = instants.filter((i) => i.problem === 'time_gap').map((i) => i.date);
  const overlaps = instants.filter((i) => i.problem === 'time_overlap').map((i) => i.date);
  const params = { time, zone, gaps: gaps.join(', '), overlaps: overlaps.join(', '), dates: [...gaps, ...overlaps].join(', ') };
  if (gaps.length && overlaps.length) {
    return new AppError('repeat_gap_overlap', `${time} does not exist in ${zone} on ${params.gaps} and happens twice on ${params.overlaps}: choose another time`, 400, field, params);
  }
  if (gaps.length) return new AppError('repeat_gap', `${time} does not exist in ${zone} on ${params.gaps}: the clocks jump forward that night`, 400, field, params);
  if (overlaps.length) return new AppError('repeat_overlap', `${time} happens twice in ${zone} on ${params.overlaps}: the clocks go back that night`, 400, field, params);
  const out = instants.find((i) => i.problem !== undefined);
  if (out) return new AppError('repeat_date_invalid', `the session of ${out.date} cannot be made (${out.problem ?? ''}): choose fewer sessions`, 400, 'repeat.count', { date: out.date });
  return undefined;
}

/** One list of refusals: those found first, then those of `err` (a ValidationError or one AppError) for fields not named yet. */
export function mergeRefusals(first: readonly AppError[], err: AppError | undefined): AppError[] {
  if (err === undefined) return [...first];
  const more = err instanceof ValidationError ? err.errors : [err];
  return [...first, ...more.filter((e) => !first.some((f) => f.field === e.field))];
}

/** Runs `fn`; an input refusal (an AppError of status 400) is returned beside the result instead of thrown. */
export function refusalOf<T>(fn: () => T): { value?: T; refused?: AppError } {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof AppError && e.status === 400) return { refused: e };
    throw e;
  }
}

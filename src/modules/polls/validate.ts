/**
 * Checking what an organiser typed for a poll: its settings (zone, deadline as wall time, reminder)
 * and a range to search for slots in. Every refusal names its field; all are reported at once.
 */
import { FieldErrors } from '../../core/errors.js';
import { str } from '../../core/text.js';
import { addDays, validateZone, wallToInstant } from '../../core/time/index.js';
import type { Organiser } from '../organisers/index.js';
import type { Poll, PollSettings } from './repository.js';
import { SUGGEST_MAX_DAYS } from './rules.js';

export interface SettingsInput {
  zone?: unknown;
  deadlineDate?: unknown;
  deadlineTime?: unknown;
  reminderHours?: unknown;
}

/** The poll's settings; the deadline must be after `now`; an empty reminder keeps the current one (or the default). */
export function checkSettings(input: SettingsInput, actor: Pick<Organiser, 'zone'>, existing: Poll | undefined, now: number, defaultReminderHours: number): PollSettings {
  const errs = new FieldErrors();
  const rawZone = str(input.zone).trim() || existing?.zone || actor.zone;
  const zone = errs.catch('zone', () => validateZone(rawZone, 'zone')) ?? 'UTC';
  const deadlineDate = str(input.deadlineDate).trim();
  const deadlineTime = str(input.deadlineTime).trim();
  let deadlineUtc: number | null = null;
  if (deadlineDate || deadlineTime) {
    if (!deadlineDate) errs.add('deadlineDate', 'required', 'a date is required (or leave both empty: close by hand)');
    if (!deadlineTime) errs.add('deadlineTime', 'required', 'a time is required');
    if (deadlineDate && deadlineTime && !errs.has('zone')) {
      const ms = errs.catch('deadlineTime', () => wallToInstant({ date: deadlineDate, time: deadlineTime, zone }, { date: 'deadlineDate', time: 'deadlineTime', zone: 'zone' }));
      if (ms !== undefined) {
        if (ms <= now) errs.add('deadlineDate', 'poll_deadline_past', 'the deadline is in the past');
        deadlineUtc = ms;
      }
    }
  }
  const rawHours = str(input.reminderHours).trim();
  const reminderHours = rawHours === '' ? existing?.reminderHours ?? defaultReminderHours : Number(rawHours);
  if (!Number.isInteger(reminderHours) || reminderHours < 0 || reminderHours > 720) {
    errs.add('reminderHours', 'poll_reminder_invalid', 'a whole number of hours from 0 to 720');
  }
  errs.throwIfAny();
  return {
    zone,
    deadlineDate: deadlineUtc === null ? null : deadlineDate,
    deadlineTime: deadlineUtc === null ? null : deadlineTime,
    deadlineUtc,
    reminderHours,
  };
}

/** A range of dates (at most SUGGEST_MAX_DAYS) in a zone, and a duration, to search for slots in. */
export function checkSuggestRange(input: { from?: unknown; to?: unknown; durationMinutes?: unknown; zone?: unknown }): { zone: string; from: string; to: string; durationMinutes: number } {
  const errs = new FieldErrors();
  const zone = errs.catch('zone', () => validateZone(str(input.zone).trim() || 'Europe/Athens', 'zone')) ?? 'UTC';
  const from = str(input.from).trim();
  const to = str(input.to).trim() || from;
  const durationMinutes = Number(str(input.durationMinutes).trim() || 60);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 5 || durationMinutes > 1440) errs.add('durationMinutes', 'duration_invalid', 'a whole number of minutes from 5 to 1440');
  // Noon is never in a DST change of these zones: it checks that the dates are calendar dates.
  errs.catch('from', () => wallToInstant({ date: from, time: '12:00', zone }, { date: 'from', time: 'from', zone: 'zone' }));
  if (!errs.has('from')) errs.catch('to', () => wallToInstant({ date: to, time: '12:00', zone }, { date: 'to', time: 'to', zone: 'zone' }));
  if (!errs.has('from') && !errs.has('to')) {
    if (to < from) errs.add('to', 'poll_range_invalid', 'the end of the range is before its start');
    else if (addDays(from, SUGGEST_MAX_DAYS - 1) < to) errs.add('to', 'poll_range_too_long', `at most ${SUGGEST_MAX_DAYS} days`, { max: SUGGEST_MAX_DAYS });
  }
  errs.throwIfAny();
  return { zone, from, to, durationMinutes };
}

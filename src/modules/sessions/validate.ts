/**
 * A session's fields checked: title, status, hubs, series, date and time in the organiser's zone (a
 * time that does not exist or happens twice is refused, never shifted), duration, capacity, language,
 * reminders and the meeting room.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { AppError, FieldErrors } from '../../core/errors.js';
import { canAssignOwner, canUseSeries } from '../../core/access/index.js';
import { isLanguage } from '../../core/i18n/index.js';
import type { HubRepository } from './hubs-repository.js';
import type { SeriesRepository } from './series-repository.js';
import type { Organiser } from '../organisers/index.js';
import type { ApproxPart, RoomKind, Session, SessionData, SessionStatus } from './repository.js';
import { checkDateInRange, parseDurationMinutes, validateZone, wallToInstant } from '../../core/time/index.js';
import { hasControl, multiLine, singleLine, slugify, str } from '../../core/text.js';
import { ROOM_KINDS, jitsiRoomUrl, newJitsiRoom, pastedUrlRefusal } from './rooms.js';

/** What a form or the API may send to create or change a session; every value is checked. */
export interface SessionInput {
  title?: unknown;
  description?: unknown;
  seriesId?: unknown;
  hubId?: unknown;
  coHostIds?: unknown;
  status?: unknown;
  date?: unknown;
  time?: unknown;
  zone?: unknown;
  durationMinutes?: unknown;
  approxMonth?: unknown;
  approxPart?: unknown;
  joinUrl?: unknown;
  /** 'url' (the pasted joinUrl) or 'jitsi' (a room Kairos names); absent: as before, or 'url' when joinUrl is given. */
  roomKind?: unknown;
  capacity?: unknown;
  language?: unknown;
  doubleOptIn?: unknown;
  /** Reminder offsets: ISO 8601 durations (PT1H, P1D) or minutes; a form sends them comma-separated. */
  reminderOffsets?: unknown;
}

/** The repositories session checks read. */
type Repositories = { hubs: HubRepository; series: SeriesRepository };

const EDITABLE_STATUSES: SessionStatus[] = ['tentative', 'scheduled', 'completed'];
const PARTS: ApproxPart[] = ['early', 'mid', 'late'];

/**
 * The checks of a session's fields, for a new session and for an edit: every field named in a
 * ValidationError when it is wrong, and the data to store when all are right.
 */
export class SessionValidator {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {}

  /** Checks every field; throws a ValidationError naming each bad field. */
  validate(input: SessionInput, actor: Organiser, existing?: Session): SessionData {
    const errs = new FieldErrors();
    const has = (k: keyof SessionInput) => input[k] !== undefined;
    const pick = <K extends keyof SessionInput>(k: K, fallback: unknown) => (has(k) ? input[k] : fallback);

    // title
    const rawTitle = str(pick('title', existing?.title));
    const title = singleLine(rawTitle);
    if (!title) errs.add('title', 'required', 'a title is required');
    else if (title.length > 200) errs.add('title', 'too_long', 'at most 200 characters', { max: 200 });

    const description = multiLine(str(pick('description', existing?.description ?? ''))).slice(0, 10_000);

    // status
    const status = str(pick('status', existing?.status ?? 'scheduled')) as SessionStatus;
    if (!EDITABLE_STATUSES.includes(status)) errs.add('status', 'status_invalid', `must be one of ${EDITABLE_STATUSES.join(', ')}`);

    // hubs
    const hubId = Number(pick('hubId', existing?.hubId ?? actor.hubId ?? ''));
    if (!Number.isInteger(hubId) || !this.repos.hubs.get(hubId)) errs.add('hubId', 'hub_unknown', 'choose the organising hub');
    else if (!canAssignOwner(actor, hubId, existing?.hubId)) {
      errs.add('hubId', 'hub_forbidden', 'you can only organise sessions for your own hub');
    }
    const rawCo = pick('coHostIds', existing?.coHostIds ?? []);
    const coList = (Array.isArray(rawCo) ? rawCo : rawCo === '' || rawCo === undefined || rawCo === null ? [] : [rawCo]).map(Number);
    if (coList.some((h) => !Number.isInteger(h) || !this.repos.hubs.get(h))) errs.add('coHostIds', 'hub_unknown', 'unknown co-hosting hub');
    const coHostIds = [...new Set(coList.filter((h) => h !== hubId))].sort((a, b) => a - b);

    // series
    const rawSeries = pick('seriesId', existing?.seriesId ?? null);
    let seriesId: number | null = null;
    if (rawSeries !== null && rawSeries !== '' && rawSeries !== undefined) {
      const id = Number(rawSeries);
      seriesId = id;
      if (!Number.isInteger(seriesId) || !this.repos.series.get(seriesId)) errs.add('seriesId', 'series_unknown', 'unknown series');
      else if (!errs.has('hubId') && (seriesId !== existing?.seriesId || hubId !== existing?.hubId) && !canUseSeries(actor, hubId, (h) => this.repos.series.allowsHub(id, h))) {
        errs.add('seriesId', 'series_forbidden', 'your hub may add sessions only to series it already has sessions in');
      }
    }

    // time: the organiser's wall clock and zone
    const zone = errs.catch('zone', () => validateZone(pick('zone', existing?.zone ?? actor.zone), 'zone')) ?? 'UTC';
    const rawDuration = pick('durationMinutes', existing?.durationMinutes ?? 60);
    const durationMinutes = Number(rawDuration);
    if (rawDuration === '' || !Number.isInteger(durationMinutes) || durationMinutes < 5 || durationMinutes > 1440) {
      errs.add('durationMinutes', 'duration_invalid', 'a whole number of minutes from 5 to 1440');
    }
    const date = singleLine(str(pick('date', existing?.startDate ?? '')));
    const time = singleLine(str(pick('time', existing?.startTime ?? '')));
    let startUtc: number | null = null;
    let startDate: string | null = null;
    let startTime: string | null = null;
    if (status === 'tentative' && !date && !time) {
      // no fixed time yet
    } else if (!date || !time) {
      if (!date) errs.add('date', 'required', 'a date is required (or mark the session tentative)');
      if (!time) errs.add('time', 'required', 'a start time is required');
    } else if (!errs.has('zone')) {
      const ms = errs.catch('time', () => wallToInstant({ date, time, zone }, { date: 'date', time: 'time', zone: 'zone' }));
      if (ms !== undefined) {
        const moved = !existing || existing.startUtc !== ms;
        if (status === 'scheduled' && moved && ms < this.clock.now()) errs.add('date', 'in_past', 'this start is in the past');
        startUtc = ms;
        startDate = date;
        startTime = time;
      }
    }

    // rough time of a tentative session
    let approxMonth: string | null = str(pick('approxMonth', existing?.approxMonth ?? '')).trim() || null;
    let approxPart: ApproxPart | null = (str(pick('approxPart', existing?.approxPart ?? '')).trim() || null) as ApproxPart | null;
    if (approxMonth !== null && !/^\d{4}-(0[1-9]|1[0-2])$/.test(approxMonth)) errs.add('approxMonth', 'month_invalid', 'write the month as YYYY-MM');
    else if (approxMonth !== null) {
      const month = approxMonth;
      errs.catch('approxMonth', () => checkDateInRange(month, 'approxMonth'));
    }
    if (approxPart !== null && !PARTS.includes(approxPart)) errs.add('approxPart', 'part_invalid', 'early, mid or late');
    if (status === 'tentative' && !startDate && !approxMonth) errs.add('approxMonth', 'required', 'give at least a rough month for a tentative session');
    if (startDate && status !== 'tentative') {
      approxMonth = null;
      approxPart = null;
    }

    // meeting room: a pasted address, or a Jitsi room named here and kept for the life of the session
    const room = this.room(input, errs, title, existing);

    // reminder offsets
    const reminderOffsets = errs.catch('reminderOffsets', () => parseOffsets(pick('reminderOffsets', existing?.reminderOffsets ?? [1440, 60]))) ?? [];

    // capacity
    const capRaw = pick('capacity', existing?.capacity ?? null);
    let capacity: number | null = null;
    if (capRaw !== null && capRaw !== '' && capRaw !== undefined) {
      capacity = Number(capRaw);
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) errs.add('capacity', 'capacity_invalid', 'a whole number from 1 to 100000, or empty for no limit');
    }

    const language = str(pick('language', existing?.language ?? 'en'));
    if (!isLanguage(language)) errs.add('language', 'language_invalid', 'unsupported language');

    const dRaw = pick('doubleOptIn', existing?.doubleOptIn ?? true);
    const doubleOptIn = dRaw === true || dRaw === 'true' || dRaw === 'on' || dRaw === '1' || dRaw === 1;

    if (hasControl(rawTitle) && title) {
      // stripped silently above; nothing to report
    }
    errs.throwIfAny();
    const endUtc = startUtc === null ? null : startUtc + durationMinutes * 60_000;
    return {
      slug: existing?.slug ?? `${slugify(title)}-${randomBytes(3).toString('hex')}`,
      seriesId,
      hubId,
      coHostIds,
      title,
      description,
      status,
      startDate,
      startTime,
      zone,
      durationMinutes,
      startUtc,
      endUtc,
      timeStated: existing ? existing.timeStated || (existing.startUtc !== startUtc) : true,
      approxMonth,
      approxPart,
      joinUrl: room.joinUrl,
      roomKind: room.roomKind,
      jitsiRoom: room.jitsiRoom,
      capacity,
      language,
      doubleOptIn,
      calendarUid: existing?.calendarUid ?? this.newCalendarUid(),
      reminderOffsets,
    };
  }

  /**
   * The meeting room of `validate`. A pasted address must be https with a host and no credentials
   * (refused beside `joinUrl`); a Jitsi room needs JITSI_BASE_URL when it is new (refused beside
   * `roomKind`), and a session that has one keeps it (its name and address) through every edit.
   */
  private room(input: SessionInput, errs: FieldErrors, title: string, existing?: Session): { roomKind: RoomKind; jitsiRoom: string | null; joinUrl: string | null } {
    const rawKind = input.roomKind !== undefined ? str(input.roomKind) : input.joinUrl !== undefined ? 'url' : existing?.roomKind ?? 'url';
    const kind = rawKind === '' ? 'url' : (rawKind as RoomKind);
    if (!ROOM_KINDS.includes(kind)) {
      errs.add('roomKind', 'room_kind_invalid', 'the room is a pasted address (url) or a Jitsi room (jitsi)');
      return { roomKind: 'url', jitsiRoom: null, joinUrl: null };
    }
    if (kind === 'jitsi') {
      if (existing?.roomKind === 'jitsi' && existing.jitsiRoom) return { roomKind: 'jitsi', jitsiRoom: existing.jitsiRoom, joinUrl: existing.joinUrl };
      const base = this.config.jitsiBaseUrl;
      if (!base) {
        errs.add('roomKind', 'jitsi_unavailable', 'this installation has no Jitsi server (JITSI_BASE_URL); paste a meeting address instead');
        return { roomKind: 'url', jitsiRoom: null, joinUrl: null };
      }
      const name = newJitsiRoom(title);
      return { roomKind: 'jitsi', jitsiRoom: name, joinUrl: jitsiRoomUrl(base, name) };
    }
    // A session leaving its Jitsi room does not take the room's address as a pasted one.
    const fallback = existing?.roomKind === 'url' ? existing.joinUrl ?? '' : '';
    const joinUrl = singleLine(str(input.joinUrl !== undefined ? input.joinUrl : fallback)) || null;
    const refusal = joinUrl === null ? undefined : pastedUrlRefusal(joinUrl);
    if (refusal) errs.add('joinUrl', refusal, 'must be an https address such as https://meet.example.org/room, at most 2000 characters, with no user name or password');
    return { roomKind: 'url', jitsiRoom: null, joinUrl: refusal ? null : joinUrl };
  }

  newCalendarUid(): string {
    return `session-${randomBytes(12).toString('hex')}@${new URL(this.config.publicUrl).hostname}`;
  }
}

/**
 * Reminder offsets from a form ("P1D, PT1H" or "1440, 60") or the API (["P1D", "PT1H"] or [1440, 60]):
 * at most 5, each from 5 minutes to 30 days, no repeats; returned in minutes, longest first.
 */
export function parseOffsets(raw: unknown): number[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,\s]+/).filter(Boolean) : raw === undefined || raw === null ? [] : [raw];
  const minutes = items.map((x) => {
    if (typeof x === 'number' || (typeof x === 'string' && /^\d+$/.test(x))) return Number(x);
    if (typeof x === 'string') return parseDurationMinutes(x, 'reminderOffsets');
    throw new AppError('offset_invalid', 'each reminder is a duration such as PT1H or P1D', 400, 'reminderOffsets');
  });
  if (minutes.length > 5) throw new AppError('offsets_too_many', 'at most 5 reminders', 400, 'reminderOffsets');
  for (const m of minutes) {
    if (!Number.isInteger(m) || m < 5 || m > 30 * 1440) throw new AppError('offset_range', 'each reminder must be from 5 minutes to 30 days before the start', 400, 'reminderOffsets');
  }
  return [...new Set(minutes)].sort((a, b) => b - a);
}

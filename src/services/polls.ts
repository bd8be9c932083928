/**
 * Date polls for tentative sessions: candidate slots, working-hours suggestions, voters invited by
 * email with a personal link, answers (yes / if need be / no), results, and the pick that turns the
 * tentative session into a scheduled one.
 *
 * Rules chosen here:
 * - One poll per session, only for a tentative session. A slot is the organiser's wall date, time and
 *   zone (the truth) with the derived instant; a time in a DST gap or overlap is refused naming the field.
 * - A poll is open until it is closed by hand, a slot is picked, the session stops being tentative, or
 *   its deadline passes. The deadline is evaluated against the injected clock when the poll is read:
 *   nothing runs at the deadline, and reading never writes.
 * - Voters: hub contact addresses and registrants of earlier sessions of the series (active, with an
 *   address, and only those who accepted follow-up emails), one voter per address.
 * - Privacy: a voter's page shows their own answers and, for everyone, counts only (per slot, per
 *   country, per hub). Names and addresses of voters are shown to the session's organisers only.
 * - Ranking: most "yes", then most "if need be", then most countries in working hours, then earliest.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DB } from '../db/open.js';
import { eraseMailByKeys, mailForKeys } from '../email/personal-data.js';
import { checkpoint, immediate } from '../db/open.js';
import { enqueue, retime, validateEmailAddress, withdraw } from '../email/outbox.js';
import { AppError, FieldErrors, notFound } from '../errors.js';
import { isLanguage, t, tKey } from '../i18n/index.js';
import type { Repositories } from '../repositories/index.js';
import type { Organiser } from '../repositories/organisers.js';
import {
  POLL_ANSWERS,
  PollRepository,
  type NewPollVoter,
  type Poll,
  type PollAnswer,
  type PollClosedReason,
  type PollSettings,
  type PollSlot,
  type PollVoter,
} from '../repositories/polls.js';
import type { Session } from '../repositories/sessions.js';
import {
  PLACES,
  WORKING_HOURS,
  addDays,
  formatInZone,
  formatTime,
  instantToWall,
  isValidZone,
  offsetOf,
  isWithinWorkingHours,
  placeTimes,
  toIsoUtc,
  validateZone,
  wallToInstant,
  weekdayOf,
  type PlaceTime,
} from '../time/index.js';
import { countryName } from './countries.js';
import { sha256 } from './crypto.js';
import type { SessionChange, SessionService } from './sessions.js';
import { str } from './text.js';

export const POLL_EMAIL = {
  invite: 'poll.invite',
  reminder: 'poll.reminder',
  registerInvite: 'poll.register-invite',
} as const;

export const DEFAULT_REMINDER_HOURS = 48;
export const MAX_SLOTS = 40;
export const SUGGEST_MAX_DAYS = 31;
export const SUGGEST_STEP_MINUTES = 30;

/** The countries of the network, in the order of PLACES (Spain once, for Madrid and the Canary Islands). */
export const NETWORK_COUNTRIES: readonly string[] = [...new Set(PLACES.map((p) => p.countryCode))];

/** A voter's personal token: an HMAC of the voter's random nonce (128 bits), so only its hash is stored. */
export function pollVoterToken(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`poll-voter:${nonce}`).digest('base64url');
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function voteUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/poll/${token}`;
}

/** Address of the session page a voter is sent to once the date is fixed: no personal data in it. */
export function registerUrl(publicUrl: string, sessionId: number, lang?: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/sessions/${sessionId}?from=poll${lang && isLanguage(lang) ? `&lang=${lang}` : ''}`;
}

export const pollDedupe = {
  prefix: (pollId: number) => `poll:${pollId}:`,
  invite: (pollId: number, voterId?: number) => `poll:${pollId}:invite:${voterId ?? ''}`,
  reminder: (pollId: number, voterId?: number) => `poll:${pollId}:reminder:${voterId ?? ''}`,
  registerInvite: (pollId: number, voterId?: number) => `poll:${pollId}:register-invite:${voterId ?? ''}`,
};

export type PollClosedBecause = PollClosedReason | 'deadline';

export interface PollState {
  open: boolean;
  /** Why it is closed (null while open). */
  reason: PollClosedBecause | null;
}

/**
 * Whether a poll takes answers now. A passed deadline or a session that is no longer tentative closes
 * it in effect, without anything being written.
 */
export function pollState(poll: Poll, session: Pick<Session, 'status'> | undefined, now: number): PollState {
  if (poll.status === 'closed') return { open: false, reason: poll.closedReason ?? 'manual' };
  if (!session || session.status !== 'tentative') return { open: false, reason: 'session' };
  if (poll.deadlineUtc !== null && now >= poll.deadlineUtc) return { open: false, reason: 'deadline' };
  return { open: true, reason: null };
}

/** How a slot looks to one reader: its wall time, the reader's time, every place with working-hours marks. */
export interface SlotView {
  id: number;
  startDate: string;
  startTime: string;
  zone: string;
  durationMinutes: number;
  startUtc: number;
  startIso: string;
  /** In the slot's (organiser's) zone, naming it. */
  inSlotZone: string;
  endInSlotZone: string;
  /** In the reader's zone, naming it. */
  inViewerZone: string;
  endInViewerZone: string;
  /** Shorter, for table rows: "14 Sept 2021, 11:00 (Europe/Athens, UTC+03:00)". */
  shortInViewerZone: string;
  viewerZone: string;
  sameZone: boolean;
  places: PlaceTime[];
  /** Places where the slot falls outside working hours. */
  outside: PlaceTime[];
  /** Countries of the network where every place is within working hours. */
  countriesInHours: number;
  countriesTotal: number;
}

export interface AnswerTally {
  yes: number;
  maybe: number;
  no: number;
}

export interface SlotResult extends SlotView, AnswerTally {
  /** Keyed by country code. */
  byCountry: Record<string, AnswerTally>;
  /** Keyed by hub id, or 'none'. */
  byHub: Record<string, AnswerTally>;
  rank: number;
}

export interface PollResults {
  /** Chronological. */
  slots: SlotResult[];
  /** Best first. */
  ranking: SlotResult[];
  countries: { code: string; label: string }[];
  hubs: { key: string; label: string; country: string }[];
  voters: number;
  answered: number;
  /** Highest yes + if-need-be count in any heat-map cell (for shading). */
  maxCell: number;
}

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

export interface InviteResult {
  invited: number;
  alreadyInvited: number;
  /** Registrants left out because they did not accept follow-up emails. */
  withoutConsent: number;
  /** Addresses that are not valid email addresses. */
  invalid: number;
}

const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1' || v === 1 || v === 'yes';
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** Date polls: every change and the emails it causes commit together. */
export class PollService {
  readonly repo: PollRepository;
  private readonly defaultReminderHours: number;

  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly secret: string,
    private readonly sessions: SessionService,
    options: { reminderHours?: number } = {},
  ) {
    this.repo = repos.polls;
    this.defaultReminderHours = options.reminderHours ?? DEFAULT_REMINDER_HOURS;
  }

  // ---------------------------------------------------------------- reading

  forSession(sessionId: number): Poll | undefined {
    return this.repo.forSession(sessionId);
  }

  state(poll: Poll): PollState {
    return pollState(poll, this.repos.sessions.get(poll.sessionId), this.clock.now());
  }

  slots(poll: Poll): PollSlot[] {
    return this.repo.slots(poll.id);
  }

  voters(poll: Poll): PollVoter[] {
    return this.repo.voters(poll.id);
  }

  get defaultReminder(): number {
    return this.defaultReminderHours;
  }

  // ---------------------------------------------------------------- tokens

  tokenFor(v: Pick<PollVoter, 'tokenNonce'>): string {
    return pollVoterToken(this.secret, v.tokenNonce);
  }

  voteUrl(v: Pick<PollVoter, 'tokenNonce'>): string {
    return voteUrl(this.config.publicUrl, this.tokenFor(v));
  }

  /** The voter behind a token, with the poll and session; a 404 that says nothing about whether it existed. */
  byToken(token: string): { voter: PollVoter; poll: Poll; session: Session } {
    const voter = typeof token === 'string' && TOKEN_RE.test(token) ? this.repo.voterByTokenHash(sha256(token)) : undefined;
    const poll = voter && this.repo.get(voter.pollId);
    const session = poll && this.repos.sessions.get(poll.sessionId);
    if (!voter || !poll || !session) throw notFound('poll');
    return { voter, poll, session };
  }

  /**
   * Erases a voter (right to erasure): address, name and link are removed, with every email kept for
   * them; their answers stay, anonymous, in the counts by country and hub.
   */
  eraseVoter(voter: PollVoter): void {
    immediate(this.db, () => {
      eraseMailByKeys(this.db, [pollDedupe.invite(voter.pollId, voter.id), pollDedupe.reminder(voter.pollId, voter.id), pollDedupe.registerInvite(voter.pollId, voter.id)], this.clock.now());
      this.repo.anonymiseVoter(voter.id);
    });
    // Gone from the file's bytes too (a no-op inside an enclosing transaction, whose owner checkpoints).
    checkpoint(this.db);
  }

  eraseByToken(token: string): void {
    this.eraseVoter(this.byToken(token).voter);
  }

  /**
   * A registration erased or anonymised takes along the voters made from it and every voter record
   * made from a registration with the same address (a hub's own contact address stays).
   */
  eraseForRegistration(registrationId: number, email: string | null = null): void {
    const voters = new Map(this.repo.votersFromRegistration(registrationId).map((v) => [v.id, v]));
    if (email) for (const v of this.repo.votersWithAddress(email)) if (v.source === 'registrant') voters.set(v.id, v);
    for (const v of voters.values()) this.eraseVoter(v);
  }

  /** What the date polls keep about an address, for a person's data export: voter records, answers, emails. */
  personalData(email: string | null): Record<string, unknown>[] {
    if (!email) return [];
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return this.repo.votersWithAddress(email).map((v) => {
      const poll = this.repo.get(v.pollId);
      const session = poll && this.repos.sessions.get(poll.sessionId);
      const answers = this.repo.answersOf(v.id);
      const slots = poll ? this.repo.slots(poll.id) : [];
      return {
        session: session ? { id: session.id, title: session.title } : null,
        name: v.name,
        email: v.email,
        source: v.source,
        country: v.country,
        language: v.language,
        timeZone: v.zone,
        invitedAt: iso(v.createdAt),
        answeredAt: iso(v.answeredAt),
        changedAt: iso(v.changedAt),
        answers: slots
          .filter((s) => answers.has(s.id))
          .map((s) => ({ start: iso(s.startUtc), wallTime: `${s.startDate} ${s.startTime}`, zone: s.zone, durationMinutes: s.durationMinutes, answer: answers.get(s.id)! })),
        emails: mailForKeys(this.db, [pollDedupe.invite(v.pollId, v.id), pollDedupe.reminder(v.pollId, v.id), pollDedupe.registerInvite(v.pollId, v.id)]),
      };
    });
  }

  private newToken(): { tokenNonce: string; tokenHash: string } {
    const tokenNonce = randomBytes(16).toString('base64url');
    return { tokenNonce, tokenHash: sha256(pollVoterToken(this.secret, tokenNonce)) };
  }

  // ---------------------------------------------------------------- organiser: the poll itself

  /** The session (checked for the organiser) and its poll, or a 404 when it has none. */
  managed(sessionId: number, actor: Organiser): { session: Session; poll: Poll } {
    const session = this.sessions.getManaged(sessionId, actor, 'poll.manage');
    const poll = this.repo.forSession(session.id);
    if (!poll) throw notFound('poll');
    return { session, poll };
  }

  private assertOpen(poll: Poll, session: Session): void {
    const st = pollState(poll, session, this.clock.now());
    if (!st.open) throw new AppError('poll_closed', 'this poll is closed', 409, 'form', { reason: st.reason ?? '' });
  }

  private validateSettings(input: { zone?: unknown; deadlineDate?: unknown; deadlineTime?: unknown; reminderHours?: unknown }, actor: Organiser, existing?: Poll): PollSettings {
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
          if (ms <= this.clock.now()) errs.add('deadlineDate', 'poll_deadline_past', 'the deadline is in the past');
          deadlineUtc = ms;
        }
      }
    }
    const rawHours = str(input.reminderHours).trim();
    const reminderHours = rawHours === '' ? existing?.reminderHours ?? this.defaultReminderHours : Number(rawHours);
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

  /** Starts the poll of a tentative session. */
  create(sessionId: number, input: { zone?: unknown; deadlineDate?: unknown; deadlineTime?: unknown; reminderHours?: unknown }, actor: Organiser): Poll {
    const session = this.sessions.getManaged(sessionId, actor, 'poll.manage');
    const settings = this.validateSettings(input, actor);
    return immediate(this.db, () => {
      const fresh = this.repos.sessions.get(session.id)!;
      if (fresh.status !== 'tentative') throw new AppError('poll_session_not_tentative', 'only a tentative session can have a date poll', 409, 'form');
      if (this.repo.forSession(session.id)) throw new AppError('poll_exists', 'this session already has a date poll', 409, 'form');
      return this.repo.insert(session.id, settings, actor.id, this.clock.now());
    });
  }

  /**
   * Changes the deadline, its zone or the reminder. A poll closed only by its passed deadline opens
   * again with a later one. Queued reminders move with the deadline.
   */
  configure(sessionId: number, input: { zone?: unknown; deadlineDate?: unknown; deadlineTime?: unknown; reminderHours?: unknown }, actor: Organiser): Poll {
    const { poll } = this.managed(sessionId, actor);
    const settings = this.validateSettings(input, actor, poll);
    return immediate(this.db, () => {
      const { session, poll: current } = this.managed(sessionId, actor);
      if (current.status === 'closed' || session.status !== 'tentative') this.assertOpen(current, session);
      const updated = this.repo.setSettings(current.id, settings, this.clock.now());
      this.rescheduleEmails(updated);
      return updated;
    });
  }

  // ---------------------------------------------------------------- organiser: slots

  /** Adds a candidate slot: the organiser's wall date, time and zone; refused in a DST gap or overlap, or in the past. */
  addSlot(sessionId: number, input: { date?: unknown; time?: unknown; zone?: unknown; durationMinutes?: unknown }, actor: Organiser): PollSlot {
    const { poll } = this.managed(sessionId, actor);
    const errs = new FieldErrors();
    const zone = errs.catch('zone', () => validateZone(str(input.zone).trim() || poll.zone, 'zone')) ?? 'UTC';
    const date = str(input.date).trim();
    const time = str(input.time).trim();
    if (!date) errs.add('date', 'required', 'a date is required');
    if (!time) errs.add('time', 'required', 'a start time is required');
    const rawDuration = str(input.durationMinutes).trim();
    const durationMinutes = rawDuration === '' ? this.repos.sessions.get(sessionId)!.durationMinutes : Number(rawDuration);
    if (!Number.isInteger(durationMinutes) || durationMinutes < 5 || durationMinutes > 1440) errs.add('durationMinutes', 'duration_invalid', 'a whole number of minutes from 5 to 1440');
    let startUtc: number | undefined;
    if (date && time && !errs.has('zone')) {
      startUtc = errs.catch('time', () => wallToInstant({ date, time, zone }, { date: 'date', time: 'time', zone: 'zone' }));
      if (startUtc !== undefined && startUtc <= this.clock.now()) errs.add('date', 'in_past', 'this start is in the past');
    }
    errs.throwIfAny();
    return immediate(this.db, () => {
      const { session, poll: current } = this.managed(sessionId, actor);
      this.assertOpen(current, session);
      if (this.repo.slotCountOf(current.id) >= MAX_SLOTS) throw new AppError('poll_too_many_slots', `at most ${MAX_SLOTS} slots`, 409, 'form', { max: MAX_SLOTS });
      const slot = this.repo.addSlot(
        { pollId: current.id, startDate: date, startTime: time, zone, durationMinutes, startUtc: startUtc!, endUtc: startUtc! + durationMinutes * 60_000 },
        this.clock.now(),
      );
      if (!slot) throw new AppError('poll_slot_duplicate', 'this slot is already in the poll', 409, 'time');
      return slot;
    });
  }

  /** Removes a candidate slot (and the answers given for it) while the poll is open. */
  removeSlot(sessionId: number, slotId: number, actor: Organiser): void {
    immediate(this.db, () => {
      const { session, poll } = this.managed(sessionId, actor);
      this.assertOpen(poll, session);
      if (!this.repo.removeSlot(poll.id, slotId)) throw notFound('slot');
    });
  }

  /**
   * Slots inside working hours in every participating place (each checked with isWithinWorkingHours),
   * from `from` to `to` (dates in `zone`), every 30 minutes of `zone`'s wall clock, in the future only.
   * Weekends drop out because no place has working hours on them.
   */
  suggest(input: { from?: unknown; to?: unknown; durationMinutes?: unknown; zone?: unknown }, existing: PollSlot[] = []): Suggestion[] {
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
    const now = this.clock.now();
    const taken = new Set(existing.map((s) => `${s.startUtc}:${s.durationMinutes}`));
    const out: Suggestion[] = [];
    const HOUR = 3_600_000;
    for (let date = from; date <= to; date = addDays(date, 1)) {
      // One wallToInstant per day; the other steps follow by arithmetic when the zone keeps one offset
      // all day (otherwise, on a clock-change day, each step goes through wallToInstant).
      const noon = wallToInstant({ date, time: '12:00', zone });
      const off = offsetOf(noon, zone);
      const steady = offsetOf(noon - 14 * HOUR, zone) === off && offsetOf(noon + 14 * HOUR, zone) === off;
      // Each place's offset over the day, when it does not change: a cheap first look at its clock.
      const placeOffsets = PLACES.map((p) => {
        const o = offsetOf(noon - 14 * HOUR, p.zone);
        return o === offsetOf(noon + 14 * HOUR + durationMinutes * 60_000, p.zone) ? o : undefined;
      });
      for (let m = 0; m < 24 * 60; m += SUGGEST_STEP_MINUTES) {
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
        if (!PLACES.every((p) => isWithinWorkingHours(startUtc, endUtc, p.zone))) continue;
        out.push({ date, time, zone, durationMinutes, startUtc, weekday: weekdayOf(date), inPoll: taken.has(`${startUtc}:${durationMinutes}`) });
      }
    }
    return out;
  }

  /** A first range for suggestions: the rough part of the month of a tentative session, else the next two weeks. */
  defaultRange(session: Session): { from: string; to: string } {
    if (session.approxMonth && /^\d{4}-\d{2}$/.test(session.approxMonth)) {
      const start = `${session.approxMonth}-01`;
      const [y, m] = session.approxMonth.split('-').map(Number);
      const last = addDays(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`, -1);
      if (session.approxPart === 'early') return { from: start, to: addDays(start, 9) };
      if (session.approxPart === 'mid') return { from: addDays(start, 10), to: addDays(start, 19) };
      if (session.approxPart === 'late') return { from: addDays(start, 20), to: last };
      return { from: start, to: last };
    }
    const today = instantToWall(this.clock.now(), session.zone).date;
    return { from: addDays(today, 1), to: addDays(today, 14) };
  }

  // ---------------------------------------------------------------- organiser: voters

  /** How many addresses each source would give (for the invite form). */
  eligible(session: Session): { registrants: number; registrantsWithConsent: number } {
    const list = this.earlierRegistrants(session);
    return { registrants: list.all.length, registrantsWithConsent: list.withConsent.length };
  }

  private earlierRegistrants(session: Session) {
    if (session.seriesId === null) return { all: [], withConsent: [] };
    // The owning hub's own earlier sessions only (see the access policy).
    const rows = this.repo.earlierRegistrants(session.seriesId, session.id, session.hubId, this.clock.now());
    // One per address: the most recent registration speaks for the person (language, zone, consent).
    const byEmail = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!byEmail.has(r.email.toLowerCase())) byEmail.set(r.email.toLowerCase(), r);
    const all = [...byEmail.values()];
    return { all, withConsent: all.filter((r) => r.followupConsent) };
  }

  /**
   * Invites voters: the contact address of each chosen hub and/or the registrants of earlier sessions
   * of the series. Each new voter gets an invitation (and one reminder before the deadline), in their
   * language and zone. An address already invited is not invited again.
   */
  invite(sessionId: number, input: { hubIds?: unknown; registrants?: unknown }, actor: Organiser): InviteResult {
    const errs = new FieldErrors();
    const rawHubs = input.hubIds === undefined || input.hubIds === '' ? [] : Array.isArray(input.hubIds) ? input.hubIds : [input.hubIds];
    const hubIds = [...new Set(rawHubs.map((h) => Number(h)))];
    if (hubIds.some((h) => !Number.isInteger(h) || !this.repos.hubs.get(h))) errs.add('hubIds', 'hub_unknown', 'choose hubs from the list');
    const registrants = truthy(first(input.registrants));
    if (!hubIds.length && !registrants) errs.add('hubIds', 'poll_invite_none', 'choose at least one hub or the registrants of earlier sessions');
    errs.throwIfAny();
    return immediate(this.db, () => {
      const { session, poll } = this.managed(sessionId, actor);
      this.assertOpen(poll, session);
      if (this.repo.slotCountOf(poll.id) === 0) throw new AppError('poll_no_slots', 'add candidate slots before inviting voters', 409, 'form');
      const now = this.clock.now();
      const result: InviteResult = { invited: 0, alreadyInvited: 0, withoutConsent: 0, invalid: 0 };
      const candidates: Omit<NewPollVoter, 'tokenNonce' | 'tokenHash'>[] = [];
      for (const id of hubIds) {
        const h = this.repos.hubs.get(id)!;
        candidates.push({
          email: h.contactEmail,
          name: h.name,
          source: 'hub',
          hubId: h.id,
          registrationId: null,
          country: h.countryCode,
          language: isLanguage(h.language) ? h.language : 'en',
          zone: isValidZone(h.zone) ? h.zone : poll.zone,
        });
      }
      if (registrants) {
        const { all, withConsent } = this.earlierRegistrants(session);
        result.withoutConsent = all.length - withConsent.length;
        for (const r of withConsent) {
          candidates.push({
            email: r.email,
            name: r.name,
            source: 'registrant',
            hubId: r.hubId,
            registrationId: r.registrationId,
            country: r.country,
            language: isLanguage(r.language) ? r.language : 'en',
            zone: isValidZone(r.zone) ? r.zone : poll.zone,
          });
        }
      }
      const seen = new Set<string>();
      for (const c of candidates) {
        let email: string;
        try {
          email = validateEmailAddress(c.email);
        } catch {
          result.invalid++;
          continue;
        }
        const key = email.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const voter = this.repo.addVoter(poll.id, { ...c, email, ...this.newToken() }, now);
        if (!voter) {
          result.alreadyInvited++;
          continue;
        }
        result.invited++;
        this.queueInvite(poll, voter);
        this.queueReminder(poll, voter);
      }
      return result;
    });
  }

  /** One email to a voter, in their language and zone; the payload names only the poll and the voter. */
  private queueVoterMail(poll: Poll, voter: PollVoter, kind: string, dedupeKey: string, when: { notBefore?: number; deadline: number | null }): void {
    enqueue(
      this.db,
      {
        kind,
        dedupeKey,
        to: { email: voter.email, name: voter.name },
        language: voter.language,
        zone: voter.zone,
        sessionId: poll.sessionId,
        payload: { pollId: poll.id, voterId: voter.id },
        ...when,
      },
      this.clock,
    );
  }

  private queueInvite(poll: Poll, voter: PollVoter): void {
    this.queueVoterMail(poll, voter, POLL_EMAIL.invite, pollDedupe.invite(poll.id, voter.id), { deadline: poll.deadlineUtc });
  }

  /** One reminder per voter, `reminderHours` before the deadline; the renderer withdraws it if they answered. */
  private queueReminder(poll: Poll, voter: PollVoter): void {
    if (poll.deadlineUtc === null || poll.reminderHours === 0) return;
    const at = poll.deadlineUtc - poll.reminderHours * 3_600_000;
    if (at <= this.clock.now()) return;
    this.queueVoterMail(poll, voter, POLL_EMAIL.reminder, pollDedupe.reminder(poll.id, voter.id), { notBefore: at, deadline: poll.deadlineUtc });
  }

  /** After the deadline or the reminder changed: queued invitations and reminders follow. */
  private rescheduleEmails(poll: Poll): void {
    const now = this.clock.now();
    retime(this.db, { dedupePrefix: pollDedupe.invite(poll.id) }, { deadline: poll.deadlineUtc }, this.clock);
    if (poll.deadlineUtc === null || poll.reminderHours === 0) {
      withdraw(this.db, { dedupePrefix: pollDedupe.reminder(poll.id) }, this.clock, 'no reminder for this poll any more');
      return;
    }
    const at = poll.deadlineUtc - poll.reminderHours * 3_600_000;
    retime(this.db, { dedupePrefix: pollDedupe.reminder(poll.id) }, { notBefore: Math.max(at, now), deadline: poll.deadlineUtc }, this.clock);
    // Voters invited when no reminder was due get one now that it is (the dedupe key keeps it to one).
    for (const v of this.repo.voters(poll.id)) this.queueReminder(poll, v);
  }

  // ---------------------------------------------------------------- voting

  /** Stores a voter's answers (yes / maybe / no per slot); answers can change until the poll closes. */
  vote(token: string, body: Record<string, unknown>): PollVoter {
    const { voter } = this.byToken(token);
    return immediate(this.db, () => {
      const poll = this.repo.get(voter.pollId)!;
      const session = this.repos.sessions.get(poll.sessionId)!;
      this.assertOpen(poll, session);
      const errs = new FieldErrors();
      const answers = new Map<number, PollAnswer>();
      for (const s of this.repo.slots(poll.id)) {
        const raw = first(body[`slot-${s.id}`]);
        if (raw === undefined || raw === '') continue;
        if (typeof raw !== 'string' || !(POLL_ANSWERS as readonly string[]).includes(raw)) errs.add(`slot-${s.id}`, 'poll_answer_invalid', 'answer yes, if need be, or no');
        else answers.set(s.id, raw as PollAnswer);
      }
      if (!answers.size && !errs.errors.length) errs.add('form', 'poll_answer_required', 'choose an answer for at least one slot');
      errs.throwIfAny();
      this.repo.saveAnswers(voter.id, answers, this.clock.now());
      return this.repo.voter(voter.id)!;
    });
  }

  answersOf(voter: PollVoter): Record<string, PollAnswer> {
    return Object.fromEntries([...this.repo.answersOf(voter.id)].map(([k, v]) => [String(k), v]));
  }

  // ---------------------------------------------------------------- closing and picking

  /** Closes the poll by hand; unsent invitations and reminders are withdrawn. */
  close(sessionId: number, actor: Organiser): Poll {
    return immediate(this.db, () => {
      const { poll } = this.managed(sessionId, actor);
      if (poll.status === 'closed') throw new AppError('poll_closed', 'this poll is already closed', 409, 'form', { reason: poll.closedReason ?? '' });
      this.repo.close(poll.id, 'manual', null, this.clock.now());
      this.withdrawVoting(poll.id, 'poll closed');
      return this.repo.get(poll.id)!;
    });
  }

  /**
   * Picks a slot, in one transaction: the poll is closed, the session becomes scheduled at the slot's
   * wall time and zone (SessionService.update: its listeners send the invitations), and voters who are
   * not registered for the session are invited to register.
   */
  pick(sessionId: number, slotId: unknown, actor: Organiser): Session {
    const id = Number(first(slotId));
    return immediate(this.db, () => {
      const { session, poll } = this.managed(sessionId, actor);
      if (poll.status === 'closed' && poll.closedReason === 'picked') throw new AppError('poll_picked', 'a slot has already been picked', 409, 'form');
      if (session.status !== 'tentative') throw new AppError('poll_session_not_tentative', 'the session is no longer tentative', 409, 'form');
      const slot = Number.isSafeInteger(id) ? this.repo.slot(id) : undefined;
      if (!slot || slot.pollId !== poll.id) throw new AppError('poll_slot_unknown', 'choose one of the slots of this poll', 400, 'slotId');
      const now = this.clock.now();
      // Open, or closed by hand or by its deadline: the poll is (now) closed and records the pick.
      this.repo.markPicked(poll.id, slot.id, now);
      const after = this.sessions.update(
        session.id,
        { status: 'scheduled', date: slot.startDate, time: slot.startTime, zone: slot.zone, durationMinutes: slot.durationMinutes },
        actor,
      );
      this.withdrawVoting(poll.id, 'a date has been picked');
      for (const v of this.repo.voters(poll.id)) {
        const reg = this.repos.registrations.getByEmail(session.id, v.email);
        if (reg && reg.anonymisedAt === null && ['pending', 'confirmed', 'waitlisted'].includes(reg.status)) continue;
        this.queueVoterMail(poll, v, POLL_EMAIL.registerInvite, pollDedupe.registerInvite(poll.id, v.id), { deadline: after.startUtc });
      }
      return after;
    });
  }

  private withdrawVoting(pollId: number, reason: string): void {
    withdraw(this.db, { dedupePrefix: pollDedupe.invite(pollId) }, this.clock, reason);
    withdraw(this.db, { dedupePrefix: pollDedupe.reminder(pollId) }, this.clock, reason);
  }

  /** Session listener: a session that stops being tentative closes its poll; a cancellation withdraws every poll email. */
  onSessionChange(change: SessionChange): void {
    const poll = this.repo.forSession(change.after.id);
    if (!poll) return;
    if (change.kind === 'cancelled') {
      if (poll.status === 'open') this.repo.close(poll.id, 'session', null, this.clock.now());
      withdraw(this.db, { dedupePrefix: pollDedupe.prefix(poll.id) }, this.clock, 'session cancelled');
      return;
    }
    if (change.after.status !== 'tentative' && poll.status === 'open') {
      this.repo.close(poll.id, 'session', null, this.clock.now());
      this.withdrawVoting(poll.id, 'the session is no longer tentative');
    }
  }

  // ---------------------------------------------------------------- presenting

  /** A slot as one reader sees it. */
  slotView(slot: PollSlot, viewerZone: string, lang: string): SlotView {
    const places = placeTimes(slot.startUtc, slot.durationMinutes, slot.zone);
    const countries = new Map<string, boolean>();
    for (const p of places) countries.set(p.place.countryCode, (countries.get(p.place.countryCode) ?? true) && p.workingHours);
    return {
      id: slot.id,
      startDate: slot.startDate,
      startTime: slot.startTime,
      zone: slot.zone,
      durationMinutes: slot.durationMinutes,
      startUtc: slot.startUtc,
      startIso: toIsoUtc(slot.startUtc),
      inSlotZone: formatInZone(slot.startUtc, slot.zone, lang),
      endInSlotZone: formatTime(slot.endUtc, slot.zone),
      inViewerZone: formatInZone(slot.startUtc, viewerZone, lang),
      endInViewerZone: formatTime(slot.endUtc, viewerZone),
      shortInViewerZone: formatInZone(slot.startUtc, viewerZone, lang, 'medium'),
      viewerZone,
      sameZone: viewerZone === slot.zone,
      places,
      outside: places.filter((p) => !p.workingHours),
      countriesInHours: [...countries.values()].filter(Boolean).length,
      countriesTotal: countries.size,
    };
  }

  /** Counts per slot, per country and per hub, and the ranking. No names or addresses. */
  results(poll: Poll, viewerZone: string, lang: string): PollResults {
    const slots = this.repo.slots(poll.id);
    const counts = this.repo.answerCounts(poll.id);
    const hubs = this.repos.hubs.list();
    const voterList = this.repo.voters(poll.id);
    const empty = (): AnswerTally => ({ yes: 0, maybe: 0, no: 0 });
    const extraCountries = [...new Set(voterList.map((v) => v.country).filter((c) => !NETWORK_COUNTRIES.includes(c)))].sort();
    const countryCodes = [...NETWORK_COUNTRIES, ...extraCountries];
    const hubKeys = hubs.map((h) => String(h.id));
    const hasNoHub = voterList.some((v) => v.hubId === null);
    const results: SlotResult[] = slots.map((s) => ({
      ...this.slotView(s, viewerZone, lang),
      ...empty(),
      byCountry: Object.fromEntries(countryCodes.map((c) => [c, empty()])),
      byHub: Object.fromEntries([...hubKeys, ...(hasNoHub ? ['none'] : [])].map((k) => [k, empty()])),
      rank: 0,
    }));
    const bySlot = new Map(results.map((r) => [r.id, r]));
    for (const c of counts) {
      const r = bySlot.get(c.slotId);
      if (!r) continue;
      r[c.answer] += c.n;
      (r.byCountry[c.country] ??= empty())[c.answer] += c.n;
      (r.byHub[c.hubId === null ? 'none' : String(c.hubId)] ??= empty())[c.answer] += c.n;
    }
    const ranking = [...results].sort((a, b) => b.yes - a.yes || b.maybe - a.maybe || b.countriesInHours - a.countriesInHours || a.startUtc - b.startUtc);
    ranking.forEach((r, i) => (r.rank = i + 1));
    let maxCell = 0;
    for (const r of results) {
      for (const v of [...Object.values(r.byCountry), ...Object.values(r.byHub)]) maxCell = Math.max(maxCell, v.yes + v.maybe);
    }
    const totals = this.repo.voterTotals(poll.id);
    return {
      slots: results,
      ranking,
      countries: countryCodes.map((code) => ({ code, label: NETWORK_COUNTRIES.includes(code) ? tKey(lang, `country.${code}`, 'country.other') : countryName(code, lang) })),
      hubs: [
        ...hubs.map((h) => ({ key: String(h.id), label: h.name, country: NETWORK_COUNTRIES.includes(h.countryCode) ? tKey(lang, `country.${h.countryCode}`, 'country.other') : countryName(h.countryCode, lang) })),
        ...(hasNoHub ? [{ key: 'none', label: t(lang, 'poll.results.noHub'), country: '' }] : []),
      ],
      voters: totals.voters,
      answered: totals.answered,
      maxCell,
    };
  }
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

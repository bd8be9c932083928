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
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { DB } from '../../core/db/open.js';
import { immediate } from '../../core/db/open.js';
import { validateEmailAddress } from '../../core/email-address.js';
import { AppError, FieldErrors, notFound, mustExist } from '../../core/errors.js';
import { type RegistrationRepository } from '../registrations/index.js';
import { type HubRepository, type SessionRepository } from '../sessions/index.js';
import type { Organiser } from '../organisers/index.js';
import { POLL_ANSWERS, type PollRepository, type Poll, type PollAnswer, type PollSlot, type PollVoter } from './repository.js';
import type { Session } from '../sessions/index.js';
import { sha256 } from '../../core/crypto.js';
import type { SessionChange, SessionService } from '../sessions/index.js';
import { PollVoterMail } from './voter-mail.js';
import { PollVoters } from './voters.js';
import { pollResults, slotView, type PollResults, type SlotView } from './present.js';
import { DEFAULT_REMINDER_HOURS, MAX_SLOTS, TOKEN_RE, pollState, pollVoterToken, voteUrl, type PollState } from './rules.js';
import { checkSettings, type SettingsInput } from './validate.js';
import { checkSlot, defaultRange, suggestions, type Suggestion } from './slots.js';

export type { Suggestion } from './slots.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { hubs: HubRepository; polls: PollRepository; registrations: RegistrationRepository; sessions: SessionRepository };

export interface InviteResult {
  invited: number;
  alreadyInvited: number;
  /** Registrants left out because they did not accept follow-up emails. */
  withoutConsent: number;
  /** Addresses that are not valid email addresses. */
  invalid: number;
}

const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1' || v === 1 || v === 'yes';
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** Date polls: every change and the emails it causes commit together. */
export class PollService {
  readonly repo: PollRepository;
  private readonly defaultReminderHours: number;
  private readonly mail: PollVoterMail;
  private readonly people: PollVoters;

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
    this.mail = new PollVoterMail(db, clock, repos.polls);
    this.people = new PollVoters(db, repos.polls, clock, secret);
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

  /** Erases a voter (right to erasure; see ./voters.ts). */
  eraseVoter(voter: PollVoter): void {
    this.people.erase(voter);
  }

  eraseByToken(token: string): void {
    this.people.erase(this.byToken(token).voter);
  }

  /** A registration erased or anonymised takes along the voter records made from it (see ./voters.ts). */
  eraseForRegistration(registrationId: number, email: string | null = null): void {
    this.people.eraseForRegistration(registrationId, email);
  }

  /** What the date polls keep about an address, for a person's data export. */
  personalData(email: string | null): Record<string, unknown>[] {
    return this.people.personalData(email);
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

  /** Starts the poll of a tentative session. */
  create(sessionId: number, input: SettingsInput, actor: Organiser): Poll {
    const session = this.sessions.getManaged(sessionId, actor, 'poll.manage');
    const settings = checkSettings(input, actor, undefined, this.clock.now(), this.defaultReminderHours);
    return immediate(this.db, () => {
      const fresh = mustExist(this.repos.sessions.get(session.id), 'session');
      if (fresh.status !== 'tentative') throw new AppError('poll_session_not_tentative', 'only a tentative session can have a date poll', 409, 'form');
      if (this.repo.forSession(session.id)) throw new AppError('poll_exists', 'this session already has a date poll', 409, 'form');
      return this.repo.insert(session.id, settings, actor.id, this.clock.now());
    });
  }

  /**
   * Changes the deadline, its zone or the reminder. A poll closed only by its passed deadline opens
   * again with a later one. Queued reminders move with the deadline.
   */
  configure(sessionId: number, input: SettingsInput, actor: Organiser): Poll {
    const { poll } = this.managed(sessionId, actor);
    const settings = checkSettings(input, actor, poll, this.clock.now(), this.defaultReminderHours);
    return immediate(this.db, () => {
      const { session, poll: current } = this.managed(sessionId, actor);
      if (current.status === 'closed' || session.status !== 'tentative') this.assertOpen(current, session);
      const updated = this.repo.setSettings(current.id, settings, this.clock.now());
      this.mail.reschedule(updated);
      return updated;
    });
  }

  // ---------------------------------------------------------------- organiser: slots

  /** Adds a candidate slot: the organiser's wall date, time and zone; refused in a DST gap or overlap, or in the past. */
  addSlot(sessionId: number, input: { date?: unknown; time?: unknown; zone?: unknown; durationMinutes?: unknown }, actor: Organiser): PollSlot {
    const { poll } = this.managed(sessionId, actor);
    const { date, time, zone, durationMinutes, startUtc: start } = checkSlot(input, {
      zone: poll.zone,
      durationMinutes: () => mustExist(this.repos.sessions.get(sessionId), 'session').durationMinutes,
      now: this.clock.now(),
    });
    return immediate(this.db, () => {
      const { session, poll: current } = this.managed(sessionId, actor);
      this.assertOpen(current, session);
      if (this.repo.slotCountOf(current.id) >= MAX_SLOTS) throw new AppError('poll_too_many_slots', `at most ${MAX_SLOTS} slots`, 409, 'form', { max: MAX_SLOTS });
      const slot = this.repo.addSlot(
        { pollId: current.id, startDate: date, startTime: time, zone, durationMinutes, startUtc: start, endUtc: start + durationMinutes * 60_000 },
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
    return suggestions(input, existing, this.clock.now());
  }

  /** A first range for suggestions: the rough part of the month of a tentative session, else the next two weeks. */
  defaultRange(session: Session): { from: string; to: string } {
    return defaultRange(session, this.clock.now());
  }

  // ---------------------------------------------------------------- organiser: voters

  /** How many addresses each source would give (for the invite form). */
  eligible(session: Session): { registrants: number; registrantsWithConsent: number } {
    return this.people.eligible(session);
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
      const { candidates, withoutConsent } = this.people.candidates(session, poll, hubIds, registrants);
      result.withoutConsent = withoutConsent;
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
        const voter = this.repo.addVoter(poll.id, { ...c, email, ...this.people.newToken() }, now);
        if (!voter) {
          result.alreadyInvited++;
          continue;
        }
        result.invited++;
        this.mail.invite(poll, voter);
        this.mail.reminder(poll, voter);
      }
      return result;
    });
  }

  // ---------------------------------------------------------------- voting

  /** Stores a voter's answers (yes / maybe / no per slot); answers can change until the poll closes. */
  vote(token: string, body: Record<string, unknown>): PollVoter {
    const { voter } = this.byToken(token);
    return immediate(this.db, () => {
      const poll = mustExist(this.repo.get(voter.pollId), 'poll');
      const session = mustExist(this.repos.sessions.get(poll.sessionId), 'session');
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
      return mustExist(this.repo.voter(voter.id), 'poll voter');
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
      this.mail.withdrawVoting(poll.id, 'poll closed');
      return mustExist(this.repo.get(poll.id), 'poll');
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
      this.mail.withdrawVoting(poll.id, 'a date has been picked');
      for (const v of this.repo.voters(poll.id)) {
        const reg = this.repos.registrations.getByEmail(session.id, v.email);
        if (reg && reg.anonymisedAt === null && ['pending', 'confirmed', 'waitlisted'].includes(reg.status)) continue;
        this.mail.registerInvite(poll, v, after.startUtc);
      }
      return after;
    });
  }

  /** Session listener: a session that stops being tentative closes its poll; a cancellation withdraws every poll email. */
  onSessionChange(change: SessionChange): void {
    const poll = this.repo.forSession(change.after.id);
    if (!poll) return;
    if (change.kind === 'cancelled') {
      if (poll.status === 'open') this.repo.close(poll.id, 'session', null, this.clock.now());
      this.mail.withdrawAll(poll.id, 'session cancelled');
      return;
    }
    if (change.after.status !== 'tentative' && poll.status === 'open') {
      this.repo.close(poll.id, 'session', null, this.clock.now());
      this.mail.withdrawVoting(poll.id, 'the session is no longer tentative');
    }
  }

  // ---------------------------------------------------------------- presenting

  /** A slot as one reader sees it (see ./present.ts). */
  slotView(slot: PollSlot, viewerZone: string, lang: string): SlotView {
    return slotView(slot, viewerZone, lang);
  }

  /** Counts per slot, per country and per hub, and the ranking. No names or addresses. */
  results(poll: Poll, viewerZone: string, lang: string): PollResults {
    return pollResults({ slots: this.repo.slots(poll.id), counts: this.repo.answerCounts(poll.id), voters: this.repo.voters(poll.id), totals: this.repo.voterTotals(poll.id), hubs: this.repos.hubs.list() }, viewerZone, lang);
  }

}

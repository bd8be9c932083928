import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';

export type PollAnswer = 'yes' | 'maybe' | 'no';
export const POLL_ANSWERS: readonly PollAnswer[] = ['yes', 'maybe', 'no'];
export type PollClosedReason = 'manual' | 'picked' | 'session';
export type VoterSource = 'hub' | 'registrant';

export interface Poll {
  id: number;
  sessionId: number;
  zone: string;
  /** The deadline as the organiser's wall clock (the truth); null: closes by hand only. */
  deadlineDate: string | null;
  deadlineTime: string | null;
  deadlineUtc: number | null;
  reminderHours: number;
  /** As stored; whether the poll is open in effect also depends on the deadline and the session (see PollService.stateOf). */
  status: 'open' | 'closed';
  closedReason: PollClosedReason | null;
  closedAt: number | null;
  pickedSlotId: number | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface PollSlot {
  id: number;
  pollId: number;
  /** The organiser's wall clock and zone (the truth). */
  startDate: string;
  startTime: string;
  zone: string;
  durationMinutes: number;
  startUtc: number;
  endUtc: number;
  createdAt: number;
}

/** Whether a voter erased their address (see `anonymiseVoter`): their row keeps only their answers. */
export function voterErased(v: Pick<PollVoter, 'tokenNonce'>): boolean {
  return v.tokenNonce === '';
}

export interface PollVoter {
  id: number;
  pollId: number;
  email: string;
  name: string;
  source: VoterSource;
  hubId: number | null;
  registrationId: number | null;
  country: string;
  language: string;
  zone: string;
  tokenNonce: string;
  answeredAt: number | null;
  changedAt: number | null;
  createdAt: number;
}

export type NewPollVoter = Omit<PollVoter, 'id' | 'pollId' | 'answeredAt' | 'changedAt' | 'createdAt'> & { tokenHash: string };

/** A registration to an earlier session of a series, as a possible voter. */
export interface EarlierRegistrant {
  registrationId: number;
  sessionId: number;
  name: string;
  email: string;
  hubId: number | null;
  country: string;
  language: string;
  zone: string;
  followupConsent: boolean;
}

export interface AnswerCount {
  slotId: number;
  country: string;
  hubId: number | null;
  answer: PollAnswer;
  n: number;
}

interface PollRow {
  id: number;
  session_id: number;
  zone: string;
  deadline_date: string | null;
  deadline_time: string | null;
  deadline_utc: number | null;
  reminder_hours: number;
  status: 'open' | 'closed';
  closed_reason: PollClosedReason | null;
  closed_at: number | null;
  picked_slot_id: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

interface SlotRow {
  id: number;
  poll_id: number;
  start_date: string;
  start_time: string;
  zone: string;
  duration_minutes: number;
  start_utc: number;
  end_utc: number;
  created_at: number;
}

interface VoterRow {
  id: number;
  poll_id: number;
  email: string;
  email_norm: string;
  name: string;
  source: VoterSource;
  hub_id: number | null;
  registration_id: number | null;
  country: string;
  language: string;
  zone: string;
  token_nonce: string;
  token_hash: string;
  answered_at: number | null;
  changed_at: number | null;
  created_at: number;
}

const toPoll = (r: PollRow): Poll => ({
  id: r.id,
  sessionId: r.session_id,
  zone: r.zone,
  deadlineDate: r.deadline_date,
  deadlineTime: r.deadline_time,
  deadlineUtc: r.deadline_utc,
  reminderHours: r.reminder_hours,
  status: r.status,
  closedReason: r.closed_reason,
  closedAt: r.closed_at,
  pickedSlotId: r.picked_slot_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toSlot = (r: SlotRow): PollSlot => ({
  id: r.id,
  pollId: r.poll_id,
  startDate: r.start_date,
  startTime: r.start_time,
  zone: r.zone,
  durationMinutes: r.duration_minutes,
  startUtc: r.start_utc,
  endUtc: r.end_utc,
  createdAt: r.created_at,
});

const toVoter = (r: VoterRow): PollVoter => ({
  id: r.id,
  pollId: r.poll_id,
  email: r.email,
  name: r.name,
  source: r.source,
  hubId: r.hub_id,
  registrationId: r.registration_id,
  country: r.country,
  language: r.language,
  zone: r.zone,
  tokenNonce: r.token_nonce,
  answeredAt: r.answered_at,
  changedAt: r.changed_at,
  createdAt: r.created_at,
});

export interface PollSettings {
  zone: string;
  deadlineDate: string | null;
  deadlineTime: string | null;
  deadlineUtc: number | null;
  reminderHours: number;
}

/** Polls, their slots, voters and answers: the only place with poll SQL. Statements are prepared once. */
export class PollRepository {
  private readonly byId;
  private readonly bySession;
  private readonly insertPoll;
  private readonly updateSettings;
  private readonly closeStmt;
  private readonly pickedStmt;
  private readonly slotById;
  private readonly slotsOf;
  private readonly slotCount;
  private readonly insertSlot;
  private readonly deleteSlot;
  private readonly voterById;
  private readonly voterByToken;
  private readonly votersOf;
  private readonly insertVoter;
  private readonly answersOfVoter;
  private readonly upsertAnswer;
  private readonly markAnswered;
  private readonly counts;
  private readonly voterCounts;
  private readonly earlier;
  private readonly anonymiseVoterStmt;
  private readonly votersOfRegistration;
  private readonly votersOfAddress;

  constructor(db: DB) {
    this.anonymiseVoterStmt = db.prepare(
      `UPDATE poll_voters SET email = 'erased@invalid', email_norm = 'erased:' || id, name = '', registration_id = NULL,
         token_nonce = '', token_hash = 'erased:' || id
       WHERE id = ?`,
    );
    this.votersOfRegistration = db.prepare<[number], VoterRow>('SELECT * FROM poll_voters WHERE registration_id = ?');
    this.votersOfAddress = db.prepare<[string], VoterRow>('SELECT * FROM poll_voters WHERE email_norm = ? ORDER BY id');
    this.byId = db.prepare<[number], PollRow>('SELECT * FROM polls WHERE id = ?');
    this.bySession = db.prepare<[number], PollRow>('SELECT * FROM polls WHERE session_id = ?');
    this.insertPoll = db.prepare(
      `INSERT INTO polls (session_id, zone, deadline_date, deadline_time, deadline_utc, reminder_hours, created_by, created_at, updated_at)
       VALUES (@sessionId, @zone, @deadlineDate, @deadlineTime, @deadlineUtc, @reminderHours, @createdBy, @now, @now)`,
    );
    this.updateSettings = db.prepare(
      `UPDATE polls SET zone = @zone, deadline_date = @deadlineDate, deadline_time = @deadlineTime, deadline_utc = @deadlineUtc,
         reminder_hours = @reminderHours, updated_at = @now
       WHERE id = @id`,
    );
    this.closeStmt = db.prepare(
      `UPDATE polls SET status = 'closed', closed_reason = @reason, closed_at = @now, picked_slot_id = @slotId, updated_at = @now
       WHERE id = @id AND status = 'open'`,
    );
    this.pickedStmt = db.prepare(
      `UPDATE polls SET status = 'closed', closed_reason = 'picked', closed_at = coalesce(closed_at, @now), picked_slot_id = @slotId, updated_at = @now
       WHERE id = @id`,
    );
    this.slotById = db.prepare<[number], SlotRow>('SELECT * FROM poll_slots WHERE id = ?');
    this.slotsOf = db.prepare<[number], SlotRow>('SELECT * FROM poll_slots WHERE poll_id = ? ORDER BY start_utc, duration_minutes, id');
    this.slotCount = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM poll_slots WHERE poll_id = ?');
    this.insertSlot = db.prepare(
      `INSERT INTO poll_slots (poll_id, start_date, start_time, zone, duration_minutes, start_utc, end_utc, created_at)
       VALUES (@pollId, @startDate, @startTime, @zone, @durationMinutes, @startUtc, @endUtc, @now)
       ON CONFLICT(poll_id, start_utc, duration_minutes) DO NOTHING`,
    );
    this.deleteSlot = db.prepare('DELETE FROM poll_slots WHERE id = ? AND poll_id = ?');
    this.voterById = db.prepare<[number], VoterRow>('SELECT * FROM poll_voters WHERE id = ?');
    this.voterByToken = db.prepare<[string], VoterRow>('SELECT * FROM poll_voters WHERE token_hash = ?');
    this.votersOf = db.prepare<[number], VoterRow>('SELECT * FROM poll_voters WHERE poll_id = ? ORDER BY country, name, id');
    this.insertVoter = db.prepare(
      `INSERT INTO poll_voters (poll_id, email, email_norm, name, source, hub_id, registration_id, country, language, zone,
         token_nonce, token_hash, created_at)
       VALUES (@pollId, @email, @emailNorm, @name, @source, @hubId, @registrationId, @country, @language, @zone,
         @tokenNonce, @tokenHash, @now)
       ON CONFLICT(poll_id, email_norm) DO NOTHING`,
    );
    this.answersOfVoter = db.prepare<[number], { slot_id: number; answer: PollAnswer }>('SELECT slot_id, answer FROM poll_answers WHERE voter_id = ?');
    this.upsertAnswer = db.prepare(
      `INSERT INTO poll_answers (voter_id, slot_id, answer, updated_at) VALUES (@voterId, @slotId, @answer, @now)
       ON CONFLICT(voter_id, slot_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at
       WHERE answer <> excluded.answer`,
    );
    this.markAnswered = db.prepare('UPDATE poll_voters SET answered_at = coalesce(answered_at, @now), changed_at = @now WHERE id = @id');
    this.counts = db.prepare<[number], { slot_id: number; country: string; hub_id: number | null; answer: PollAnswer; n: number }>(
      `SELECT a.slot_id, v.country, v.hub_id, a.answer, count(*) AS n
       FROM poll_answers a JOIN poll_voters v ON v.id = a.voter_id
       WHERE v.poll_id = ?
       GROUP BY a.slot_id, v.country, v.hub_id, a.answer`,
    );
    this.voterCounts = db.prepare<[number], { voters: number; answered: number }>(
      'SELECT count(*) AS voters, count(answered_at) AS answered FROM poll_voters WHERE poll_id = ?',
    );
    // Active registrations (with an address, not anonymised) to sessions of the series that took place
    // before `before` (or are marked completed), never cancelled ones; the latest registration first.
    // Only sessions the same hub owns: a poll never reaches people who registered with another hub's sessions.
    this.earlier = db.prepare<[{ seriesId: number; sessionId: number; hubId: number; before: number }], {
      id: number; session_id: number; name: string; email: string; hub_id: number | null; country: string; language: string; zone: string; followup_consent: number;
    }>(
      `SELECT r.id, r.session_id, r.name, r.email, r.hub_id, r.country, r.language, r.zone, r.followup_consent
       FROM registrations r JOIN sessions s ON s.id = r.session_id
       WHERE s.series_id = @seriesId AND s.hub_id = @hubId AND s.id <> @sessionId AND s.status <> 'cancelled'
         AND (s.status = 'completed' OR (s.start_utc IS NOT NULL AND s.start_utc < @before))
         AND r.status IN ('confirmed', 'pending', 'waitlisted') AND r.email IS NOT NULL AND r.anonymised_at IS NULL
       ORDER BY coalesce(s.start_utc, 0) DESC, r.updated_at DESC, r.id DESC`,
    );
  }

  // ---------------------------------------------------------------- polls

  get(id: number): Poll | undefined {
    const r = this.byId.get(id);
    return r && toPoll(r);
  }
  forSession(sessionId: number): Poll | undefined {
    const r = this.bySession.get(sessionId);
    return r && toPoll(r);
  }
  insert(sessionId: number, s: PollSettings, createdBy: number | null, now: number): Poll {
    const info = this.insertPoll.run({ sessionId, ...s, createdBy, now });
    return mustExist(this.get(Number(info.lastInsertRowid)), 'poll');
  }
  setSettings(id: number, s: PollSettings, now: number): Poll {
    this.updateSettings.run({ id, ...s, now });
    return mustExist(this.get(id), 'poll');
  }
  /** Closes an open poll; false if it was already closed. */
  close(id: number, reason: PollClosedReason, slotId: number | null, now: number): boolean {
    return this.closeStmt.run({ id, reason, slotId, now }).changes === 1;
  }

  /** Records the picked slot of a poll (closing it if it was still open). */
  markPicked(id: number, slotId: number, now: number): void {
    this.pickedStmt.run({ id, slotId, now });
  }

  // ---------------------------------------------------------------- slots

  slot(id: number): PollSlot | undefined {
    const r = this.slotById.get(id);
    return r && toSlot(r);
  }
  slots(pollId: number): PollSlot[] {
    return this.slotsOf.all(pollId).map(toSlot);
  }
  slotCountOf(pollId: number): number {
    return mustExist(this.slotCount.get(pollId), 'slot count').n;
  }
  /** Adds a slot; undefined if the poll already has one at that instant with that duration. */
  addSlot(s: Omit<PollSlot, 'id' | 'createdAt'>, now: number): PollSlot | undefined {
    const info = this.insertSlot.run({ ...s, now });
    return info.changes === 1 ? this.slot(Number(info.lastInsertRowid)) : undefined;
  }
  removeSlot(pollId: number, slotId: number): boolean {
    return this.deleteSlot.run(slotId, pollId).changes === 1;
  }

  // ---------------------------------------------------------------- voters and answers

  voter(id: number): PollVoter | undefined {
    const r = this.voterById.get(id);
    return r && toVoter(r);
  }
  /** Removes who a voter is (address, name, link); their anonymous answers still count. */
  anonymiseVoter(id: number): void {
    this.anonymiseVoterStmt.run(id);
  }
  votersFromRegistration(registrationId: number): PollVoter[] {
    return this.votersOfRegistration.all(registrationId).map(toVoter);
  }
  /** Every voter record with this address (any letter case), in every poll. */
  votersWithAddress(email: string): PollVoter[] {
    return this.votersOfAddress.all(email.toLowerCase()).map(toVoter);
  }

  voterByTokenHash(hash: string): PollVoter | undefined {
    const r = this.voterByToken.get(hash);
    return r && toVoter(r);
  }
  voters(pollId: number): PollVoter[] {
    return this.votersOf.all(pollId).map(toVoter);
  }
  /** Adds a voter; undefined if the address is already a voter of the poll. */
  addVoter(pollId: number, v: NewPollVoter, now: number): PollVoter | undefined {
    const info = this.insertVoter.run({ pollId, ...v, emailNorm: v.email.toLowerCase(), now });
    return info.changes === 1 ? this.voter(Number(info.lastInsertRowid)) : undefined;
  }
  answersOf(voterId: number): Map<number, PollAnswer> {
    return new Map(this.answersOfVoter.all(voterId).map((r) => [r.slot_id, r.answer]));
  }
  /** Stores a voter's answers (one per slot) and marks the voter as having answered. */
  saveAnswers(voterId: number, answers: Map<number, PollAnswer>, now: number): void {
    for (const [slotId, answer] of answers) this.upsertAnswer.run({ voterId, slotId, answer, now });
    this.markAnswered.run({ id: voterId, now });
  }
  /** Answers counted by slot, voter country, voter hub and answer. */
  answerCounts(pollId: number): AnswerCount[] {
    return this.counts.all(pollId).map((r) => ({ slotId: r.slot_id, country: r.country, hubId: r.hub_id, answer: r.answer, n: r.n }));
  }
  /** Registrants of earlier sessions of the series owned by `hubId` (the poll's owning hub). */
  earlierRegistrants(seriesId: number, sessionId: number, hubId: number, before: number): EarlierRegistrant[] {
    return this.earlier.all({ seriesId, sessionId, hubId, before }).map((r) => ({
      registrationId: r.id,
      sessionId: r.session_id,
      name: r.name,
      email: r.email,
      hubId: r.hub_id,
      country: r.country,
      language: r.language,
      zone: r.zone,
      followupConsent: r.followup_consent === 1,
    }));
  }
  voterTotals(pollId: number): { voters: number; answered: number } {
    return mustExist(this.voterCounts.get(pollId), 'voter counts');
  }
}

/** The PollRepository of a database, built once per connection. */
export const pollRepository = perDatabase((db) => new PollRepository(db));

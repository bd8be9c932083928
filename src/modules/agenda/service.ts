import type { AuditActor, AuditWriter } from '../../core/audit/index.js';
import { moveOnePlace } from '../../core/ordering.js';
import type { Clock } from '../../core/clock.js';
import { immediate, type DB } from '../../core/db/open.js';
import { AppError, FieldErrors, mustExist } from '../../core/errors.js';
import { singleLine, str } from '../../core/text.js';
import { KINDS, type AgendaItem, type AgendaItemData, type AgendaKind, type AgendaRepository, type Speaker } from './repository.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { agenda: AgendaRepository; audit: AuditWriter };

/** The part of a session this service looks at: which one, its owner (for the audit log) and its length. */
export type SessionRef = { id: number; hubId: number; durationMinutes: number };

/** A speaker as a form or another module gives one: text, checked here. */
export interface SpeakerInput {
  name?: unknown;
  affiliation?: unknown;
}

/**
 * What a form, an API body or another module (a call for proposals putting an accepted case study
 * on the agenda) gives for an item: text or numbers, checked here.
 */
export interface AgendaItemInput {
  kind?: unknown;
  title?: unknown;
  durationMinutes?: unknown;
  /** Up to SPEAKERS_MAX; rows with neither a name nor an affiliation are left out. */
  speakers?: readonly SpeakerInput[];
  /** The proposal this item comes from; kept as it is on an edit that does not give it. */
  proposalId?: number | null;
}

export const TITLE_MAX = 200;
export const NAME_MAX = 200;
export const DURATION_MIN = 1;
export const DURATION_MAX = 600;
export const SPEAKERS_MAX = 5;

export type AgendaChange = 'added' | 'changed' | 'removed' | 'moved';

/** Minutes as a whole number in 1–600, from a number or the digits of a form field; otherwise undefined. */
function minutesOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : /^\s*\d{1,4}\s*$/.test(str(v)) ? Number(str(v)) : NaN;
  return Number.isInteger(n) && n >= DURATION_MIN && n <= DURATION_MAX ? n : undefined;
}

/**
 * The agenda of a session: items in order, each with a kind, a title, a duration and its speakers.
 * No item holds a time: each starts where the one before ends, from the session's start, so moving
 * the session moves its agenda. The whole agenda must fit in the session: an item that would make it
 * end after the session is refused beside its duration. Who may change it is the routes' question to
 * the access policy; every change is recorded in the audit log, in the same transaction.
 */
export class AgendaService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  /** A session's agenda in its order. */
  list(sessionId: number): AgendaItem[] {
    return this.repos.agenda.list(sessionId);
  }

  get(session: Pick<SessionRef, 'id'>, id: number): AgendaItem {
    return mustExist(this.repos.agenda.get(session.id, id), 'agenda item');
  }

  /**
   * Checks an item's fields; every refused field is named at once. `otherMinutes` is the length of
   * the rest of the agenda: an item that makes the whole end after the session is refused beside its
   * duration, saying by how much.
   */
  validate(input: AgendaItemInput, session: SessionRef, otherMinutes: number, proposalId: number | null = null): AgendaItemData {
    const errs = new FieldErrors();
    const kind = str(input.kind);
    if (!(KINDS as readonly string[]).includes(kind)) errs.add('kind', 'agenda_kind', 'choose welcome, case_study, talk, discussion, break or other');
    const title = singleLine(str(input.title));
    if (!title) errs.add('title', 'required', 'a title is required');
    else if (title.length > TITLE_MAX) errs.add('title', 'too_long', `at most ${TITLE_MAX} characters`, { max: TITLE_MAX });
    const durationMinutes = minutesOf(input.durationMinutes);
    if (durationMinutes === undefined) errs.add('durationMinutes', 'agenda_duration', `a whole number of minutes from ${DURATION_MIN} to ${DURATION_MAX}`, { min: DURATION_MIN, max: DURATION_MAX });
    else if (otherMinutes + durationMinutes > session.durationMinutes) {
      const minutes = otherMinutes + durationMinutes - session.durationMinutes;
      errs.add('durationMinutes', 'agenda_overrun', `the agenda would end ${minutes} minutes after the session`, { minutes, session: session.durationMinutes });
    }
    const speakers = this.speakers(input.speakers ?? [], errs);
    const proposal = input.proposalId === undefined ? proposalId : input.proposalId;
    if (proposal !== null && !(Number.isSafeInteger(proposal) && proposal > 0)) errs.add('proposalId', 'agenda_proposal', 'a proposal is named by its number');
    errs.throwIfAny();
    return { kind: kind as AgendaKind, title, durationMinutes: durationMinutes ?? DURATION_MIN, speakers, proposalId: proposal };
  }

  /** The speakers given (blank rows left out): at most five, each with a name; the fields are speakerNName / speakerNAffiliation. */
  private speakers(input: readonly SpeakerInput[], errs: FieldErrors): Speaker[] {
    const out: Speaker[] = [];
    input.forEach((s, i) => {
      const name = singleLine(str(s.name));
      const affiliation = singleLine(str(s.affiliation));
      if (!name && !affiliation) return;
      const n = i + 1;
      if (!name) errs.add(`speaker${n}Name`, 'agenda_speaker_name', 'a speaker needs a name');
      else if (name.length > NAME_MAX) errs.add(`speaker${n}Name`, 'too_long', `at most ${NAME_MAX} characters`, { max: NAME_MAX });
      if (affiliation.length > NAME_MAX) errs.add(`speaker${n}Affiliation`, 'too_long', `at most ${NAME_MAX} characters`, { max: NAME_MAX });
      out.push({ name, affiliation });
    });
    if (out.length > SPEAKERS_MAX) errs.add('speakers', 'agenda_speakers', `at most ${SPEAKERS_MAX} speakers`, { max: SPEAKERS_MAX });
    return out;
  }

  /**
   * Adds an item at the end of the agenda. Other modules use this too (a call for proposals puts an
   * accepted case study on the agenda with its `proposalId` and speakers).
   */
  add(session: SessionRef, input: AgendaItemInput, by: AuditActor): AgendaItem {
    return immediate(this.db, () => {
      const data = this.validate(input, session, this.repos.agenda.totalMinutes(session.id));
      const id = this.repos.agenda.insert(session.id, data, by.organiserId, this.clock.now());
      this.audit(session, by, 'added', id, { kind: data.kind, minutes: data.durationMinutes, ...(data.proposalId === null ? {} : { proposal: data.proposalId }) });
      return this.get(session, id);
    });
  }

  update(session: SessionRef, id: number, input: AgendaItemInput, by: AuditActor): AgendaItem {
    return immediate(this.db, () => {
      const before = this.get(session, id);
      const data = this.validate(input, session, this.repos.agenda.totalMinutes(session.id) - before.durationMinutes, before.proposalId);
      if (!this.repos.agenda.update(session.id, id, data, by.organiserId, this.clock.now())) throw new AppError('not_found', 'agenda item not found', 404);
      const fields = (['kind', 'title', 'durationMinutes', 'speakers', 'proposalId'] as const).filter((f) => JSON.stringify(before[f]) !== JSON.stringify(data[f]));
      this.audit(session, by, 'changed', id, { fields });
      return this.get(session, id);
    });
  }

  remove(session: SessionRef, id: number, by: AuditActor): void {
    immediate(this.db, () => {
      if (!this.repos.agenda.remove(session.id, id)) throw new AppError('not_found', 'agenda item not found', 404);
      this.audit(session, by, 'removed', id);
    });
  }

  /** Moves an item one place up or down the agenda (at either end it stays). */
  move(session: SessionRef, id: number, direction: 'up' | 'down', by: AuditActor): void {
    immediate(this.db, () => {
      const changes = moveOnePlace(this.repos.agenda.list(session.id), id, direction);
      if (changes === undefined) throw new AppError('not_found', 'agenda item not found', 404);
      if (changes.length === 0) return;
      // Only the rows whose position changes are written.
      for (const c of changes) this.repos.agenda.setPosition(c.id, c.position);
      this.audit(session, by, 'moved', id, { direction });
    });
  }

  private audit(session: SessionRef, by: AuditActor, change: AgendaChange, item: number, detail: Record<string, string | number | readonly string[]> = {}): void {
    this.repos.audit.record({ action: 'agenda.changed', actor: by, session: { id: session.id, hubId: session.hubId }, detail: { change, item, ...detail } }, this.clock.now());
  }
}

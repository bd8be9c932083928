import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { immediate } from '../../core/db/open.js';
import { auditWriter, type AuditActor } from '../../core/audit/index.js';
import { enqueue } from '../../core/outbox/queue.js';
import { AppError, FieldErrors, mustExist } from '../../core/errors.js';
import type { Audience, Followup } from './repository.js';
import { type RegistrationRepository } from '../registrations/index.js';
import { type SessionRepository } from '../sessions/index.js';
import type { FollowupRepository } from './repository.js';
import type { Registration } from '../registrations/index.js';
import type { Session } from '../sessions/index.js';
import { multiLine, singleLine, str } from '../../core/text.js';
import { renderPreview } from '../../core/outbox/preview.js';
import type { EmailKindRegistry } from '../../core/outbox/registry.js';
import type { EmailConfig, EnqueueInput, RenderedEmail } from '../../core/outbox/types.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { followups: FollowupRepository; registrations: RegistrationRepository; sessions: SessionRepository };

export const FOLLOWUP_KIND = 'followup';
export const AUDIENCES: Audience[] = ['attendees', 'absentees'];

/**
 * After a session ends, organisers write one follow-up for those who attended and one for those
 * who registered but did not join; each goes only to confirmed registrants who consented to
 * follow-up emails, at most once per registration, optionally inviting them to the next session.
 */
export class FollowupService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly config: EmailConfig,
  ) {}

  get(sessionId: number, audience: Audience): Followup | undefined {
    return this.repos.followups.get(sessionId, audience);
  }

  save(session: Session, audience: Audience, input: { subject?: unknown; body?: unknown; inviteNext?: unknown }): Followup {
    const errs = new FieldErrors();
    const subject = singleLine(str(input.subject));
    const body = multiLine(str(input.body));
    if (!subject) errs.add('subject', 'required', 'a subject is required');
    else if (subject.length > 200) errs.add('subject', 'too_long', 'at most 200 characters', { max: 200 });
    if (!body) errs.add('body', 'required', 'a message is required');
    else if (body.length > 20_000) errs.add('body', 'too_long', 'at most 20000 characters', { max: 20000 });
    errs.throwIfAny();
    const inviteNext = input.inviteNext === true || input.inviteNext === 'on';
    return this.repos.followups.save({ sessionId: session.id, audience, subject, body, inviteNext }, this.clock.now());
  }

  /** Who would receive the follow-up of an audience now. */
  recipients(session: Session, audience: Audience): Registration[] {
    return this.repos.registrations
      .withStatus(session.id, 'confirmed')
      .filter((r) => r.email && r.followupConsent && (audience === 'attendees' ? r.attendedAt !== null : r.attendedAt === null));
  }

  /** Confirmed registrants left out for lack of consent (shown to the organiser, never emailed). */
  withoutConsent(session: Session, audience: Audience): number {
    return this.repos.registrations
      .withStatus(session.id, 'confirmed')
      .filter((r) => !r.followupConsent && (audience === 'attendees' ? r.attendedAt !== null : r.attendedAt === null)).length;
  }

  /** The next session of the same series (not cancelled, starting after this one, or still tentative). */
  nextInSeries(session: Session): Session | undefined {
    if (session.seriesId === null) return undefined;
    const after = session.startUtc ?? session.createdAt;
    // A tentative session counts from the end of its rough month.
    const when = (s: Session) => (s.startUtc !== null ? s.startUtc : s.approxMonth ? Date.UTC(Number(s.approxMonth.slice(0, 4)), Number(s.approxMonth.slice(5, 7)), 1) : Number.NaN);
    return this.repos.sessions
      .listBySeries(session.seriesId)
      .filter((s) => s.id !== session.id && s.status !== 'cancelled' && s.status !== 'completed' && when(s) > after)
      .sort((a, b) => when(a) - when(b))[0];
  }

  /**
   * The follow-up as its first recipient would get it, rendered exactly as the dispatcher will, without
   * queueing anything (undefined when it is not written yet or nobody would get it).
   */
  async preview(session: Session, audience: Audience, kinds: EmailKindRegistry): Promise<{ preview?: RenderedEmail; sample?: Registration }> {
    const f = this.repos.followups.get(session.id, audience);
    const sample = this.recipients(session, audience)[0];
    if (!f || !sample) return { sample };
    const next = f.inviteNext ? this.nextInSeries(session) : undefined;
    return { sample, preview: await renderPreview(kinds, message(session, audience, f, next, sample), { db: this.db, config: this.config, clock: this.clock }) };
  }

  /** Queues the follow-up to its audience; a person gets at most one follow-up per session. `actor` is recorded in the audit log. */
  send(session: Session, audience: Audience, actor?: AuditActor): { queued: number; skipped: number } {
    if (session.endUtc === null || this.clock.now() < session.endUtc) {
      throw new AppError('session_not_ended', 'follow-ups can be sent once the session has ended', 409, 'session');
    }
    return immediate(this.db, () => {
      const f = this.repos.followups.get(session.id, audience);
      if (!f) throw new AppError('followup_missing', 'write the follow-up first', 400, 'body');
      const next = f.inviteNext ? this.nextInSeries(session) : undefined;
      let queued = 0;
      let skipped = 0;
      for (const reg of this.recipients(session, audience)) {
        const id = enqueue(this.db, message(session, audience, f, next, reg), this.clock);
        if (id === null) skipped++;
        else queued++;
      }
      this.repos.followups.markSent(session.id, audience, queued, this.clock.now());
      if (actor) {
        auditWriter(this.db).record({ action: 'followup.sent', actor, session: { id: session.id, hubId: session.hubId }, detail: { audience, queued, skipped } }, this.clock.now());
      }
      return { queued, skipped };
    });
  }
}

/** The outbox row of one person's follow-up (one per person and session: the dedupe key). */
function message(session: Session, audience: Audience, f: Followup, next: Session | undefined, reg: Registration): EnqueueInput {
  return {
    kind: FOLLOWUP_KIND,
    dedupeKey: `registration:${reg.id}:${reg.cycle}:followup`,
    to: { email: mustExist(reg.email, 'email address'), name: reg.name },
    language: reg.language,
    zone: reg.zone,
    sessionId: session.id,
    registrationId: reg.id,
    payload: { audience, subject: f.subject, body: f.body, nextSessionId: next?.id ?? null },
  };
}

/**
 * A date poll's voters as people: who may be invited (the hubs' contact addresses, the owning hub's
 * earlier registrants who accepted follow-up emails, one per address), their personal tokens, their
 * data export and their erasure (answers stay, anonymous, in the counts).
 */
import type { Clock } from '../../core/clock.js';
import { checkpoint, immediate, type DB } from '../../core/db/open.js';
import { randomToken, sha256 } from '../../core/crypto.js';
import { isLanguage } from '../../core/i18n/index.js';
import { eraseMailByKeys, mailForKeys } from '../../core/outbox/personal-data.js';
import { isValidZone } from '../../core/time/index.js';
import { hubRepository, sessionRepository, type Session } from '../sessions/index.js';
import type { NewPollVoter, Poll, PollRepository, PollVoter } from './repository.js';
import { pollDedupe, pollVoterToken } from './rules.js';
import { mustExist } from '../../core/errors.js';

export type VoterCandidate = Omit<NewPollVoter, 'tokenNonce' | 'tokenHash'>;

export class PollVoters {
  constructor(
    private readonly db: DB,
    private readonly repo: PollRepository,
    private readonly clock: Clock,
    private readonly secret: string,
  ) {}

  /**
   * Erases a voter (right to erasure): address, name and link are removed, with every email kept for
   * them; their answers stay, anonymous, in the counts by country and hub.
   */
  erase(voter: PollVoter): void {
    immediate(this.db, () => {
      eraseMailByKeys(this.db, pollDedupe.voter(voter.pollId, voter.id), this.clock.now());
      this.repo.anonymiseVoter(voter.id);
    });
    // Gone from the file's bytes too (a no-op inside an enclosing transaction, whose owner checkpoints).
    checkpoint(this.db);
  }

  /**
   * A registration erased or anonymised takes along the voters made from it and every voter record
   * made from a registration with the same address (a hub's own contact address stays).
   */
  eraseForRegistration(registrationId: number, email: string | null = null): void {
    const voters = new Map(this.repo.votersFromRegistration(registrationId).map((v) => [v.id, v]));
    if (email) for (const v of this.repo.votersWithAddress(email)) if (v.source === 'registrant') voters.set(v.id, v);
    for (const v of voters.values()) this.erase(v);
  }

  /** What the date polls keep about an address, for a person's data export: voter records, answers, emails. */
  personalData(email: string | null): Record<string, unknown>[] {
    if (!email) return [];
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return this.repo.votersWithAddress(email).map((v) => {
      const poll = this.repo.get(v.pollId);
      const session = poll && sessionRepository(this.db).get(poll.sessionId);
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
        answers: slots.flatMap((s) => {
          const answer = answers.get(s.id);
          return answer === undefined ? [] : [{ start: iso(s.startUtc), wallTime: `${s.startDate} ${s.startTime}`, zone: s.zone, durationMinutes: s.durationMinutes, answer }];
        }),
        emails: mailForKeys(this.db, pollDedupe.voter(v.pollId, v.id)),
      };
    });
  }

  /** A new voter's token: a random nonce, and the hash of the link made from it (the link itself is never kept). */
  newToken(): { tokenNonce: string; tokenHash: string } {
    const tokenNonce = randomToken(16);
    return { tokenNonce, tokenHash: sha256(pollVoterToken(this.secret, tokenNonce)) };
  }

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

  /** The people to invite: the chosen hubs' contact addresses, and the earlier registrants who accepted follow-up emails. */
  candidates(session: Session, poll: Poll, hubIds: number[], registrants: boolean): { candidates: VoterCandidate[]; withoutConsent: number } {
    let withoutConsent = 0;
    const candidates: VoterCandidate[] = [];
    for (const id of hubIds) {
      const h = mustExist(hubRepository(this.db).get(id), 'hub');
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
      withoutConsent = all.length - withConsent.length;
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
    return { candidates, withoutConsent };
  }
}

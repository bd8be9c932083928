/**
 * Calls for case studies: the owning hub of a session opens one call on it (a deadline typed as a
 * wall time in the hub's zone, a short text for proposers), changes its deadline and closes it early;
 * organisers of every hub propose from the organiser area, and people the hub invites by email
 * propose through a personal link; the owning hub accepts, declines or asks for changes, and each
 * decision is emailed to the proposer in their language.
 *
 * Links: the token is an HMAC (server secret) of a random 128-bit nonce; the invitation keeps the
 * nonce and the token's SHA-256 only. Emails are queued in the outbox, and each action recorded in the
 * audit log, in the same transaction as the change (never with an email address or a name).
 * Who may do what is the routes' question to the access policy; this service checks the input and
 * keeps the rules of time (open until the deadline or an early close).
 */
import { createHmac } from 'node:crypto';
import { ANONYMOUS_ACTOR, organiserActor, type AuditAction, type AuditActor, type AuditDetailValue, type AuditWriter } from '../../core/audit/index.js';
import type { Clock } from '../../core/clock.js';
import { randomToken, sha256 } from '../../core/crypto.js';
import { checkpoint, immediate, type DB } from '../../core/db/open.js';
import { eraseMailByKeyPrefix } from '../../core/outbox/personal-data.js';
import { AppError, FieldErrors, mustExist, notFound } from '../../core/errors.js';
import { isLanguage } from '../../core/i18n/index.js';
import { enqueue, validateEmailAddress } from '../../core/outbox/index.js';
import { multiLine, singleLine, str } from '../../core/text.js';
import { validateZone, wallToInstant } from '../../core/time/index.js';
import type { HubRepository } from '../sessions/index.js';
import {
  DECISIONS,
  type Call,
  type CallCountry,
  type CallData,
  type CallInvitation,
  type CallRepository,
  type Decision,
  type Presenter,
  type Proposal,
  type ProposalData,
  type ProposalStatus,
} from './repository.js';
import { INTRO_MAX, MESSAGE_MAX, NAME_MAX, validateProposal, type CallInput, type DecisionInput, type InviteInput, type ProposalInput } from './validate.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { calls: CallRepository; hubs: HubRepository; audit: AuditWriter };

/** The part of a session this service looks at. */
export type SessionRef = { id: number; hubId: number; title: string };

/** The part of an organiser this service looks at. */
export type OrganiserRef = { id: number; name: string; zone: string };


export const CALL_EMAIL = {
  invitation: 'call.invitation',
  decision: 'call.decision',
} as const;

/** A personal link's token: 256 bits, base64url (43 characters). */
export const CALL_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** The token of an invitation's link, derived from its nonce with the server secret (so only its hash is stored). */
export function callLinkToken(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`call-invitation:${nonce}`).digest('base64url');
}

export function callLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/calls/${token}`;
}

/** Whether a call takes proposals now, and when it closed (or closes). */
export interface CallState {
  open: boolean;
  /** The early close, or the deadline. */
  closesAt: number;
}

export function callState(call: Call, now: number): CallState {
  const closesAt = call.closedAt === null ? call.deadlineUtc : Math.min(call.closedAt, call.deadlineUtc);
  // A cancelled session's call takes no more proposals.
  return { open: !call.sessionCancelled && now < closesAt, closesAt };
}

/** Whether its proposer may still change a proposal: while the call is open and nothing was decided, or when changes were asked for. */
export function editable(p: Proposal, state: CallState): boolean {
  return p.status === 'changes' || (state.open && p.status === 'submitted');
}


/** Per country and per hub: how many proposals, and how many of each status. */
export interface Tally {
  key: string;
  total: number;
  byStatus: Record<ProposalStatus, number>;
}

function tally(list: Proposal[], keyOf: (p: Proposal) => string): Tally[] {
  const out = new Map<string, Tally>();
  for (const p of list) {
    const key = keyOf(p);
    let row = out.get(key);
    if (!row) {
      row = { key, total: 0, byStatus: { submitted: 0, accepted: 0, declined: 0, changes: 0 } };
      out.set(key, row);
    }
    row.total++;
    row.byStatus[p.status]++;
  }
  return [...out.values()];
}

/** An accepted proposal as another module (a session's agenda) reads it. */
export interface AcceptedProposal {
  id: number;
  title: string;
  presenters: Presenter[];
  hubId: number;
  country: CallCountry;
  language: string;
}

export class CallService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly secret: string,
  ) {}

  /** The call of a session, if it has one. */
  forSession(sessionId: number): Call | undefined {
    return this.repos.calls.forSession(sessionId);
  }

  state(call: Call): CallState {
    return callState(call, this.clock.now());
  }

  /** The zone a session's call deadline is typed in: its owning hub's. */
  zoneOf(session: SessionRef): string {
    return mustExist(this.repos.hubs.get(session.hubId), 'hub').zone;
  }

  /** Checks a call's fields; every refused field is named at once. */
  validateCall(session: SessionRef, input: CallInput): CallData {
    const errs = new FieldErrors();
    const zone = this.zoneOf(session);
    const deadlineDate = str(input.deadlineDate).trim();
    const deadlineTime = str(input.deadlineTime).trim();
    if (!deadlineDate) errs.add('deadlineDate', 'required', 'a date is required');
    if (!deadlineTime) errs.add('deadlineTime', 'required', 'a time is required');
    let deadlineUtc = 0;
    if (deadlineDate && deadlineTime) {
      deadlineUtc = errs.catch('deadlineTime', () => wallToInstant({ date: deadlineDate, time: deadlineTime, zone }, { date: 'deadlineDate', time: 'deadlineTime' })) ?? 0;
      if (deadlineUtc && deadlineUtc <= this.clock.now()) errs.add('deadlineDate', 'deadline_past', 'the deadline must be in the future');
    }
    const intro = multiLine(str(input.intro));
    if (intro.length > INTRO_MAX) errs.add('intro', 'too_long', `at most ${INTRO_MAX} characters`, { max: INTRO_MAX });
    errs.throwIfAny();
    return { deadlineDate, deadlineTime, zone, deadlineUtc, intro };
  }

  /** Opens the session's call, or changes its deadline and text (a call closed early opens again). */
  save(session: SessionRef, input: CallInput, actor: OrganiserRef): Call {
    const data = this.validateCall(session, input);
    return immediate(this.db, () => {
      const now = this.clock.now();
      const existing = this.repos.calls.forSession(session.id);
      if (existing) {
        this.repos.calls.update(existing.id, data, now);
        this.audit('call.changed', organiserActor(actor), session, { call: existing.id, deadline: `${data.deadlineDate} ${data.deadlineTime}`, zone: data.zone });
      } else {
        const id = this.repos.calls.insert(session.id, data, actor.id, now);
        this.audit('call.opened', organiserActor(actor), session, { call: id, deadline: `${data.deadlineDate} ${data.deadlineTime}`, zone: data.zone });
      }
      return mustExist(this.repos.calls.forSession(session.id), 'call');
    });
  }

  /** The session's call, or 404. */
  get(session: SessionRef): Call {
    return mustExist(this.repos.calls.forSession(session.id), 'call');
  }

  /** Closes the call before its deadline (a closed call stays closed). */
  close(session: SessionRef, actor: OrganiserRef): void {
    immediate(this.db, () => {
      const call = this.get(session);
      if (!this.state(call).open) return;
      this.repos.calls.close(call.id, this.clock.now());
      this.audit('call.closed', organiserActor(actor), session, { call: call.id });
    });
  }

  invitations(call: Call): CallInvitation[] {
    return this.repos.calls.invitations(call.id);
  }

  /** Invites someone by email to propose through a personal link (again: a new link, the old one ends). */
  invite(session: SessionRef, input: InviteInput, actor: OrganiserRef): CallInvitation {
    const errs = new FieldErrors();
    const name = singleLine(str(input.name));
    if (!name) errs.add('name', 'required', 'a name is required');
    else if (name.length > NAME_MAX) errs.add('name', 'too_long', `at most ${NAME_MAX} characters`, { max: NAME_MAX });
    const email = errs.catch('email', () => validateEmailAddress(input.email, 'email')) ?? '';
    const language = str(input.language);
    if (!isLanguage(language)) errs.add('language', 'language_invalid', 'choose one of the languages');
    const zone = errs.catch('zone', () => validateZone(input.zone, 'zone')) ?? '';
    errs.throwIfAny();
    return immediate(this.db, () => {
      const call = this.get(session);
      if (!this.state(call).open) throw new AppError('call_closed', 'the call is closed', 409, 'form');
      const now = this.clock.now();
      const nonce = randomToken(16);
      const id = this.repos.calls.invite(call.id, { name, email, language, zone }, { nonce, hash: sha256(callLinkToken(this.secret, nonce)) }, actor.id, now);
      // One email per link: a new invitation to the same address is a new link, and a new email.
      enqueue(
        this.db,
        { kind: CALL_EMAIL.invitation, dedupeKey: `call-invitation:${id}:${nonce}`, to: { email, name }, language, zone, sessionId: session.id, payload: { invitationId: id } },
        this.clock,
      );
      this.audit('call.invited', organiserActor(actor), session, { call: call.id, invitation: id, language });
      return mustExist(this.repos.calls.invitation(id), 'invitation');
    });
  }

  /** The invitation behind a personal link, with its call; 404 for a link that opens nothing. */
  byToken(token: string): { invitation: CallInvitation; call: Call } {
    const invitation = CALL_TOKEN_RE.test(token) ? this.repos.calls.invitationByTokenHash(sha256(token)) : undefined;
    const call = invitation && this.repos.calls.get(invitation.callId);
    if (!invitation || !call) throw notFound('link');
    return { invitation, call };
  }

  /** Checks a proposal's fields; every refused field is named at once (see ./validate.ts). */
  validateProposal(input: ProposalInput): ProposalData {
    return validateProposal(input, (id) => !!this.repos.hubs.get(id));
  }


  /** An organiser's proposal (of any hub) to a session's open call. */
  proposeAsOrganiser(session: SessionRef, input: ProposalInput, organiser: OrganiserRef): Proposal {
    const data = this.validateProposal(input);
    return immediate(this.db, () => {
      const call = this.get(session);
      this.assertOpen(call);
      const id = this.repos.calls.insertProposal(call.id, { invitationId: null, proposedBy: organiser.id, proposerZone: organiser.zone }, data, this.clock.now());
      this.audit('proposal.submitted', organiserActor(organiser), session, { call: call.id, proposal: id, hub: data.hubId, country: data.country });
      return mustExist(this.repos.calls.proposal(call.id, id), 'proposal');
    });
  }

  /** An organiser's own proposals to a call. */
  proposalsBy(call: Call, organiserId: number): Proposal[] {
    return this.repos.calls.proposalsBy(call.id, organiserId);
  }

  /** One of an organiser's own proposals to a session's call (404 for anyone else's). */
  organiserProposal(session: SessionRef, id: number, organiserId: number): { call: Call; proposal: Proposal } {
    const call = this.get(session);
    const proposal = this.repos.calls.proposal(call.id, id);
    if (!proposal || proposal.proposedBy !== organiserId) throw notFound('proposal');
    return { call, proposal };
  }

  /** Changes an organiser's own proposal: while the call is open and nothing was decided, or when changes were asked for. */
  updateAsOrganiser(session: SessionRef, id: number, input: ProposalInput, organiser: OrganiserRef): Proposal {
    this.organiserProposal(session, id, organiser.id);
    const data = this.validateProposal(input);
    return immediate(this.db, () => {
      const { call, proposal } = this.organiserProposal(session, id, organiser.id);
      this.assertEditable(call, proposal);
      this.repos.calls.updateProposal(call.id, proposal.id, data, this.clock.now());
      this.audit('proposal.changed', organiserActor(organiser), session, { call: call.id, proposal: proposal.id });
      return this.proposal(call, proposal.id);
    });
  }

  /** A proposal through an invitation's personal link; refused once the call has closed. */
  proposeByToken(token: string, session: SessionRef, input: ProposalInput): Proposal {
    const data = this.validateProposal(input);
    return immediate(this.db, () => {
      const { invitation, call } = this.byToken(token);
      this.assertOpen(call);
      const id = this.repos.calls.insertProposal(call.id, { invitationId: invitation.id, proposedBy: null, proposerZone: invitation.zone }, data, this.clock.now());
      this.audit('proposal.submitted', ANONYMOUS_ACTOR, session, { call: call.id, proposal: id, invitation: invitation.id, hub: data.hubId, country: data.country });
      return mustExist(this.repos.calls.proposal(call.id, id), 'proposal');
    });
  }

  /** The proposals made through one invitation's link. */
  proposalsOfInvitation(invitation: CallInvitation): Proposal[] {
    return this.repos.calls.proposalsOfInvitation(invitation.id);
  }

  /** One proposal of an invitation (404 for another's). */
  invitationProposal(token: string, id: number): { invitation: CallInvitation; call: Call; proposal: Proposal } {
    const { invitation, call } = this.byToken(token);
    const proposal = this.repos.calls.proposal(call.id, id);
    if (!proposal || proposal.invitationId !== invitation.id) throw notFound('proposal');
    return { invitation, call, proposal };
  }

  /** Changes a proposal through its link: while the call is open and nothing was decided, or when changes were asked for. */
  updateByToken(token: string, session: SessionRef, id: number, input: ProposalInput): Proposal {
    const { proposal } = this.invitationProposal(token, id);
    const data = this.validateProposal(input);
    return immediate(this.db, () => {
      const again = this.invitationProposal(token, id);
      this.assertEditable(again.call, again.proposal);
      this.repos.calls.updateProposal(again.call.id, proposal.id, data, this.clock.now());
      this.audit('proposal.changed', ANONYMOUS_ACTOR, session, { call: again.call.id, proposal: proposal.id, invitation: again.invitation.id });
      return mustExist(this.repos.calls.proposal(again.call.id, proposal.id), 'proposal');
    });
  }

  /** Every proposal of a call, in the order they came. */
  proposals(call: Call): Proposal[] {
    return this.repos.calls.proposals(call.id);
  }

  proposal(call: Call, id: number): Proposal {
    return mustExist(this.repos.calls.proposal(call.id, id), 'proposal');
  }

  /** Counts per country and per hub, each with its statuses. */
  overview(call: Call): { total: number; byCountry: Tally[]; byHub: Tally[] } {
    const list = this.proposals(call);
    const order = (a: Tally, b: Tally) => b.total - a.total || a.key.localeCompare(b.key);
    return { total: list.length, byCountry: tally(list, (p) => p.country).sort(order), byHub: tally(list, (p) => String(p.hubId)).sort(order) };
  }

  /** Accepts, declines or asks for changes, with an optional message; the proposer gets an email in their language. */
  decide(session: SessionRef, id: number, input: DecisionInput, actor: OrganiserRef): Proposal {
    const errs = new FieldErrors();
    const decision = str(input.decision);
    if (!(DECISIONS as readonly string[]).includes(decision)) errs.add('decision', 'decision_choice', 'choose accept, decline or ask for changes');
    const message = multiLine(str(input.message));
    if (message.length > MESSAGE_MAX) errs.add('message', 'too_long', `at most ${MESSAGE_MAX} characters`, { max: MESSAGE_MAX });
    errs.throwIfAny();
    return immediate(this.db, () => {
      const call = this.get(session);
      const p = this.proposal(call, id);
      const now = this.clock.now();
      this.repos.calls.decide(call.id, p.id, decision as Decision, message, actor.id, now);
      // After the retention period the proposer's address is gone: the decision is kept, nobody is told.
      if (p.anonymisedAt === null) enqueue(
        this.db,
        {
          kind: CALL_EMAIL.decision,
          dedupeKey: `proposal:${p.id}:decision:${now}`,
          to: { email: p.proposerEmail, name: p.proposerName },
          language: p.proposerLanguage,
          zone: p.proposerZone,
          sessionId: session.id,
          payload: { proposalId: p.id, callId: call.id, decision, message },
        },
        this.clock,
      );
      this.audit('proposal.decided', organiserActor(actor), session, { call: call.id, proposal: p.id, status: decision });
      return this.proposal(call, p.id);
    });
  }

  /**
   * Retention: once a call has closed and its session ended more than RETENTION_DAYS ago (`before`),
   * its proposers' names and addresses are erased (the proposals stay, as the record of the
   * programme; presenters are speakers named in public) with the mail sent to them, and its
   * invitations (names, addresses, links) are deleted with theirs. Returns how many were erased.
   */
  anonymiseExpired(before: number): number {
    const n = immediate(this.db, () => {
      const now = this.clock.now();
      const { proposals, invitations } = this.repos.calls.expired(before);
      for (const id of proposals) {
        eraseMailByKeyPrefix(this.db, `proposal:${id}:`, now);
        this.repos.calls.anonymiseProposal(id, now);
      }
      for (const id of invitations) {
        eraseMailByKeyPrefix(this.db, `call-invitation:${id}:`, now);
        this.repos.calls.deleteInvitation(id);
      }
      return proposals.length + invitations.length;
    });
    // secure_delete zeroed the old content in the pages; the checkpoint clears the copies in the WAL.
    if (n > 0) checkpoint(this.db);
    return n;
  }

  /** The proposals an organiser downloads (the CSV export); the download is recorded (how many rows, never who). */
  exportList(session: SessionRef, actor: AuditActor): Proposal[] {
    return immediate(this.db, () => {
      const rows = this.proposals(this.get(session));
      this.audit('export.downloaded', actor, session, { export: 'proposals.csv', rows: rows.length });
      return rows;
    });
  }

  /** The accepted proposals of a session (none without a call), for its timetable. */
  acceptedProposals(sessionId: number): AcceptedProposal[] {
    return this.repos.calls.accepted(sessionId).map((p) => ({ id: p.id, title: p.title, presenters: p.presenters, hubId: p.hubId, country: p.country, language: p.language }));
  }

  private assertEditable(call: Call, proposal: Proposal): void {
    const state = this.state(call);
    if (!editable(proposal, state)) throw new AppError(state.open ? 'proposal_decided' : 'call_closed', 'this proposal can no longer be changed', 409, 'form');
  }

  private assertOpen(call: Call): void {
    if (!this.state(call).open) throw new AppError('call_closed', 'the call is closed: proposals are no longer taken', 409, 'form');
  }

  private audit(action: AuditAction, actor: AuditActor, session: SessionRef, detail: Record<string, AuditDetailValue>): void {
    this.repos.audit.record({ action, actor, session: { id: session.id, hubId: session.hubId }, detail }, this.clock.now());
  }
}

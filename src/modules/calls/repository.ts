import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';

export type ProposalStatus = 'submitted' | 'accepted' | 'declined' | 'changes';
export const STATUSES: readonly ProposalStatus[] = ['submitted', 'accepted', 'declined', 'changes'];
/** The decisions an organiser takes on a proposal. */
export type Decision = 'accepted' | 'declined' | 'changes';
export const DECISIONS: readonly Decision[] = ['accepted', 'declined', 'changes'];
/** The network's eight countries, and everywhere else. */
export const CALL_COUNTRIES = ['GR', 'RO', 'LT', 'IT', 'ES', 'PL', 'BG', 'CY', 'other'] as const;
export type CallCountry = (typeof CALL_COUNTRIES)[number];

export interface Call {
  id: number;
  sessionId: number;
  /** The deadline as the organiser typed it (the truth), in the owning hub's zone. */
  deadlineDate: string;
  deadlineTime: string;
  zone: string;
  deadlineUtc: number;
  intro: string;
  closedAt: number | null;
  /** Its session was cancelled: it takes no more proposals, whatever its deadline. */
  sessionCancelled: boolean;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface CallData {
  deadlineDate: string;
  deadlineTime: string;
  zone: string;
  deadlineUtc: number;
  intro: string;
}

export interface CallInvitation {
  id: number;
  callId: number;
  name: string;
  email: string;
  language: string;
  zone: string;
  tokenNonce: string;
  createdAt: number;
}

export interface Presenter {
  name: string;
  affiliation: string;
}

/** What a proposer sets on a proposal. */
export interface ProposalData {
  title: string;
  summary: string;
  presenters: Presenter[];
  hubId: number;
  country: CallCountry;
  language: string;
  materialsUrl: string | null;
  proposerName: string;
  proposerEmail: string;
  proposerLanguage: string;
}

/** A proposal as kept: what the proposer set, and where it came from and how it was decided. */
export interface Proposal extends ProposalData {
  id: number;
  callId: number;
  invitationId: number | null;
  proposedBy: number | null;
  /** When the proposer's name and address were erased (retention); both are empty since. */
  anonymisedAt: number | null;
  proposerZone: string;
  status: ProposalStatus;
  decisionMessage: string;
  decidedBy: number | null;
  decidedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

interface CallRow {
  id: number;
  session_id: number;
  deadline_date: string;
  deadline_time: string;
  zone: string;
  deadline_utc: number;
  intro: string;
  closed_at: number | null;
  session_cancelled: number;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

interface InvitationRow {
  id: number;
  call_id: number;
  name: string;
  email: string;
  language: string;
  zone: string;
  token_nonce: string;
  created_at: number;
}

interface ProposalRow {
  id: number;
  call_id: number;
  invitation_id: number | null;
  proposed_by: number | null;
  title: string;
  summary: string;
  presenters: string;
  hub_id: number;
  country: CallCountry;
  language: string;
  materials_url: string | null;
  proposer_name: string;
  proposer_email: string;
  anonymised_at: number | null;
  proposer_language: string;
  proposer_zone: string;
  status: ProposalStatus;
  decision_message: string;
  decided_by: number | null;
  decided_at: number | null;
  created_at: number;
  updated_at: number;
}

const toCall = (r: CallRow): Call => ({
  id: r.id,
  sessionId: r.session_id,
  deadlineDate: r.deadline_date,
  deadlineTime: r.deadline_time,
  zone: r.zone,
  deadlineUtc: r.deadline_utc,
  intro: r.intro,
  closedAt: r.closed_at,
  sessionCancelled: r.session_cancelled === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toInvitation = (r: InvitationRow): CallInvitation => ({ id: r.id, callId: r.call_id, name: r.name, email: r.email, language: r.language, zone: r.zone, tokenNonce: r.token_nonce, createdAt: r.created_at });

/** The stored presenters (a JSON array the table checks), read defensively. */
function presentersOf(json: string): Presenter[] {
  const list: unknown = JSON.parse(json);
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown) => {
    if (typeof p !== 'object' || p === null) return [];
    const { name, affiliation } = p as Record<string, unknown>;
    return typeof name === 'string' ? [{ name, affiliation: typeof affiliation === 'string' ? affiliation : '' }] : [];
  });
}

const toProposal = (r: ProposalRow): Proposal => ({
  id: r.id,
  callId: r.call_id,
  invitationId: r.invitation_id,
  proposedBy: r.proposed_by,
  title: r.title,
  summary: r.summary,
  presenters: presentersOf(r.presenters),
  hubId: r.hub_id,
  country: r.country,
  language: r.language,
  materialsUrl: r.materials_url,
  proposerName: r.proposer_name,
  proposerEmail: r.proposer_email,
  anonymisedAt: r.anonymised_at,
  proposerLanguage: r.proposer_language,
  proposerZone: r.proposer_zone,
  status: r.status,
  decisionMessage: r.decision_message,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const CALL_SELECT = `SELECT c.*, (s.status = 'cancelled') AS session_cancelled FROM case_study_calls c JOIN sessions s ON s.id = c.session_id`;

/** Every statement of this repository, prepared once per database. */
function prepareStatements(db: DB) {
  return {
    // A call is read with whether its session was cancelled (then it is closed).
    callOf: db.prepare(`${CALL_SELECT} WHERE c.session_id = ?`),
    call: db.prepare(`${CALL_SELECT} WHERE c.id = ?`),
    insertCall: db.prepare(
      `INSERT INTO case_study_calls (session_id, deadline_date, deadline_time, zone, deadline_utc, intro, created_by, created_at, updated_at)
       VALUES (@sessionId, @deadlineDate, @deadlineTime, @zone, @deadlineUtc, @intro, @actor, @now, @now)`,
    ),
    updateCall: db.prepare(
      `UPDATE case_study_calls SET deadline_date = @deadlineDate, deadline_time = @deadlineTime, zone = @zone, deadline_utc = @deadlineUtc, intro = @intro,
         closed_at = NULL, updated_at = @now WHERE id = @id`,
    ),
    closeCall: db.prepare('UPDATE case_study_calls SET closed_at = @now, updated_at = @now WHERE id = @id AND closed_at IS NULL'),
    invitations: db.prepare('SELECT * FROM case_study_invitations WHERE call_id = ? ORDER BY id'),
    invitation: db.prepare('SELECT * FROM case_study_invitations WHERE id = ?'),
    invitationByHash: db.prepare('SELECT * FROM case_study_invitations WHERE token_hash = ?'),
    // Inviting the same address again gives a new link (the old one stops working) in the new language.
    upsertInvitation: db.prepare(
      `INSERT INTO case_study_invitations (call_id, name, email, language, zone, token_nonce, token_hash, invited_by, created_at)
       VALUES (@callId, @name, @email, @language, @zone, @nonce, @hash, @actor, @now)
       ON CONFLICT (call_id, email) DO UPDATE SET name = excluded.name, language = excluded.language, zone = excluded.zone,
         token_nonce = excluded.token_nonce, token_hash = excluded.token_hash, invited_by = excluded.invited_by, created_at = excluded.created_at
       RETURNING id`,
    ),
    proposals: db.prepare('SELECT * FROM case_study_proposals WHERE call_id = ? ORDER BY id'),
    proposalsOfInvitation: db.prepare('SELECT * FROM case_study_proposals WHERE invitation_id = ? ORDER BY id'),
    proposalsBy: db.prepare('SELECT * FROM case_study_proposals WHERE call_id = ? AND proposed_by = ? ORDER BY id'),
    proposal: db.prepare('SELECT * FROM case_study_proposals WHERE call_id = ? AND id = ?'),
    accepted: db.prepare(
      `SELECT p.* FROM case_study_proposals p JOIN case_study_calls c ON c.id = p.call_id
       WHERE c.session_id = ? AND p.status = 'accepted' ORDER BY p.id`,
    ),
    insertProposal: db.prepare(
      `INSERT INTO case_study_proposals (call_id, invitation_id, proposed_by, title, summary, presenters, hub_id, country, language, materials_url,
         proposer_name, proposer_email, proposer_language, proposer_zone, created_at, updated_at)
       VALUES (@callId, @invitationId, @proposedBy, @title, @summary, @presenters, @hubId, @country, @language, @materialsUrl,
         @proposerName, @proposerEmail, @proposerLanguage, @proposerZone, @now, @now)`,
    ),
    // A proposal changed after changes were asked for is submitted again, for a new decision.
    updateProposal: db.prepare(
      `UPDATE case_study_proposals SET title = @title, summary = @summary, presenters = @presenters, hub_id = @hubId, country = @country,
         language = @language, materials_url = @materialsUrl, proposer_name = @proposerName, proposer_email = @proposerEmail,
         proposer_language = @proposerLanguage, status = CASE status WHEN 'changes' THEN 'submitted' ELSE status END, updated_at = @now
       WHERE call_id = @callId AND id = @id`,
    ),
    // Retention: a call counts from the later of its deadline and its session's end.
    expiredProposals: db.prepare(
      `SELECT p.id FROM case_study_proposals p JOIN case_study_calls c ON c.id = p.call_id JOIN sessions s ON s.id = c.session_id
       WHERE p.anonymised_at IS NULL AND max(c.deadline_utc, coalesce(s.end_utc, 0)) <= @before LIMIT 1000`,
    ),
    expiredInvitations: db.prepare(
      `SELECT i.id FROM case_study_invitations i JOIN case_study_calls c ON c.id = i.call_id JOIN sessions s ON s.id = c.session_id
       WHERE max(c.deadline_utc, coalesce(s.end_utc, 0)) <= @before LIMIT 1000`,
    ),
    anonymiseProposal: db.prepare(`UPDATE case_study_proposals SET proposer_name = '', proposer_email = '', anonymised_at = @now, updated_at = @now WHERE id = @id AND anonymised_at IS NULL`),
    deleteInvitation: db.prepare('DELETE FROM case_study_invitations WHERE id = ?'),
    decide: db.prepare(
      `UPDATE case_study_proposals SET status = @status, decision_message = @message, decided_by = @actor, decided_at = @now, updated_at = @now
       WHERE call_id = @callId AND id = @id`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

const rowData = (d: ProposalData) => ({ ...d, presenters: JSON.stringify(d.presenters.map((p) => ({ name: p.name, affiliation: p.affiliation }))) });

export class CallRepository {
  private readonly s: Statements;
  constructor(db: DB) {
    this.s = prepareStatements(db);
  }
  /** The call of a session, if it has one. */
  forSession(sessionId: number): Call | undefined {
    const r = this.s.callOf.get(sessionId) as CallRow | undefined;
    return r && toCall(r);
  }
  get(id: number): Call | undefined {
    const r = this.s.call.get(id) as CallRow | undefined;
    return r && toCall(r);
  }
  insert(sessionId: number, data: CallData, actor: number | null, now: number): number {
    return Number(this.s.insertCall.run({ sessionId, ...data, actor, now }).lastInsertRowid);
  }
  /** A new deadline or text; a call closed early opens again. */
  update(id: number, data: CallData, now: number): void {
    this.s.updateCall.run({ id, ...data, now });
  }
  close(id: number, now: number): boolean {
    return this.s.closeCall.run({ id, now }).changes > 0;
  }
  invitations(callId: number): CallInvitation[] {
    return (this.s.invitations.all(callId) as InvitationRow[]).map(toInvitation);
  }
  invitation(id: number): CallInvitation | undefined {
    const r = this.s.invitation.get(id) as InvitationRow | undefined;
    return r && toInvitation(r);
  }
  invitationByTokenHash(hash: string): CallInvitation | undefined {
    const r = this.s.invitationByHash.get(hash) as InvitationRow | undefined;
    return r && toInvitation(r);
  }
  /** Invites an address to a call (again: a new link); returns the invitation's id. */
  invite(callId: number, who: { name: string; email: string; language: string; zone: string }, token: { nonce: string; hash: string }, actor: number, now: number): number {
    const r = this.s.upsertInvitation.get({ callId, ...who, nonce: token.nonce, hash: token.hash, actor, now }) as { id: number };
    return r.id;
  }
  proposals(callId: number): Proposal[] {
    return (this.s.proposals.all(callId) as ProposalRow[]).map(toProposal);
  }
  proposalsOfInvitation(invitationId: number): Proposal[] {
    return (this.s.proposalsOfInvitation.all(invitationId) as ProposalRow[]).map(toProposal);
  }
  proposalsBy(callId: number, organiserId: number): Proposal[] {
    return (this.s.proposalsBy.all(callId, organiserId) as ProposalRow[]).map(toProposal);
  }
  proposal(callId: number, id: number): Proposal | undefined {
    const r = this.s.proposal.get(callId, id) as ProposalRow | undefined;
    return r && toProposal(r);
  }
  /** The accepted proposals of a session's call, in the order they came. */
  accepted(sessionId: number): Proposal[] {
    return (this.s.accepted.all(sessionId) as ProposalRow[]).map(toProposal);
  }
  insertProposal(callId: number, from: { invitationId: number | null; proposedBy: number | null; proposerZone: string }, data: ProposalData, now: number): number {
    return Number(this.s.insertProposal.run({ callId, ...from, ...rowData(data), now }).lastInsertRowid);
  }
  updateProposal(callId: number, id: number, data: ProposalData, now: number): boolean {
    return this.s.updateProposal.run({ callId, id, ...rowData(data), now }).changes > 0;
  }
  decide(callId: number, id: number, status: Decision, message: string, actor: number, now: number): boolean {
    return this.s.decide.run({ callId, id, status, message, actor, now }).changes > 0;
  }
  /** Proposals and invitations of calls that closed and whose session ended before `before`: what retention erases. */
  expired(before: number): { proposals: number[]; invitations: number[] } {
    const ids = (rows: unknown[]) => (rows as { id: number }[]).map((r) => r.id);
    return { proposals: ids(this.s.expiredProposals.all({ before })), invitations: ids(this.s.expiredInvitations.all({ before })) };
  }
  /** The proposer's name and address erased; the proposal itself (title, summary, presenters) stays for the programme. */
  anonymiseProposal(id: number, now: number): boolean {
    return this.s.anonymiseProposal.run({ id, now }).changes > 0;
  }
  deleteInvitation(id: number): boolean {
    return this.s.deleteInvitation.run(id).changes > 0;
  }
}

/** The CallRepository of a database, built once per connection. */
export const callRepository = perDatabase((db) => new CallRepository(db));

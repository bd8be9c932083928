/**
 * Invitations and password resets: the single-use links of organiser accounts. Each row keeps the
 * random nonce its token is derived from (with the server secret) and the token's SHA-256, never
 * the token.
 */
import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';
import type { Organiser, Role } from './repository.js';

/** An invitation carries what the organiser's account will be made of. */
export interface Invitation extends Pick<Organiser, 'id' | 'email' | 'name' | 'role' | 'hubId' | 'language' | 'zone'> {
  tokenNonce: string;
  invitedBy: number | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  withdrawnAt: number | null;
}

interface InvitationRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  hub_id: number | null;
  language: string;
  zone: string;
  token_nonce: string;
  invited_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  withdrawn_at: number | null;
}

const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  hubId: r.hub_id,
  language: r.language,
  zone: r.zone,
  tokenNonce: r.token_nonce,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  withdrawnAt: r.withdrawn_at,
});

export interface PasswordReset {
  id: number;
  organiserId: number;
  tokenNonce: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

interface ResetRow {
  id: number;
  organiser_id: number;
  token_nonce: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const toReset = (r: ResetRow): PasswordReset => ({
  id: r.id,
  organiserId: r.organiser_id,
  tokenNonce: r.token_nonce,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

export type NewInvitation = Omit<Invitation, 'id' | 'usedAt' | 'withdrawnAt'> & { tokenHash: string };

export class AccountRepository {
  private readonly insertInvitation;
  private readonly invitationById;
  private readonly invitationByHash;
  private readonly openInvitations;
  private readonly withdrawOpenTo;
  private readonly withdrawStmt;
  private readonly useInvitation;
  private readonly insertReset;
  private readonly resetById;
  private readonly resetByHash;
  private readonly resetsSince;
  private readonly useReset;
  private readonly voidResets;

  constructor(db: DB) {
    this.insertInvitation = db.prepare(
      `INSERT INTO organiser_invitations (email, name, role, hub_id, language, zone, token_nonce, token_hash, invited_by, created_at, expires_at)
       VALUES (@email, @name, @role, @hubId, @language, @zone, @tokenNonce, @tokenHash, @invitedBy, @createdAt, @expiresAt)`,
    );
    this.invitationById = db.prepare<[number], InvitationRow>('SELECT * FROM organiser_invitations WHERE id = ?');
    this.invitationByHash = db.prepare<[string], InvitationRow>('SELECT * FROM organiser_invitations WHERE token_hash = ?');
    this.openInvitations = db.prepare<[], InvitationRow>('SELECT * FROM organiser_invitations WHERE used_at IS NULL AND withdrawn_at IS NULL ORDER BY created_at DESC, id DESC');
    this.withdrawOpenTo = db.prepare<[number, string], InvitationRow>('UPDATE organiser_invitations SET withdrawn_at = ? WHERE email = ? AND used_at IS NULL AND withdrawn_at IS NULL RETURNING *');
    this.withdrawStmt = db.prepare('UPDATE organiser_invitations SET withdrawn_at = ? WHERE id = ? AND used_at IS NULL AND withdrawn_at IS NULL');
    this.useInvitation = db.prepare('UPDATE organiser_invitations SET used_at = ?, organiser_id = ? WHERE id = ? AND used_at IS NULL AND withdrawn_at IS NULL');
    this.insertReset = db.prepare('INSERT INTO password_resets (organiser_id, token_nonce, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
    this.resetById = db.prepare<[number], ResetRow>('SELECT * FROM password_resets WHERE id = ?');
    this.resetByHash = db.prepare<[string], ResetRow>('SELECT * FROM password_resets WHERE token_hash = ?');
    this.resetsSince = db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM password_resets WHERE organiser_id = ? AND created_at > ?');
    this.useReset = db.prepare('UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL');
    this.voidResets = db.prepare('UPDATE password_resets SET used_at = ? WHERE organiser_id = ? AND used_at IS NULL');
  }

  addInvitation(i: NewInvitation): Invitation {
    const id = Number(this.insertInvitation.run(i).lastInsertRowid);
    return toInvitation(mustExist(this.invitationById.get(id), 'invitation'));
  }
  invitation(id: number): Invitation | undefined {
    const r = this.invitationById.get(id);
    return r && toInvitation(r);
  }
  invitationByTokenHash(hash: string): Invitation | undefined {
    const r = this.invitationByHash.get(hash);
    return r && toInvitation(r);
  }
  /** Invitations neither accepted nor withdrawn (expired ones included), newest first. */
  openInvitationList(): Invitation[] {
    return this.openInvitations.all().map(toInvitation);
  }
  /** Withdraws what is still open to an address (a new invitation replaces it); returns what it withdrew. */
  withdrawInvitationsTo(email: string, now: number): Invitation[] {
    return this.withdrawOpenTo.all(now, email).map(toInvitation);
  }
  withdrawInvitation(id: number, now: number): boolean {
    return this.withdrawStmt.run(now, id).changes === 1;
  }
  /** Marks an open invitation used by the account made from it; false when it was no longer open. */
  markInvitationUsed(id: number, organiserId: number, now: number): boolean {
    return this.useInvitation.run(now, organiserId, id).changes === 1;
  }

  addReset(organiserId: number, tokenNonce: string, tokenHash: string, now: number, expiresAt: number): PasswordReset {
    const id = Number(this.insertReset.run(organiserId, tokenNonce, tokenHash, now, expiresAt).lastInsertRowid);
    return toReset(mustExist(this.resetById.get(id), 'password reset'));
  }
  reset(id: number): PasswordReset | undefined {
    const r = this.resetById.get(id);
    return r && toReset(r);
  }
  resetByTokenHash(hash: string): PasswordReset | undefined {
    const r = this.resetByHash.get(hash);
    return r && toReset(r);
  }
  resetsAskedSince(organiserId: number, since: number): number {
    return this.resetsSince.get(organiserId, since)?.n ?? 0;
  }
  markResetUsed(id: number, now: number): boolean {
    return this.useReset.run(now, id).changes === 1;
  }
  /** Voids every unused reset link of an organiser. */
  voidResetsOf(organiserId: number, now: number): void {
    this.voidResets.run(now, organiserId);
  }
}

/** The AccountRepository of a database, built once per connection. */
export const accountRepository = perDatabase((db) => new AccountRepository(db));

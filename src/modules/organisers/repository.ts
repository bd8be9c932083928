import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';

/** What an API token may do. */
export type TokenScope = 'api' | 'inbound';

export type Role = 'admin' | 'hub';

export interface Organiser {
  id: number;
  email: string;
  name: string;
  role: Role;
  hubId: number | null;
  language: string;
  zone: string;
  disabled: boolean;
}

interface OrganiserRow {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  hub_id: number | null;
  language: string;
  zone: string;
  disabled_at: number | null;
}

const toOrganiser = (r: OrganiserRow): Organiser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  hubId: r.hub_id,
  language: r.language,
  zone: r.zone,
  disabled: r.disabled_at !== null,
});

export interface ApiToken {
  id: number;
  organiserId: number;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Organisers, their login sessions and API tokens. Secrets arrive here already hashed. */
export class OrganiserRepository {
  private readonly byId;
  private readonly byEmail;
  private readonly all;
  private readonly pageStmt;
  private readonly rankStmt;
  private readonly insertStmt;
  private readonly setPassword;
  private readonly insertLogin;
  private readonly loginById;
  private readonly deleteLogin;
  private readonly purgeLogins;
  private readonly insertToken;
  private readonly tokenByHash;
  private readonly touchToken;
  private readonly tokensOf;
  private readonly revokeStmt;
  private readonly setRoleStmt;
  private readonly setDisabledStmt;
  private readonly setProfileStmt;
  private readonly activeAdmins;
  private readonly deleteLoginsOf;
  private readonly deleteOtherLoginsOf;
  private readonly revokeTokensOf;

  constructor(db: DB) {
    this.byId = db.prepare<[number], OrganiserRow>('SELECT * FROM organisers WHERE id = ?');
    this.byEmail = db.prepare<[string], OrganiserRow>('SELECT * FROM organisers WHERE email = ?');
    this.all = db.prepare<[], OrganiserRow>('SELECT * FROM organisers ORDER BY email');
    this.pageStmt = db.prepare<[number, number], OrganiserRow>('SELECT * FROM organisers ORDER BY email LIMIT ? OFFSET ?');
    this.rankStmt = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM organisers WHERE email < (SELECT email FROM organisers WHERE id = ?)');
    this.insertStmt = db.prepare(
      `INSERT INTO organisers (email, name, password_hash, role, hub_id, language, zone, created_at)
       VALUES (@email, @name, @passwordHash, @role, @hubId, @language, @zone, @now)`,
    );
    this.setPassword = db.prepare('UPDATE organisers SET password_hash = ? WHERE id = ?');
    this.insertLogin = db.prepare('INSERT INTO login_sessions (id_hash, organiser_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.loginById = db.prepare<[string, number], { organiser_id: number }>(
      'SELECT organiser_id FROM login_sessions WHERE id_hash = ? AND expires_at > ?',
    );
    this.deleteLogin = db.prepare('DELETE FROM login_sessions WHERE id_hash = ?');
    this.purgeLogins = db.prepare('DELETE FROM login_sessions WHERE expires_at <= ?');
    this.insertToken = db.prepare(
      'INSERT INTO api_tokens (organiser_id, name, token_hash, prefix, created_at, scope) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.tokenByHash = db.prepare<[string, string], { id: number; organiser_id: number; name: string }>(
      'SELECT id, organiser_id, name FROM api_tokens WHERE token_hash = ? AND scope = ? AND revoked_at IS NULL',
    );
    this.touchToken = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
    this.tokensOf = db.prepare<[number], { id: number; organiser_id: number; name: string; prefix: string; created_at: number; last_used_at: number | null; revoked_at: number | null }>(
      'SELECT * FROM api_tokens WHERE organiser_id = ? ORDER BY created_at DESC',
    );
    this.revokeStmt = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND organiser_id = ? AND revoked_at IS NULL');
    this.setRoleStmt = db.prepare('UPDATE organisers SET role = ?, hub_id = ? WHERE id = ?');
    this.setDisabledStmt = db.prepare('UPDATE organisers SET disabled_at = ? WHERE id = ?');
    this.setProfileStmt = db.prepare('UPDATE organisers SET name = ?, language = ?, zone = ? WHERE id = ?');
    this.activeAdmins = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM organisers WHERE role = 'admin' AND disabled_at IS NULL");
    this.deleteLoginsOf = db.prepare('DELETE FROM login_sessions WHERE organiser_id = ?');
    this.deleteOtherLoginsOf = db.prepare('DELETE FROM login_sessions WHERE organiser_id = ? AND id_hash <> ?');
    this.revokeTokensOf = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE organiser_id = ? AND revoked_at IS NULL');
  }

  get(id: number): Organiser | undefined {
    const r = this.byId.get(id);
    return r && toOrganiser(r);
  }
  list(): Organiser[] {
    return this.all.all().map(toOrganiser);
  }
  /** One page of the organisers in the order of `list()`, and whether more follow. */
  page(limit: number, offset: number): { items: Organiser[]; more: boolean } {
    const rows = this.pageStmt.all(limit + 1, offset).map(toOrganiser);
    return { items: rows.slice(0, limit), more: rows.length > limit };
  }
  /** How many organisers come before this one in the order of `list()` (its place, from 0). */
  rank(id: number): number {
    return this.rankStmt.get(id)?.n ?? 0;
  }
  /** The organiser and their password hash, for login. */
  credentials(email: string): { organiser: Organiser; passwordHash: string } | undefined {
    const r = this.byEmail.get(email);
    return r && { organiser: toOrganiser(r), passwordHash: r.password_hash };
  }
  insert(o: Omit<Organiser, 'id' | 'disabled'> & { passwordHash: string }, now: number): Organiser {
    const info = this.insertStmt.run({ ...o, now });
    return mustExist(this.get(Number(info.lastInsertRowid)), 'organiser');
  }
  updatePassword(id: number, passwordHash: string): void {
    this.setPassword.run(passwordHash, id);
  }

  setRole(id: number, role: Role, hubId: number | null): void {
    this.setRoleStmt.run(role, hubId, id);
  }
  /** Deactivates (at `now`) or reactivates (null) an account. */
  setDisabled(id: number, at: number | null): void {
    this.setDisabledStmt.run(at, id);
  }
  setProfile(id: number, p: { name: string; language: string; zone: string }): void {
    this.setProfileStmt.run(p.name, p.language, p.zone, id);
  }
  activeAdminCount(): number {
    return this.activeAdmins.get()?.n ?? 0;
  }
  /** Ends every login session of an organiser, or every one but `keepIdHash`. */
  endLogins(organiserId: number, keepIdHash?: string): number {
    return (keepIdHash === undefined ? this.deleteLoginsOf.run(organiserId) : this.deleteOtherLoginsOf.run(organiserId, keepIdHash)).changes;
  }
  revokeAllTokens(organiserId: number, now: number): number {
    return this.revokeTokensOf.run(now, organiserId).changes;
  }

  createLogin(idHash: string, organiserId: number, now: number, expiresAt: number): void {
    this.purgeLogins.run(now);
    this.insertLogin.run(idHash, organiserId, now, expiresAt);
  }
  loginOrganiser(idHash: string, now: number): number | undefined {
    return this.loginById.get(idHash, now)?.organiser_id;
  }
  deleteLoginSession(idHash: string): void {
    this.deleteLogin.run(idHash);
  }

  createToken(organiserId: number, name: string, tokenHash: string, prefix: string, now: number, scope: TokenScope = 'api'): number {
    return Number(this.insertToken.run(organiserId, name, tokenHash, prefix, now, scope).lastInsertRowid);
  }
  /** The organiser of a live token of this scope ('api': the JSON API; 'inbound': the inbound mail endpoint only). */
  tokenOrganiser(tokenHash: string, now: number, scope: TokenScope = 'api'): number | undefined {
    return this.tokenOwner(tokenHash, now, scope)?.organiserId;
  }
  /** The organiser of a live token of this scope, and the token's id and name. */
  tokenOwner(tokenHash: string, now: number, scope: TokenScope = 'api'): { organiserId: number; tokenId: number; name: string } | undefined {
    const r = this.tokenByHash.get(tokenHash, scope);
    if (!r) return undefined;
    this.touchToken.run(now, r.id);
    return { organiserId: r.organiser_id, tokenId: r.id, name: r.name };
  }
  tokens(organiserId: number): ApiToken[] {
    return this.tokensOf.all(organiserId).map((r) => ({
      id: r.id,
      organiserId: r.organiser_id,
      name: r.name,
      prefix: r.prefix,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }
  revokeToken(id: number, organiserId: number, now: number): boolean {
    return this.revokeStmt.run(now, id, organiserId).changes === 1;
  }
}

/** The OrganiserRepository of a database, built once per connection. */
export const organiserRepository = perDatabase((db) => new OrganiserRepository(db));

import type { Clock } from '../../core/clock.js';
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, organiserActor, type AuditActor, type AuditWriter } from '../../core/audit/index.js';
import { immediate, type DB } from '../../core/db/open.js';
import { AppError } from '../../core/errors.js';
import { type HubRepository } from '../sessions/index.js';
import type { OrganiserRepository } from './repository.js';
import type { Organiser, Role, TokenScope } from './repository.js';
import { validateZone } from '../../core/time/index.js';
import { isLanguage } from '../../core/i18n/index.js';
import { DEFAULT_HASH_COST, hashPassword, needsRehash, randomToken, sha256, verifyPassword } from '../../core/crypto.js';
import { AccountLoginLimiter, type AccountLimitOptions } from './login-limits.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { hubs: HubRepository; organisers: OrganiserRepository; audit: AuditWriter };

export const LOGIN_TTL_MS = 12 * 3600_000;
const TOKEN_PREFIX = 'kairos_';

export type LoginResult =
  | { ok: true; sid: string; organiser: Organiser }
  /** Wrong email or password (the same answer for both). */
  | { ok: false; reason: 'invalid' }
  /** Too many failed attempts on this email: refused before the password is checked, whether the account exists or not. */
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export interface AuthOptions {
  /** scrypt cost (log2 N) of new and upgraded password hashes. */
  passwordHashCost?: number;
  accountLimit?: Partial<AccountLimitOptions>;
}

export class AuthService {
  private readonly hashCost: number;
  readonly accountLimit: AccountLoginLimiter;
  // A hash at today's cost, to spend the same time on unknown emails as on wrong passwords.
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    options: AuthOptions = {},
  ) {
    this.hashCost = options.passwordHashCost ?? DEFAULT_HASH_COST;
    this.accountLimit = new AccountLoginLimiter(clock, options.accountLimit);
  }

  /** Creates an organiser; `actor` (the command line, the first start's system…) is recorded in the audit log. */
  async createOrganiser(input: { email: string; name: string; password: string; role: Role; hubSlug?: string; language?: string; zone?: string }, actor: AuditActor = SYSTEM_ACTOR): Promise<Organiser> {
    const email = input.email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new AppError('email_invalid', 'not a valid email address', 400, 'email');
    if (input.password.length < 12) throw new AppError('password_short', 'the password must have at least 12 characters', 400, 'password');
    if (this.repos.organisers.credentials(email)) throw new AppError('email_taken', 'an organiser with this email exists', 409, 'email');
    let hubId: number | null = null;
    if (input.role === 'hub') {
      const hub = input.hubSlug ? this.repos.hubs.getBySlug(input.hubSlug) : undefined;
      if (!hub) throw new AppError('hub_unknown', `unknown hub "${input.hubSlug ?? ''}"`, 400, 'hub');
      hubId = hub.id;
    }
    const language = input.language ?? 'en';
    if (!isLanguage(language)) throw new AppError('language_invalid', 'unsupported language', 400, 'language');
    const zone = validateZone(input.zone ?? 'Europe/Athens');
    const passwordHash = await hashPassword(input.password, this.hashCost);
    return immediate(this.db, () => {
      const now = this.clock.now();
      const o = this.repos.organisers.insert({ email, name: input.name.trim() || email, passwordHash, role: input.role, hubId, language, zone }, now);
      this.repos.audit.record({ action: 'organiser.created', actor, subject: { type: 'organiser', id: o.id }, detail: { role: o.role, hub: o.hubId } }, now);
      return o;
    });
  }

  /**
   * Checks email + password; on success returns a new login session id (the cookie value). A hash
   * made with older parameters is replaced by one at today's cost. After too many failures on one
   * email within the window, attempts on it are refused without checking the password.
   */
  async login(email: string, password: string): Promise<LoginResult> {
    const lockedUntil = this.accountLimit.lockedUntil(email);
    if (lockedUntil !== undefined) {
      this.loginFailed(email, 'locked');
      return { ok: false, reason: 'locked', retryAfterMs: Math.max(0, lockedUntil - this.clock.now()) };
    }
    // Counted as a failure before the (slow) check and forgotten on success: attempts sent in
    // parallel cannot all pass the lock check before the first failure is recorded.
    this.accountLimit.recordFailure(email);
    const cred = this.repos.organisers.credentials(email.trim());
    if (!cred || cred.organiser.disabled) {
      this.dummyHash ??= hashPassword('not-a-real-password', this.hashCost);
      await verifyPassword(password, await this.dummyHash);
      this.loginFailed(email, 'invalid');
      return { ok: false, reason: 'invalid' };
    }
    if (!(await verifyPassword(password, cred.passwordHash))) {
      this.loginFailed(email, 'invalid');
      return { ok: false, reason: 'invalid' };
    }
    this.accountLimit.reset(email);
    if (needsRehash(cred.passwordHash, this.hashCost)) {
      this.repos.organisers.updatePassword(cred.organiser.id, await hashPassword(password, this.hashCost));
    }
    const sid = randomToken();
    const now = this.clock.now();
    immediate(this.db, () => {
      this.repos.organisers.createLogin(sha256(sid), cred.organiser.id, now, now + LOGIN_TTL_MS);
      this.repos.audit.record({ action: 'login.succeeded', actor: organiserActor(cred.organiser), subject: { type: 'organiser', id: cred.organiser.id } }, now);
    });
    return { ok: true, sid, organiser: cred.organiser };
  }

  /** A password hash at today's cost. */
  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.hashCost);
  }

  /** Whether `password` is the organiser's current password (a deactivated account has none). */
  async checkPassword(organiserId: number, password: string): Promise<boolean> {
    const o = this.repos.organisers.get(organiserId);
    const cred = o && this.repos.organisers.credentials(o.email);
    return cred !== undefined && !cred.organiser.disabled && (await verifyPassword(password, cred.passwordHash));
  }

  /** Signs an organiser in without a password (just made from an invitation): a new login session id. */
  startSession(organiserId: number): string {
    const sid = randomToken();
    const now = this.clock.now();
    this.repos.organisers.createLogin(sha256(sid), organiserId, now, now + LOGIN_TTL_MS);
    return sid;
  }

  /** The stored form of a login session id (to tell the current session from the others). */
  sessionHash(sid: string): string {
    return sha256(sid);
  }

  /**
   * A failed login in the audit log: the address typed is never kept; only when it belongs to an
   * organiser is that organiser named (by id), otherwise the entry says only that one failed, and when.
   */
  private loginFailed(email: string, reason: 'invalid' | 'locked'): void {
    const cred = this.repos.organisers.credentials(email.trim());
    this.repos.audit.record(
      { action: 'login.failed', actor: ANONYMOUS_ACTOR, subject: cred ? { type: 'organiser', id: cred.organiser.id } : undefined, detail: { reason } },
      this.clock.now(),
    );
  }

  organiserForSession(sid: string | undefined): Organiser | undefined {
    if (!sid) return undefined;
    const id = this.repos.organisers.loginOrganiser(sha256(sid), this.clock.now());
    const o = id === undefined ? undefined : this.repos.organisers.get(id);
    return o && !o.disabled ? o : undefined;
  }

  logout(sid: string | undefined): void {
    if (sid) this.repos.organisers.deleteLoginSession(sha256(sid));
  }

  /** Creates an API token; the clear value is returned once and only its hash is kept. `actor` is recorded in the audit log. */
  createToken(organiserId: number, name: string, scope: TokenScope = 'api', actor: AuditActor = SYSTEM_ACTOR): { token: string; id: number } {
    const clean = name.replace(/[\p{Cc}]/gu, '').trim().slice(0, 80);
    if (!clean) throw new AppError('name_required', 'give the token a name', 400, 'name');
    const token = TOKEN_PREFIX + randomToken();
    const id = immediate(this.db, () => {
      const now = this.clock.now();
      const tokenId = this.repos.organisers.createToken(organiserId, clean, sha256(token), token.slice(0, TOKEN_PREFIX.length + 6), now, scope);
      this.repos.audit.record({ action: 'token.created', actor, subject: { type: 'token', id: tokenId }, detail: { name: clean, scope, organiser: organiserId } }, now);
      return tokenId;
    });
    return { token, id };
  }

  organiserForToken(token: string | undefined, scope: TokenScope = 'api'): Organiser | undefined {
    return this.callerForToken(token, scope)?.organiser;
  }

  /** The organiser behind a live token of this scope, with the token's name (the audit log names the token as the actor). */
  callerForToken(token: string | undefined, scope: TokenScope = 'api'): { organiser: Organiser; tokenName: string } | undefined {
    if (!token || !token.startsWith(TOKEN_PREFIX)) return undefined;
    const owner = this.repos.organisers.tokenOwner(sha256(token), this.clock.now(), scope);
    const o = owner === undefined ? undefined : this.repos.organisers.get(owner.organiserId);
    return o && owner && !o.disabled ? { organiser: o, tokenName: owner.name } : undefined;
  }

  tokens(organiserId: number) {
    return this.repos.organisers.tokens(organiserId);
  }

  revokeToken(organiserId: number, tokenId: number, actor: AuditActor = SYSTEM_ACTOR): boolean {
    return immediate(this.db, () => {
      const now = this.clock.now();
      const revoked = this.repos.organisers.revokeToken(tokenId, organiserId, now);
      if (revoked) this.repos.audit.record({ action: 'token.revoked', actor, subject: { type: 'token', id: tokenId }, detail: { organiser: organiserId } }, now);
      return revoked;
    });
  }
}


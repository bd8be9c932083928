import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Repositories } from '../repositories/index.js';
import type { Organiser, Role } from '../repositories/organisers.js';
import { validateZone } from '../time/index.js';
import { isLanguage } from '../i18n/index.js';
import { hashPassword, randomToken, sha256, verifyPassword } from './crypto.js';

export const LOGIN_TTL_MS = 12 * 3600_000;
const TOKEN_PREFIX = 'kairos_';

// A fixed hash to spend the same time on unknown emails as on wrong passwords.
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  async createOrganiser(input: { email: string; name: string; password: string; role: Role; hubSlug?: string; language?: string; zone?: string }): Promise<Organiser> {
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
    return this.repos.organisers.insert(
      { email, name: input.name.trim() || email, passwordHash: await hashPassword(input.password), role: input.role, hubId, language, zone },
      this.clock.now(),
    );
  }

  /** Checks email + password; returns a new login session id (the cookie value) or null. */
  async login(email: string, password: string): Promise<{ sid: string; organiser: Organiser } | null> {
    const cred = this.repos.organisers.credentials(email.trim());
    if (!cred || cred.organiser.disabled) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verifyPassword(password, await dummyHash);
      return null;
    }
    if (!(await verifyPassword(password, cred.passwordHash))) return null;
    const sid = randomToken();
    const now = this.clock.now();
    this.repos.organisers.createLogin(sha256(sid), cred.organiser.id, now, now + LOGIN_TTL_MS);
    return { sid, organiser: cred.organiser };
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

  /** Creates an API token; the clear value is returned once and only its hash is kept. */
  createToken(organiserId: number, name: string): { token: string; id: number } {
    const clean = name.replace(/[\p{Cc}]/gu, '').trim().slice(0, 80);
    if (!clean) throw new AppError('name_required', 'give the token a name', 400, 'name');
    const token = TOKEN_PREFIX + randomToken();
    const id = this.repos.organisers.createToken(organiserId, clean, sha256(token), token.slice(0, TOKEN_PREFIX.length + 6), this.clock.now());
    return { token, id };
  }

  organiserForToken(token: string | undefined): Organiser | undefined {
    if (!token || !token.startsWith(TOKEN_PREFIX)) return undefined;
    const id = this.repos.organisers.tokenOrganiser(sha256(token), this.clock.now());
    const o = id === undefined ? undefined : this.repos.organisers.get(id);
    return o && !o.disabled ? o : undefined;
  }

  tokens(organiserId: number) {
    return this.repos.organisers.tokens(organiserId);
  }

  revokeToken(organiserId: number, tokenId: number): boolean {
    return this.repos.organisers.revokeToken(tokenId, organiserId, this.clock.now());
  }
}


/**
 * Organiser accounts in the browser: administrators invite people, change their role and hub,
 * deactivate and reactivate them; invited people choose a password from a single-use link;
 * organisers change their password and profile, or reset a forgotten password from a link; a hub's
 * organisers keep its details (names, coordinator, contact mailbox) current.
 *
 * Links: the token is an HMAC (server secret) of a random 128-bit nonce; the row keeps the nonce and
 * the token's SHA-256. An invitation is open for 7 days, a reset link for 1 hour; each works once.
 * Emails are queued in the outbox in the same transaction as the row they are about, and each change
 * is recorded in the audit log in that transaction too (never with an email address: an invitation
 * is named by its id, role and hub; a reset asked for names the account, never the address typed).
 */
import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { AppError, FieldErrors, notFound } from '../../core/errors.js';
import { assertCanEditHub, assertCanGlobal, type Actor } from '../../core/access/index.js';
import { ANONYMOUS_ACTOR, organiserActor, type AuditActor, type AuditWriter } from '../../core/audit/index.js';
import { isLanguage } from '../../core/i18n/index.js';
import { enqueue, validateEmailAddress } from '../../core/outbox/index.js';
import { randomToken, sha256 } from '../../core/crypto.js';
import { validateZone } from '../../core/time/index.js';
import type { Hub, HubRepository } from '../sessions/index.js';
import type { AccountRepository, Invitation, PasswordReset } from './accounts-repository.js';
import { ACCOUNT_EMAIL, ACCOUNT_TOKEN_RE, INVITATION_TTL_MS, RESET_TTL_MS, accountLinkToken, type LinkState } from './account-links.js';
import type { Organiser, OrganiserRepository, Role } from './repository.js';
import type { AuthService } from './service.js';

type Repositories = { hubs: HubRepository; organisers: OrganiserRepository; accounts: AccountRepository; audit: AuditWriter };

/** Reset emails sent to one organiser per hour at most; further requests are answered the same way and send nothing. */
export const RESETS_PER_ACCOUNT_PER_HOUR = 3;
export const MIN_PASSWORD_LENGTH = 12;
/** Organisers on one page of the people list. */
export const PEOPLE_PAGE_SIZE = 50;
const MAX_PASSWORD_LENGTH = 1000;

export interface InviteInput {
  name?: string;
  email?: string;
  role?: string;
  hubId?: string;
  language?: string;
}

/** A hub's details as the form names them (the audit log lists which changed). */
const HUB_DETAILS = ['name', 'fullName', 'coordinator', 'contactEmail'] as const;

export interface HubDetailsInput {
  name?: string;
  fullName?: string;
  coordinator?: string;
  contactEmail?: string;
}

export interface ProfileInput {
  name?: string;
  language?: string;
  zone?: string;
}

/** One line of text as typed: control characters removed, trimmed, cut to `max`. */
const line = (v: unknown, max = 200): string =>
  typeof v === 'string'
    ? v
        .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
        .trim()
        .slice(0, max)
    : '';

export class AccountService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly secret: string,
    private readonly auth: AuthService,
  ) {}

  // ---------------------------------------------------------------- people (administrators)

  /** One page (from 1) of the organisers, `PEOPLE_PAGE_SIZE` at a time, and the invitations still open. */
  people(actor: Actor, page = 1): { organisers: Organiser[]; more: boolean; invitations: Invitation[] } {
    assertCanGlobal(actor, 'organisers.manage');
    const { items, more } = this.repos.organisers.page(PEOPLE_PAGE_SIZE, (page - 1) * PEOPLE_PAGE_SIZE);
    return { organisers: items, more, invitations: this.repos.accounts.openInvitationList() };
  }

  /** The page of the people list on which this organiser is shown. */
  pageOf(actor: Actor, organiserId: number): number {
    assertCanGlobal(actor, 'organisers.manage');
    return Math.floor(this.repos.organisers.rank(organiserId) / PEOPLE_PAGE_SIZE) + 1;
  }

  /** Invites a person by email: the invitation row, its email and the audit entry, in one transaction. */
  invite(actor: Actor & { id: number; zone: string }, input: InviteInput, by: AuditActor): Invitation {
    assertCanGlobal(actor, 'organisers.manage');
    const errs = new FieldErrors();
    const name = line(input.name);
    if (!name) errs.add('name', 'person_name_required', 'give the name of the person');
    const email = errs.catch('email', () => validateEmailAddress(input.email ?? '', 'email'));
    if (email !== undefined && this.repos.organisers.credentials(email)) errs.add('email', 'email_taken', 'an organiser with this email exists');
    const role = this.role(errs, input.role);
    const hub = role === 'hub' ? this.hub(errs, input.hubId) : undefined;
    const language = input.language ?? '';
    if (!isLanguage(language)) errs.add('language', 'language_invalid', 'unsupported language');
    errs.throwIfAny();
    const now = this.clock.now();
    const nonce = randomToken(16);
    const inv = {
      email: email ?? '',
      name,
      role: role ?? 'hub',
      hubId: hub?.id ?? null,
      language,
      zone: hub?.zone ?? actor.zone,
      tokenNonce: nonce,
      tokenHash: sha256(accountLinkToken(this.secret, 'invitation', nonce)),
      invitedBy: actor.id,
      createdAt: now,
      expiresAt: now + INVITATION_TTL_MS,
    };
    return this.db.transaction(() => {
      // A new invitation to the same address replaces any still open.
      const replaced = this.repos.accounts.withdrawInvitationsTo(inv.email, now);
      const created = this.repos.accounts.addInvitation(inv);
      for (const old of replaced) {
        this.repos.audit.record({ action: 'invitation.withdrawn', actor: by, detail: { invitation: old.id, role: old.role, hub: old.hubId, replacedBy: created.id } }, now);
      }
      // Who will use it is not known yet: the entry names the invitation, its role and hub.
      this.repos.audit.record({ action: 'organiser.invited', actor: by, detail: { invitation: created.id, role: created.role, hub: created.hubId } }, now);
      enqueue(
        this.db,
        {
          kind: ACCOUNT_EMAIL.invitation,
          dedupeKey: `invitation:${created.id}`,
          to: { email: created.email, name: created.name },
          language: created.language,
          zone: created.zone,
          payload: { invitationId: created.id },
          deadline: created.expiresAt,
        },
        this.clock,
      );
      return created;
    })();
  }

  withdrawInvitation(actor: Actor, id: number, by: AuditActor): void {
    assertCanGlobal(actor, 'organisers.manage');
    this.db.transaction(() => {
      const now = this.clock.now();
      const inv = this.repos.accounts.invitation(id);
      if (!inv || !this.repos.accounts.withdrawInvitation(id, now)) throw notFound('invitation');
      this.repos.audit.record({ action: 'invitation.withdrawn', actor: by, detail: { invitation: inv.id, role: inv.role, hub: inv.hubId } }, now);
    })();
  }

  /** Changes a person's role and hub; the last active administrator stays one. */
  changeRole(actor: Actor, organiserId: number, input: { role?: string; hubId?: string }, by: AuditActor): Organiser {
    assertCanGlobal(actor, 'organisers.manage');
    const target = this.repos.organisers.get(organiserId);
    if (!target) throw notFound('organiser');
    const errs = new FieldErrors();
    const role = this.role(errs, input.role);
    const hub = role === 'hub' ? this.hub(errs, input.hubId) : undefined;
    errs.throwIfAny();
    return this.db.transaction(() => {
      if (target.role === 'admin' && role === 'hub' && !target.disabled && this.repos.organisers.activeAdminCount() <= 1) {
        throw new AppError('last_admin', 'the last active administrator stays an administrator', 409, 'role');
      }
      const after = { role: role ?? 'hub', hubId: hub?.id ?? null };
      this.repos.organisers.setRole(target.id, after.role, after.hubId);
      if (after.role !== target.role || after.hubId !== target.hubId) {
        this.repos.audit.record(
          {
            action: 'organiser.changed',
            actor: by,
            subject: { type: 'organiser', id: target.id },
            detail: { roleBefore: target.role, hubBefore: target.hubId, roleAfter: after.role, hubAfter: after.hubId },
          },
          this.clock.now(),
        );
      }
      return this.repos.organisers.get(target.id) ?? target;
    })();
  }

  /** Deactivates an account: its login sessions end and its API tokens are revoked. */
  deactivate(actor: Actor & { id: number }, organiserId: number, by: AuditActor): void {
    assertCanGlobal(actor, 'organisers.manage');
    const target = this.repos.organisers.get(organiserId);
    if (!target) throw notFound('organiser');
    if (target.id === actor.id) throw new AppError('self_deactivate', 'an administrator cannot deactivate themself', 409, 'form');
    if (target.disabled) return;
    this.db.transaction(() => {
      if (target.role === 'admin' && this.repos.organisers.activeAdminCount() <= 1) {
        throw new AppError('last_admin', 'the last active administrator cannot be deactivated', 409, 'form');
      }
      const now = this.clock.now();
      this.repos.organisers.setDisabled(target.id, now);
      this.repos.organisers.endLogins(target.id);
      this.repos.organisers.revokeAllTokens(target.id, now);
      this.repos.accounts.voidResetsOf(target.id, now);
      this.repos.audit.record({ action: 'organiser.deactivated', actor: by, subject: { type: 'organiser', id: target.id } }, now);
    })();
  }

  reactivate(actor: Actor, organiserId: number, by: AuditActor): void {
    assertCanGlobal(actor, 'organisers.manage');
    const target = this.repos.organisers.get(organiserId);
    if (!target) throw notFound('organiser');
    if (!target.disabled) return;
    this.db.transaction(() => {
      this.repos.organisers.setDisabled(target.id, null);
      this.repos.audit.record({ action: 'organiser.reactivated', actor: by, subject: { type: 'organiser', id: target.id } }, this.clock.now());
    })();
  }

  // ---------------------------------------------------------------- invitation links

  invitationState(token: string): LinkState<Invitation> {
    const inv = ACCOUNT_TOKEN_RE.test(token) ? this.repos.accounts.invitationByTokenHash(sha256(token)) : undefined;
    if (!inv) return { ok: false, problem: 'unknown' };
    if (inv.usedAt !== null) return { ok: false, problem: 'used' };
    if (inv.withdrawnAt !== null) return { ok: false, problem: 'withdrawn' };
    if (inv.expiresAt <= this.clock.now()) return { ok: false, problem: 'expired' };
    if (this.repos.organisers.credentials(inv.email)) return { ok: false, problem: 'taken' };
    return { ok: true, row: inv };
  }

  /**
   * Makes the account of an open invitation with the chosen password, marks the invitation used and
   * signs the person in: the new login session id. A link that no longer opens throws 410 with the reason.
   */
  async acceptInvitation(token: string, password: string, confirm: string): Promise<{ organiser: Organiser; sid: string }> {
    const state = this.invitationState(token);
    if (!state.ok) throw new AppError('link_closed', state.problem, 410, undefined, { problem: state.problem });
    checkNewPassword(password, confirm);
    const hash = await this.auth.hashPassword(password);
    const organiser = this.db.transaction(() => {
      // Looked at again after the (slow) hash: a second post of the same form finds it used.
      const again = this.invitationState(token);
      if (!again.ok) throw new AppError('link_closed', again.problem, 410, undefined, { problem: again.problem });
      const inv = again.row;
      const now = this.clock.now();
      const o = this.repos.organisers.insert({ email: inv.email, name: inv.name, passwordHash: hash, role: inv.role, hubId: inv.hubId, language: inv.language, zone: inv.zone }, now);
      this.repos.accounts.markInvitationUsed(inv.id, o.id, now);
      // Made by the person themself, from the invitation.
      this.repos.audit.record({ action: 'organiser.created', actor: organiserActor(o), subject: { type: 'organiser', id: o.id }, detail: { role: o.role, hub: o.hubId, invitation: inv.id } }, now);
      return o;
    })();
    return { organiser, sid: this.auth.startSession(organiser.id) };
  }

  // ---------------------------------------------------------------- own account

  updateProfile(organiser: Organiser, input: ProfileInput): Organiser {
    const errs = new FieldErrors();
    const name = line(input.name);
    if (!name) errs.add('name', 'person_name_required', 'give your name');
    const language = input.language ?? '';
    if (!isLanguage(language)) errs.add('language', 'language_invalid', 'unsupported language');
    const zone = errs.catch('zone', () => validateZone(input.zone ?? '', 'zone'));
    errs.throwIfAny();
    this.repos.organisers.setProfile(organiser.id, { name, language, zone: zone ?? organiser.zone });
    return this.repos.organisers.get(organiser.id) ?? organiser;
  }

  /** Changes the password; every other login session of the organiser ends (`currentSid` stays). `by` is the organiser (the route's actor). */
  async changePassword(organiser: Organiser, currentSid: string | undefined, input: { current?: string; password?: string; confirm?: string }, by: AuditActor): Promise<void> {
    const current = (input.current ?? '').slice(0, MAX_PASSWORD_LENGTH);
    if (!current || !(await this.auth.checkPassword(organiser.id, current))) {
      throw new AppError('password_wrong', 'the current password is not correct', 400, 'current');
    }
    const password = input.password ?? '';
    checkNewPassword(password, input.confirm ?? '');
    const hash = await this.auth.hashPassword(password);
    this.db.transaction(() => {
      this.repos.organisers.updatePassword(organiser.id, hash);
      if (currentSid) this.repos.organisers.endLogins(organiser.id, this.auth.sessionHash(currentSid));
      else this.repos.organisers.endLogins(organiser.id);
      const now = this.clock.now();
      this.repos.accounts.voidResetsOf(organiser.id, now);
      this.repos.audit.record({ action: 'password.changed', actor: by, subject: { type: 'organiser', id: organiser.id } }, now);
    })();
  }

  // ---------------------------------------------------------------- password reset

  /**
   * A reset link for an address, if an active organiser has it and has not asked too often lately.
   * The caller answers the same way whatever happened here; nothing tells whether the address exists.
   * When the address is an organiser's, the audit log says that a link was asked for that account
   * (by nobody known) and whether one was sent; an address of nobody leaves no trace. Something that
   * is not an email address at all (nothing typed, say) is an AppError naming `email`: that tells
   * nothing about any account, and the person learns that nothing was sent.
   */
  requestReset(emailTyped: string): void {
    // The token is made either way, so both answers cost about the same.
    const nonce = randomToken(16);
    const tokenHash = sha256(accountLinkToken(this.secret, 'password-reset', nonce));
    const email = validateEmailAddress(emailTyped, 'email');
    const cred = this.repos.organisers.credentials(email);
    if (!cred) return;
    const o = cred.organiser;
    const now = this.clock.now();
    const asked = (detail: { sent: boolean; reason?: 'deactivated' | 'limit' }) =>
      this.repos.audit.record({ action: 'password.resetRequested', actor: ANONYMOUS_ACTOR, subject: { type: 'organiser', id: o.id }, detail }, now);
    this.db.transaction(() => {
      if (o.disabled) {
        asked({ sent: false, reason: 'deactivated' });
        return;
      }
      if (this.repos.accounts.resetsAskedSince(o.id, now - 3_600_000) >= RESETS_PER_ACCOUNT_PER_HOUR) {
        asked({ sent: false, reason: 'limit' });
        return;
      }
      const reset = this.repos.accounts.addReset(o.id, nonce, tokenHash, now, now + RESET_TTL_MS);
      asked({ sent: true });
      enqueue(
        this.db,
        {
          kind: ACCOUNT_EMAIL.passwordReset,
          dedupeKey: `password-reset:${reset.id}`,
          to: { email: o.email, name: o.name },
          language: o.language,
          zone: o.zone,
          payload: { resetId: reset.id },
          deadline: reset.expiresAt,
        },
        this.clock,
      );
    })();
  }

  resetState(token: string): LinkState<PasswordReset> {
    const r = ACCOUNT_TOKEN_RE.test(token) ? this.repos.accounts.resetByTokenHash(sha256(token)) : undefined;
    const o = r && this.repos.organisers.get(r.organiserId);
    if (!r || !o) return { ok: false, problem: 'unknown' };
    if (r.usedAt !== null) return { ok: false, problem: 'used' };
    if (o.disabled) return { ok: false, problem: 'withdrawn' };
    if (r.expiresAt <= this.clock.now()) return { ok: false, problem: 'expired' };
    return { ok: true, row: r };
  }

  /**
   * Sets the new password from a reset link: the link and every other unused one of the person are
   * spent, every login session ends. The audit log names the person as the actor (the link was theirs).
   */
  async resetPassword(token: string, password: string, confirm: string): Promise<void> {
    const state = this.resetState(token);
    if (!state.ok) throw new AppError('link_closed', state.problem, 410, undefined, { problem: state.problem });
    checkNewPassword(password, confirm);
    const hash = await this.auth.hashPassword(password);
    this.db.transaction(() => {
      const again = this.resetState(token);
      if (!again.ok) throw new AppError('link_closed', again.problem, 410, undefined, { problem: again.problem });
      const now = this.clock.now();
      this.repos.organisers.updatePassword(again.row.organiserId, hash);
      this.repos.accounts.markResetUsed(again.row.id, now);
      this.repos.accounts.voidResetsOf(again.row.organiserId, now);
      this.repos.organisers.endLogins(again.row.organiserId);
      const o = this.repos.organisers.get(again.row.organiserId);
      if (o) this.repos.audit.record({ action: 'password.reset', actor: organiserActor(o), subject: { type: 'organiser', id: o.id } }, now);
    })();
  }

  // ---------------------------------------------------------------- hub details

  hubs(): Hub[] {
    return this.repos.hubs.list();
  }

  hubBySlug(slug: string): Hub {
    const hub = this.repos.hubs.getBySlug(slug);
    if (!hub) throw notFound('hub');
    return hub;
  }

  /** Changes a hub's details; the audit log says which fields changed, under the hub (its organisers see it). */
  updateHub(actor: Actor, slug: string, input: HubDetailsInput, by: AuditActor): Hub {
    const hub = this.hubBySlug(slug);
    assertCanEditHub(actor, hub.id);
    const errs = new FieldErrors();
    const name = line(input.name, 100);
    if (!name) errs.add('name', 'hub_name_required', 'give the hub a name');
    const contactEmail = errs.catch('contactEmail', () => validateEmailAddress(input.contactEmail ?? '', 'contactEmail'));
    errs.throwIfAny();
    const details = { name, fullName: line(input.fullName, 300) || null, coordinator: line(input.coordinator) || null, contactEmail: contactEmail ?? hub.contactEmail };
    const fields = HUB_DETAILS.filter((f) => details[f] !== hub[f]);
    this.db.transaction(() => {
      this.repos.hubs.updateDetails(hub.id, details);
      if (fields.length) this.repos.audit.record({ action: 'hub.changed', actor: by, hubId: hub.id, subject: { type: 'hub', id: hub.id }, detail: { fields } }, this.clock.now());
    })();
    return this.hubBySlug(slug);
  }

  // ---------------------------------------------------------------- helpers

  private role(errs: FieldErrors, role: string | undefined): Role | undefined {
    if (role === 'admin' || role === 'hub') return role;
    errs.add('role', 'role_invalid', 'choose administrator or hub organiser');
    return undefined;
  }

  private hub(errs: FieldErrors, hubId: string | undefined): Hub | undefined {
    const id = Number(hubId);
    const hub = hubId && Number.isSafeInteger(id) ? this.repos.hubs.get(id) : undefined;
    if (!hub) errs.add('hubId', 'hub_unknown', 'choose the hub');
    return hub;
  }
}

/** A new password: at least 12 characters, typed the same twice. */
function checkNewPassword(password: string, confirm: string): void {
  const errs = new FieldErrors();
  if (password.length < MIN_PASSWORD_LENGTH) errs.add('password', 'password_short', 'the password must have at least 12 characters');
  else if (password.length > MAX_PASSWORD_LENGTH) errs.add('password', 'password_long', 'the password is too long');
  else if (password !== confirm) errs.add('confirm', 'password_mismatch', 'the two passwords differ');
  errs.throwIfAny();
}

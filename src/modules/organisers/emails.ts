/**
 * Emails of organiser accounts, in the recipient's language with the link's expiry in the
 * recipient's zone (named):
 *
 * - 'organiser.invitation': the single-use link to choose a password, in the invitation's language
 *   and zone. Withdrawn at send time if the invitation was withdrawn, used or has expired.
 * - 'organiser.password-reset': the single-use link to set a new password, in the organiser's
 *   language and zone. Withdrawn if the link was used or voided, or the account deactivated.
 *
 * Payload: the row's id only. The link is derived from the row's nonce with the server secret, and
 * is checked against the stored hash before it goes out; the copy the outbox keeps has a marker in
 * its place.
 */
import type { DB } from '../../core/db/open.js';
import { t } from '../../core/i18n/index.js';
import { renderLayout, type EmailKindRegistry, type EmailRenderer, type RenderContext, type RenderedEmail } from '../../core/outbox/index.js';
import { sha256 } from '../../core/crypto.js';
import { secretOf } from '../../core/secret.js';
import { formatInZone } from '../../core/time/index.js';
import { greeting, hubRepository } from '../sessions/index.js';
import { accountRepository } from './accounts-repository.js';
import { ACCOUNT_EMAIL, accountLinkToken, invitationUrl, resetUrl, type LinkPurpose } from './account-links.js';
import { organiserRepository } from './repository.js';

export interface InvitationPayload {
  invitationId: number;
}

export interface PasswordResetPayload {
  resetId: number;
}

/** The link's token, derived as the server derives it; refuses to send a link that would not open. */
function tokenFor(ctx: RenderContext<unknown>, purpose: LinkPurpose, nonce: string, storedHash: (hash: string) => boolean): string {
  const token = accountLinkToken(secretOf(ctx.db, ctx.config), purpose, nonce);
  if (!storedHash(sha256(token))) throw new Error('the link does not match: the sender uses another SESSION_SECRET than the server');
  return token;
}

const reposOf = (db: DB) => ({ accounts: accountRepository(db), organisers: organiserRepository(db), hubs: hubRepository(db) });

function footer(lang: string): string[] {
  return [t(lang, 'account.email.footer')];
}

/** A personal link by email: what it is for, the button, until when it works (in the recipient's zone), a note. */
function linkEmail(ctx: RenderContext<unknown>, token: string, m: { subject: string; intro: string; href: string; button: string; expiresAt: number; note: string }): RenderedEmail {
  const lang = ctx.row.language;
  const { html, text } = renderLayout({
    lang,
    subject: m.subject,
    greeting: greeting(lang, ctx.row.recipient_name),
    blocks: [
      { type: 'paragraph', text: m.intro },
      { type: 'button', href: m.href, label: m.button },
      { type: 'paragraph', text: t(lang, 'account.email.expires', { time: formatInZone(m.expiresAt, ctx.row.zone, lang) }) },
      { type: 'paragraph', text: m.note },
    ],
    signoff: t(lang, 'email.signoff'),
    footer: footer(lang),
  });
  return { subject: m.subject, text, html, personalTokens: [token] };
}

const invitationRenderer: EmailRenderer<InvitationPayload> = (ctx) => {
  const r = reposOf(ctx.db);
  const inv = r.accounts.invitation(Number(ctx.payload?.invitationId));
  if (!inv) return { withdraw: 'invitation no longer exists' };
  if (inv.withdrawnAt !== null) return { withdraw: 'invitation withdrawn' };
  if (inv.usedAt !== null) return { withdraw: 'invitation already used' };
  if (inv.expiresAt <= ctx.clock.now()) return { withdraw: 'invitation expired' };
  const token = tokenFor(ctx, 'invitation', inv.tokenNonce, (h) => r.accounts.invitationByTokenHash(h)?.id === inv.id);
  const lang = ctx.row.language;
  const hub = inv.hubId === null ? undefined : r.hubs.get(inv.hubId);
  const role = hub ? t(lang, 'org.role.hub', { hub: hub.name }) : t(lang, 'org.role.admin');
  return linkEmail(ctx, token, {
    subject: t(lang, 'account.email.invite.subject'),
    intro: t(lang, 'account.email.invite.intro', { role }),
    href: invitationUrl(ctx.config.publicUrl, token),
    button: t(lang, 'account.email.invite.button'),
    expiresAt: inv.expiresAt,
    note: t(lang, 'account.email.invite.once'),
  });
};

const resetRenderer: EmailRenderer<PasswordResetPayload> = (ctx) => {
  const r = reposOf(ctx.db);
  const reset = r.accounts.reset(Number(ctx.payload?.resetId));
  const o = reset && r.organisers.get(reset.organiserId);
  if (!reset || !o) return { withdraw: 'reset link no longer exists' };
  if (reset.usedAt !== null) return { withdraw: 'reset link used or voided' };
  if (o.disabled) return { withdraw: 'account deactivated' };
  if (reset.expiresAt <= ctx.clock.now()) return { withdraw: 'reset link expired' };
  const token = tokenFor(ctx, 'password-reset', reset.tokenNonce, (h) => r.accounts.resetByTokenHash(h)?.id === reset.id);
  const lang = ctx.row.language;
  return linkEmail(ctx, token, {
    subject: t(lang, 'account.email.reset.subject'),
    intro: t(lang, 'account.email.reset.intro'),
    href: resetUrl(ctx.config.publicUrl, token),
    button: t(lang, 'account.email.reset.button'),
    expiresAt: reset.expiresAt,
    note: t(lang, 'account.email.reset.ignore'),
  });
};

export function registerAccountEmailKinds(registry: EmailKindRegistry): void {
  if (!registry.has(ACCOUNT_EMAIL.invitation)) registry.register(ACCOUNT_EMAIL.invitation, invitationRenderer);
  if (!registry.has(ACCOUNT_EMAIL.passwordReset)) registry.register(ACCOUNT_EMAIL.passwordReset, resetRenderer);
}

/**
 * The personal links of organiser accounts: an invitation to choose a password (open 7 days) and a
 * password reset (open 1 hour). The token is an HMAC (server secret) of the row's random nonce, so
 * only the token's SHA-256 is stored; the emails that carry them and the pages they open share these.
 */
import { createHmac } from 'node:crypto';

export const INVITATION_TTL_MS = 7 * 86_400_000;
export const RESET_TTL_MS = 3_600_000;

export const ACCOUNT_EMAIL = {
  invitation: 'organiser.invitation',
  passwordReset: 'organiser.password-reset',
} as const;

/** A personal link's token: 256 bits, base64url (43 characters). */
export const ACCOUNT_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export type LinkPurpose = 'invitation' | 'password-reset';

/** The token of a link, derived from its row's nonce with the server secret (so only its hash is stored). */
export function accountLinkToken(secret: string, purpose: LinkPurpose, nonce: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${nonce}`).digest('base64url');
}

export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/invitations/${token}`;
}

export function resetUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/password/reset/${token}`;
}

/** Why a link does not open: used, withdrawn (or voided), expired, unknown, or its address already has an account. */
export type LinkProblem = 'used' | 'withdrawn' | 'expired' | 'unknown' | 'taken';

export type LinkState<T> = { ok: true; row: T } | { ok: false; problem: LinkProblem };

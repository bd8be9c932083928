/**
 * Personal tokens, derived rather than stored: each registration keeps a random nonce and the
 * SHA-256 of its manage token; the tokens themselves are HMACs of the nonce under the server
 * secret, so emails rendered later (reminders, follow-ups) can carry them without the database
 * ever holding one, and a new nonce (erasure, re-registration) voids every old link. The secret is
 * kept outside the database (core/secret.ts), and stored copies of sent mail hold a marker instead of
 * each personal link (core/outbox/redact.ts): nothing in the database file lets anyone rebuild a link.
 */
import { createHmac } from 'node:crypto';
import { returnToken } from '../../core/reply-address.js';

/** The personal manage token of a registration (256 bits, base64url). */
export function manageToken(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`registration:${nonce}`).digest('base64url');
}

/** The personal join token `<id>.<mac>` (192-bit MAC). */
export function joinToken(secret: string, id: number, nonce: string): string {
  return `${id}.${joinMac(secret, id, nonce)}`;
}

export function joinMac(secret: string, id: number, nonce: string): string {
  return createHmac('sha256', secret).update(`join:${id}:${nonce}`).digest('base64url').slice(0, 32);
}

/**
 * The token of a registration's reply address (`rsvp+<token>@…`, see core/reply-address.ts):
 * bound to its nonce, so erasure or a new registration voids it like every other personal link.
 */
export function replyToken(secret: string, id: number, nonce: string): string {
  return returnToken(secret, 'reply', id, nonce);
}

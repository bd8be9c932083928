/**
 * Plus-addresses that bring mail back: the reply address of a registration
 * (`rsvp+<id>-<mac>@domain`, the ORGANIZER and Reply-To of its invites) and the bounce address of
 * an outbox message (`bounce+<id>-<mac>@domain`, the SMTP envelope sender, VERP). The MAC is an
 * HMAC under the server secret (core/secret.ts), 128 bits in lower-case hex so that a mail server
 * that lower-cases local parts keeps it intact; nothing of it is stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MailboxParts } from './config.js';

export type ReturnPurpose = 'reply' | 'bounce';

const MAC_HEX = 32;

/** `<id>-<mac>` for a purpose; `extra` binds the token to more than the id (a registration's nonce). */
export function returnToken(secret: string, purpose: ReturnPurpose, id: number, extra = ''): string {
  return `${id}-${mac(secret, purpose, id, extra)}`;
}

function mac(secret: string, purpose: ReturnPurpose, id: number, extra: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${id}:${extra}`).digest('hex').slice(0, MAC_HEX);
}

/** Whether `token` is the token of (purpose, id, extra). Constant time. */
export function returnTokenMatches(secret: string, purpose: ReturnPurpose, token: string, id: number, extra = ''): boolean {
  const want = Buffer.from(returnToken(secret, purpose, id, extra));
  const got = Buffer.from(token.toLowerCase());
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The id a token claims (to look up what to check it against), or null when it has not the shape. */
export function tokenId(token: string): number | null {
  const m = /^(\d{1,15})-([0-9a-f]+)$/i.exec(token);
  if (!m || m[2]?.length !== MAC_HEX) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function plusAddress(box: MailboxParts, token: string): string {
  return `${box.local}+${token}@${box.domain}`;
}

/** The bounce (envelope sender) address of an outbox message. */
export function bounceAddressFor(secret: string, box: MailboxParts, outboxId: number): string {
  return plusAddress(box, returnToken(secret, 'bounce', outboxId));
}

/**
 * Which of our return addresses `address` is, and its token: `{ purpose, token }`, or null when
 * it is none of them (another local part, another domain, no token).
 */
export function returnAddressOf(address: string, boxes: { reply?: MailboxParts | undefined; bounce?: MailboxParts | undefined }): { purpose: ReturnPurpose; token: string } | null {
  const a = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 1) return null;
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus < 1) return null;
  const base = local.slice(0, plus);
  const token = local.slice(plus + 1);
  for (const purpose of ['reply', 'bounce'] as const) {
    const box = boxes[purpose];
    if (box && box.local === base && box.domain === domain && token) return { purpose, token };
  }
  return null;
}

/** The address inside a From-style header value: 'Kairos <no-reply@x>' → 'no-reply@x'. */
export function addressOf(mailbox: string): string {
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(mailbox);
  return (m?.[1] ?? mailbox).trim();
}

/**
 * The fixed rules of date polls, shared by the service, the routes and the email renderers: limits,
 * email kinds and their dedupe keys, the voter's personal token and links, and whether a poll is open.
 */
import { createHmac } from 'node:crypto';
import { isLanguage } from '../../core/i18n/index.js';
import type { Session } from '../sessions/index.js';
import type { Poll, PollClosedReason } from './repository.js';

export const POLL_EMAIL = {
  invite: 'poll.invite',
  reminder: 'poll.reminder',
  registerInvite: 'poll.register-invite',
} as const;

export const DEFAULT_REMINDER_HOURS = 48;
export const MAX_SLOTS = 40;
export const SUGGEST_MAX_DAYS = 31;
export const SUGGEST_STEP_MINUTES = 30;

/** A voter's personal token: an HMAC of the voter's random nonce (128 bits), so only its hash is stored. */
export function pollVoterToken(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`poll-voter:${nonce}`).digest('base64url');
}

export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function voteUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/poll/${token}`;
}

/** Address of the session page a voter is sent to once the date is fixed: no personal data in it. */
export function registerUrl(publicUrl: string, sessionId: number, lang?: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/sessions/${sessionId}?from=poll${lang && isLanguage(lang) ? `&lang=${lang}` : ''}`;
}

export const pollDedupe = {
  prefix: (pollId: number) => `poll:${pollId}:`,
  invite: (pollId: number, voterId?: number) => `poll:${pollId}:invite:${voterId ?? ''}`,
  reminder: (pollId: number, voterId?: number) => `poll:${pollId}:reminder:${voterId ?? ''}`,
  registerInvite: (pollId: number, voterId?: number) => `poll:${pollId}:register-invite:${voterId ?? ''}`,
  /** Every email one voter can get (for their data export and erasure). */
  voter: (pollId: number, voterId: number) => [pollDedupe.invite(pollId, voterId), pollDedupe.reminder(pollId, voterId), pollDedupe.registerInvite(pollId, voterId)],
};

export type PollClosedBecause = PollClosedReason | 'deadline';

export interface PollState {
  open: boolean;
  /** Why it is closed (null while open). */
  reason: PollClosedBecause | null;
}

/**
 * Whether a poll takes answers now. A passed deadline or a session that is no longer tentative closes
 * it in effect, without anything being written.
 */
export function pollState(poll: Poll, session: Pick<Session, 'status'> | undefined, now: number): PollState {
  if (poll.status === 'closed') return { open: false, reason: poll.closedReason ?? 'manual' };
  if (!session || session.status !== 'tentative') return { open: false, reason: 'session' };
  if (poll.deadlineUtc !== null && now >= poll.deadlineUtc) return { open: false, reason: 'deadline' };
  return { open: true, reason: null };
}

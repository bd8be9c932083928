/** Types shared by the outbox, the renderers, the transports and the dispatcher. */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DB } from '../db/open.js';

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed', 'expired', 'withdrawn'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One outbox row as stored (snake_case, straight from SQLite). */
export interface OutboxRow {
  id: number;
  kind: string;
  dedupe_key: string;
  recipient_email: string;
  recipient_name: string;
  language: string;
  zone: string;
  session_id: number | null;
  registration_id: number | null;
  payload: string;
  message_id: string | null;
  status: OutboxStatus;
  attempts: number;
  not_before: number;
  deadline: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  last_error_code: string | null;
  last_attempt_at: number | null;
  sent_at: number | null;
  transport: string | null;
  smtp_response: string | null;
  withdrawn_reason: string | null;
  created_at: number;
  updated_at: number;
  rendered_subject: string | null;
  rendered_text: string | null;
  rendered_html: string | null;
  rendered_ical: string | null;
  rendered_ical_method: string | null;
}

/** What a caller hands to `enqueue`. */
export interface EnqueueInput {
  /** A registered email kind, e.g. 'notice', 'confirmation', 'reminder'. */
  kind: string;
  /** Unique per (recipient record, kind), e.g. 'registration:42:reminder:PT1H'. A second enqueue with it is ignored. */
  dedupeKey: string;
  to: { email: string; name?: string | null };
  /** The recipient's language (en, el, ro, ...). */
  language: string;
  /** The recipient's IANA zone. */
  zone: string;
  sessionId?: number | null;
  registrationId?: number | null;
  /** JSON-serialisable data for the renderer. Keep secrets (tokens) out unless the email must carry them. */
  payload?: unknown;
  /** Not sent before this instant (default: now). */
  notBefore?: number;
  /** Never sent at or after this instant (e.g. the session start for a reminder). */
  deadline?: number | null;
}

/** Everything a renderer may use. */
export interface RenderContext<P = unknown> {
  row: OutboxRow;
  payload: P;
  db: DB;
  config: EmailConfig;
  clock: Clock;
}

export type IcalMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /**
   * A calendar object carried the iMIP way: a text/calendar; method=... alternative and the same bytes
   * attached as an .ics file typed text/calendar (see transport.ts).
   */
  icalEvent?: { method: IcalMethod; content: string; filename?: string };
  /** Extra headers (e.g. List-Unsubscribe). Values with line breaks are refused. */
  headers?: Record<string, string>;
  /**
   * The personal tokens this email carries (manage, join, poll...). They go out in the message but
   * never into the copy the outbox keeps: there each is replaced by a marker (see redact.ts).
   */
  personalTokens?: string[];
}

/** A renderer may decline to send (the reason is recorded and the row withdrawn), e.g. a reminder for a cancelled session. */
export interface WithdrawDecision {
  withdraw: string;
}

export type EmailRenderer<P = unknown> = (ctx: RenderContext<P>) => RenderedEmail | WithdrawDecision | Promise<RenderedEmail | WithdrawDecision>;

/** The parts of Config the email module reads. */
export type EmailConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl' | 'dispatcherIntervalMs'> &
  Partial<Pick<Config, 'smtpConnectionTimeoutMs' | 'smtpSocketTimeoutMs'>> &
  /** Where the server secret comes from (personal links in emails are derived from it). */
  Partial<Pick<Config, 'sessionSecret' | 'secretKeyFile'>> &
  /** Reply and bounce addresses (plus-addressed per registration / per message), when replies are received. */
  Partial<Pick<Config, 'replyAddress' | 'bounceAddress'>>;

/** The subset of a pino logger the email module uses. Log ids and kinds, never addresses, names or tokens. */
export interface EmailLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

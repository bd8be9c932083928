/**
 * Transports: how a rendered email leaves (or does not leave) the machine. Kept apart from
 * rendering and from the outbox.
 *
 * - With SMTP_URL: nodemailer's pooled SMTP transport to that relay.
 * - Without: a local transport that composes the full MIME message (so the same code paths run)
 *   and sends nothing anywhere; the dispatcher keeps the rendered copy in the outbox row and the
 *   organiser mail page is the mailbox.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type * as Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import type { IcalMethod } from './types.js';

export interface OutgoingEmail {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** With angle brackets: '<outbox-1.abc@host>'. */
  messageId: string;
  date: Date;
  headers?: Record<string, string>;
  icalEvent?: { method: IcalMethod; content: string; filename?: string };
  /** The SMTP envelope sender (MAIL FROM), e.g. a VERP bounce address; default: the From address. */
  envelopeFrom?: string;
  /** Aborts the send (the dispatcher stopping): the connection delivering it is closed. */
  signal?: AbortSignal;
}

export interface SendResult {
  /** The relay's last reply ('250 2.0.0 Ok: queued as ...'), or a note for the local transport. */
  response: string | null;
}

export interface MailTransport {
  /** 'smtp': handed to a relay; 'local': kept in the database only. */
  readonly kind: 'smtp' | 'local';
  send(message: OutgoingEmail): Promise<SendResult>;
  /** Checks the relay is reachable and accepts the credentials (SMTP only). */
  verify(): Promise<void>;
  close(): void;
}

export interface TransportOptions {
  /** Parallel SMTP connections in the pool (default 5). */
  maxConnections?: number;
  /** Messages per pooled connection before it is recycled (default 100). */
  maxMessages?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/**
 * An invite the way Outlook and Gmail expect it (the structure of nodemailer's `icalEvent`, with the
 * attachment typed text/calendar instead of application/ics): multipart/mixed of
 * multipart/alternative (text, HTML, text/calendar; method=…) and the same object as an .ics
 * attachment, plus `Content-Class: urn:content-classes:calendarmessage` for Outlook.
 */
function calendarParts(ical: NonNullable<OutgoingEmail['icalEvent']>) {
  return {
    // The alternative exactly as nodemailer's icalEvent writes it.
    alternatives: [{ contentType: `text/calendar; charset=utf-8; method=${ical.method}`, content: ical.content }],
    attachments: [
      {
        filename: ical.filename ?? 'invite.ics',
        contentType: `text/calendar; method=${ical.method}; charset=UTF-8`,
        content: ical.content,
        contentDisposition: 'attachment' as const,
        contentTransferEncoding: 'base64' as const,
      },
    ],
  };
}

function toNodemailer(m: OutgoingEmail) {
  return {
    from: m.from,
    to: { name: m.to.name, address: m.to.address },
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    date: m.date,
    headers: m.icalEvent ? { ...m.headers, 'Content-Class': 'urn:content-classes:calendarmessage' } : m.headers,
    ...(m.icalEvent ? calendarParts(m.icalEvent) : {}),
    ...(m.envelopeFrom ? { envelope: { from: m.envelopeFrom, to: [m.to.address] } } : {}),
    ...(m.signal ? { signal: m.signal } : {}),
    // Nothing a renderer returns may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * A nodemailer transporter made when the first message is sent (or the relay checked): nodemailer,
 * a tenth of what a start would read and compile, is loaded then rather than at every start.
 */
function onFirstUse<T extends Transporter<unknown>>(make: (nodemailer: typeof Nodemailer) => T): { get(): Promise<T>; close(): void } {
  let made: Promise<T> | undefined;
  let closed = false;
  return {
    get: () =>
      (made ??= import('nodemailer').then((nodemailer) => {
        const transporter = make(nodemailer);
        if (closed) transporter.close();
        return transporter;
      })),
    close() {
      closed = true;
      void made?.then(
        (transporter) => transporter.close(),
        () => undefined,
      );
    },
  };
}

/** SMTP (pooled) when `smtpUrl` is set, otherwise the local transport. */
export function createTransport(config: Pick<Config, 'smtpUrl'>, options: TransportOptions = {}): MailTransport {
  return config.smtpUrl ? createSmtpTransport(config.smtpUrl, options) : createLocalTransport();
}

/**
 * Hands nodemailer's SMTP connection the message in one piece. The MIME writer gives it a chunk per
 * header block, part and encoded line group, each of which became a write to the socket (a system
 * call); one chunk becomes one or a few. The bytes are the same: this only joins them. A message is
 * held whole while it is sent: Kairos's emails are tens of KB, one per pooled connection at a time.
 */
class WholeMessage extends Transform {
  private readonly chunks: Buffer[] = [];
  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    done();
  }
  override _flush(done: TransformCallback): void {
    done(null, Buffer.concat(this.chunks));
  }
}

export function createSmtpTransport(url: string, options: TransportOptions = {}): MailTransport {
  const transporter = onFirstUse((nodemailer) => {
    const smtp = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: options.maxConnections ?? 5,
      maxMessages: options.maxMessages ?? 100,
      connectionTimeout: options.connectionTimeoutMs ?? 30_000,
      greetingTimeout: options.greetingTimeoutMs ?? 30_000,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      // The transport never logs: its logs would contain addresses.
      logger: false,
      debug: false,
    });
    smtp.use('stream', (mail, done) => {
      mail.message.transform(() => new WholeMessage());
      done();
    });
    return smtp;
  });
  return {
    kind: 'smtp',
    async send(message) {
      const info = await (await transporter.get()).sendMail(toNodemailer(message));
      return { response: typeof info.response === 'string' ? info.response : null };
    },
    async verify() {
      await (await transporter.get()).verify();
    },
    close() {
      transporter.close();
    },
  };
}

export function createLocalTransport(): MailTransport {
  const transporter = onFirstUse((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }));
  return {
    kind: 'local',
    async send(message) {
      const info = await (await transporter.get()).sendMail(toNodemailer(message));
      const size = Buffer.isBuffer(info.message) ? info.message.length : 0;
      return { response: `kept locally (${size} bytes, no SMTP_URL)` };
    },
    async verify() {},
    close() {
      transporter.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What an error means for the message

export type SendErrorAction =
  /** Try again later (4xx reply, connection trouble). */
  | 'retry'
  /** The relay refused this message for good (5xx): failed, shown to the organiser. */
  | 'fail'
  /** The relay refused us (authentication, TLS): pause all sending; the message is not at fault. */
  | 'pause';

export interface ClassifiedError {
  action: SendErrorAction;
  /** Short code for the organiser and the logs: '550', '451', 'ECONNREFUSED', 'EAUTH', 'ETLS'... */
  code: string;
  /** Full text kept in the outbox row (may name the recipient's address: never log it). */
  detail: string;
}

const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPROTOCOL',
  'EMAXLIMIT',
  'EABORT',
]);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);
const AUTH_REPLIES = new Set([530, 534, 535, 538]);
const TLS_PATTERN = /(^ETLS$|^EREQUIRETLS$|CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ALTNAME)/i;

interface ErrLike {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
  message?: unknown;
}

/** Decides retry / fail / pause from a nodemailer error. */
export function classifySendError(error: unknown): ClassifiedError {
  const e = (error && typeof error === 'object' ? error : { message: String(error) }) as ErrLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const original = typeof e.originalCode === 'string' ? e.originalCode : '';
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : '';
  const text = (typeof e.response === 'string' && e.response) || (typeof e.message === 'string' ? e.message : '') || 'unknown error';
  const detail = `${command ? command + ': ' : ''}${text}`.replace(/\s+/g, ' ').trim().slice(0, 1000);

  if (AUTH_CODES.has(code) || (reply !== undefined && AUTH_REPLIES.has(reply))) {
    return { action: 'pause', code: reply !== undefined ? String(reply) : code, detail };
  }
  if (TLS_PATTERN.test(code) || TLS_PATTERN.test(original) || /wrong version number|ssl routines|certificate/i.test(text)) {
    return { action: 'pause', code: original && TLS_PATTERN.test(original) ? original : code || 'ETLS', detail };
  }
  if (reply !== undefined) {
    if (reply >= 500 && reply < 600 && reply !== 503) return { action: 'fail', code: String(reply), detail };
    return { action: 'retry', code: String(reply), detail };
  }
  if (CONNECTION_CODES.has(code) || CONNECTION_CODES.has(original)) {
    return { action: 'retry', code: original && CONNECTION_CODES.has(original) ? original : code, detail };
  }
  // An envelope or message nodemailer refused before talking to the relay: retrying will not help.
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'ECONFIG' || code === 'EFILEACCESS' || code === 'EURLACCESS') {
    return { action: 'fail', code, detail };
  }
  return { action: 'retry', code: code || 'EUNKNOWN', detail };
}

const ADDRESS = /[^\s<>()[\]\\,;:"']+@[^\s<>()[\]\\,;:"']+/g;

/** Removes email addresses from a text before it is logged. */
export function scrubAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}

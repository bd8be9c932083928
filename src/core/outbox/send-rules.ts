/**
 * The rules of one send, apart from the dispatcher's loop: the retry policy, the Message-ID host,
 * what a renderer's output must be (subject, parts, allowed headers), how an error is summarised
 * for the row (addresses scrubbed), and two promise helpers for bounded waits.
 */
import { headerLine } from '../text.js';
import { scrubAddresses } from './transport.js';
import type { EmailConfig, RenderedEmail } from './types.js';

export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Each further attempt waits `factor` times longer... */
  factor: number;
  /** ...up to this. */
  maxDelayMs: number;
  /** Up to this fraction is added at random, so that rows failing together do not retry together. */
  jitter: number;
  /** After this long since the row was queued, a row that still cannot be sent is failed. */
  maxAgeMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 60_000,
  factor: 2,
  maxDelayMs: 60 * 60_000,
  jitter: 0.25,
  maxAgeMs: 3 * 24 * 60 * 60_000,
};

const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'sender',
  'return-path',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

/** Host for Message-IDs: the domain of MAIL_FROM, else the public URL's host. */
export function messageIdHost(config: Pick<EmailConfig, 'mailFrom' | 'publicUrl'>): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mailFrom);
  const host = m?.[1];
  if (host) return host;
  try {
    return new URL(config.publicUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

/** Whether `p` settles within `ms` (real time). */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });
}

/** `p`, or a rejection as soon as `signal` aborts (for transports that ignore the signal). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The signal's reason is passed on as it is (an Error whenever this project aborts).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the rejection is forwarded, not made here
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- `p`'s own rejection, forwarded unchanged
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

export class RenderError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function checkRendered(r: RenderedEmail): RenderedEmail {
  if (typeof r.subject !== 'string' || typeof r.text !== 'string' || typeof r.html !== 'string') {
    throw new RenderError('RENDER', 'a renderer must return subject, text and html');
  }
  const subject = headerLine(r.subject, 250);
  if (!subject) throw new RenderError('RENDER', 'empty subject');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) throw new RenderError('RENDER', `header "${name}" not allowed`);
    if (/[\r\n\0]/.test(String(value))) throw new RenderError('RENDER', `header "${name}" contains a line break`);
    headers[name] = String(value);
  }
  if (r.icalEvent && !['REQUEST', 'CANCEL', 'PUBLISH'].includes(r.icalEvent.method)) throw new RenderError('RENDER', 'invalid iCalendar method');
  return { ...r, subject, headers };
}

export function errorSummary(err: unknown): { type: string; code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  return {
    type: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: scrubAddresses(typeof e?.message === 'string' ? e.message : String(err)),
  };
}

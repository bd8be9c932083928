/**
 * Forms that fail: the one way to answer them. A form a service refuses is shown again, on its own
 * page, with a message beside each field (in the reader's language) and the values that were typed;
 * nothing else is changed. (A field the form's schema refuses, a list where one value is expected,
 * is shown the same way with ./boundary.ts's `notTextErrors` and `textValues`.)
 */
import { AppError, ValidationError } from '../errors.js';
import { hasKey, t } from '../i18n/index.js';

export type FieldMessages = Record<string, string>;

export interface MessageOptions {
  /** Catalogue prefixes tried before the shared `err.<code>` (e.g. 'poll.' tries `poll.err.<code>` first). */
  prefixes?: readonly string[];
  /** A message chosen by the caller for some errors (undefined: the catalogue's). */
  special?: (e: AppError, lang: string) => string | undefined;
}

/** The message of one refused field: `<prefix>err.<code>`, then `err.<code>`, then the service's own text. */
export function messageOf(lang: string, e: AppError, o: MessageOptions = {}): string {
  const special = o.special?.(e, lang);
  if (special !== undefined) return special;
  const key = [...(o.prefixes ?? []), ''].map((p) => `${p}err.${e.code}`).find((k) => hasKey('en', k));
  return key ? t(lang, key, e.params) : e.message;
}

/** Messages by field (`form` when the error names none) for an error a service threw. */
export function fieldMessages(lang: string, err: AppError, o: MessageOptions = {}): FieldMessages {
  const list = err instanceof ValidationError ? err.errors : [err];
  const out: FieldMessages = {};
  for (const e of list) out[e.field ?? 'form'] = messageOf(lang, e, o);
  return out;
}

export interface AnswerOptions extends MessageOptions {
  /** The page's language, or how to find it once the input is refused (a personal page speaks its owner's). */
  lang: string | (() => string);
  /** The statuses that mean "the input cannot be taken as it is" (400 by default; 409 where "not now" is shown on the page). */
  statuses?: readonly number[];
  /** Messages by field for the refusal (default: fieldMessages). */
  messages?: (lang: string, err: AppError) => FieldMessages;
}

/**
 * Runs `action` (the service call and the answer on success, e.g. a redirect). When the service refuses
 * the input, answers with `again(errors, status)`: the form's page shown again with the messages beside
 * the fields and the refusal's status. Any other error goes on to the error handler.
 */
export async function answerForm(action: () => unknown, again: (errors: FieldMessages, status: number, err: AppError) => unknown, o: AnswerOptions): Promise<unknown> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof AppError) || !(o.statuses ?? [400]).includes(err.status)) throw err;
    const lang = typeof o.lang === 'function' ? o.lang() : o.lang;
    return again(o.messages ? o.messages(lang, err) : fieldMessages(lang, err, o), err.status, err);
  }
}

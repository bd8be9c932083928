/** Email addresses as Kairos stores and sends them: one plain address, always written the same way. */
import { AppError } from './errors.js';

// Control characters (the category Cc: C0, DEL, C1) and the Unicode line and paragraph separators.
const HAS_CONTROL = /[\p{Cc}\u2028\u2029]/u;

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".][^\s@<>()[\]\\,;:"]*$/;

/** Invisible format characters (Unicode category Cf: zero-width spaces and joiners, U+2060, BOM, soft hyphen, bidi marks…). */
const FORMAT_CHARS = /\p{Cf}/gu;

/**
 * A single plain address (no display name, no list, no line breaks), cleaned so that the same
 * mailbox is always written the same way: invisible format characters removed, Unicode NFC, the
 * trailing dot of a fully qualified domain dropped and the domain in lower case. Anything else
 * that is not an address is an AppError naming `field`. The result is what is stored and sent.
 */
export function validateEmailAddress(email: unknown, field = 'email'): string {
  let e = typeof email === 'string' ? email.normalize('NFC').replace(FORMAT_CHARS, '').trim() : '';
  const at = e.lastIndexOf('@');
  const domain = at > 0 ? e.slice(at + 1).replace(/\.$/, '').toLowerCase() : '';
  if (at > 0) e = e.slice(0, at + 1) + domain;
  // Every label of the domain has something in it ("a..b", ".a" and a second trailing dot are not domains).
  if (!e || e.length > 254 || HAS_CONTROL.test(e) || !EMAIL_RE.test(e) || /^\.|\.\.|\.$/.test(domain)) {
    throw new AppError('email_invalid', 'not a valid email address', 400, field);
  }
  return e;
}

/** Text hygiene shared by every service that stores what a person typed. */

// C0 and C1 control characters, DEL (the category Cc) but tab, line feed and carriage return:
// line breaks are handled by the callers that allow them.
const CONTROL = /(?![\t\n\r])\p{Cc}/gu;

/** `s` matched literally inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A single-line value: control characters and line breaks removed, spaces collapsed. */
export function singleLine(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** A multi-line value: control characters removed, line breaks normalised to \n. */
export function multiLine(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
}

export function hasControl(value: string): boolean {
  return /[\p{Cc}\u2028\u2029]/u.test(value);
}

/** URL-friendly slug from a title (ASCII letters and digits; Greek and other scripts drop out). */
export function slugify(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return s || 'session';
}

export function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** Accepts http(s) URLs only. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !!u.hostname;
  } catch {
    return false;
  }
}

/** Control characters (C0, DEL, C1) and Unicode line/paragraph separators. */
const HEADER_CONTROL = /[\p{Cc}\u2028\u2029]/gu;

/**
 * Unlike `singleLine` (which drops control characters from what a person typed), a header line
 * turns every control character into a space and is cut at `max`: for what goes into a mail header
 * or a log of the outbox (names, reasons, subjects).
 */
/** One line of text safe for a header: control characters become spaces, runs collapse, trimmed. */
export function headerLine(text: string | number | null | undefined, max = 200): string {
  return String(text ?? '')
    .replace(HEADER_CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

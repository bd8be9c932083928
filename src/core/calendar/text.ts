/**
 * Text hygiene for everything that goes into an iCalendar file or an add-to-calendar link.
 * Control characters never reach `ics` (it would copy most of them into the file verbatim),
 * and a line break typed into a title can never start a new content line.
 */

/** What may be cleaned: text, a number, or nothing (an empty string). */
export type TextInput = string | number | null | undefined;

// C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F): exactly the Unicode category Cc.
const CONTROL = /\p{Cc}/gu;
// Everything a person (or a paste) may use to break a line, plus tabs.
const BREAKS = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/g;
// Lone UTF-16 surrogates cannot be encoded as UTF-8; replace them rather than let encoders guess.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A single-line value (title, name, UID): breaks and tabs become one space; other controls go. */
export function cleanLine(input: TextInput): string {
  return String(input ?? '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/(?![\t\n\v\f\r\u0085])\p{Cc}/gu, '') // controls that do not break lines
    .replace(/[ \t]*(?:[\t\n\v\f\r\u0085\u2028\u2029][ \t]*)+/g, ' ')
    .replace(CONTROL, '')
    .trim();
}

/**
 * A multi-line value (description): every kind of line break becomes "\n" (which `ics` escapes
 * as the two characters `\n`, so it stays inside one content line); tabs become spaces; every
 * other control character is removed.
 */
export function cleanText(input: TextInput): string {
  return String(input ?? '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(BREAKS, '\n')
    .replace(/\t/g, ' ')
    .replace(/(?!\n)\p{Cc}/gu, '') // every control but the line feed (tabs are spaces by now)
    .replace(/[ ]+\n/g, '\n')
    .trim();
}

/**
 * A parameter value such as CN: single line, and no `"` at all. RFC 5545 has no escape for a
 * double quote inside a quoted parameter value; `ics` writes `\"`, which strict parsers reject.
 * `^` goes too: RFC 6868 parsers (ical.js, i.e. Thunderbird) read `^n` as a line break and `^'`
 * as a quote, while older parsers would show an RFC 6868 escape (`^^`) literally.
 */
export function cleanParam(input: TextInput): string {
  return cleanLine(input).replace(/["^]/g, '').replace(/\s{2,}/g, ' ').trim();
}

/** An e-mail address as it goes after `mailto:`: no controls, no whitespace. */
export function cleanEmail(input: TextInput): string {
  return cleanLine(input).replace(/\s+/g, '');
}

/** TEXT value escaping of RFC 5545 §3.3.11, for lines we write ourselves (X-WR-CALNAME). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/;/g, '\\;').replace(/,/g, '\\,');
}

/**
 * A URL that may go into a URL property or a link: absolute http(s) only, normalised by the
 * WHATWG parser (which percent-encodes spaces and drops control characters). Otherwise undefined.
 */
export function cleanUrl(input: TextInput): string | undefined {
  const s = cleanLine(input);
  if (!s) return undefined;
  try {
    const u = new URL(s);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

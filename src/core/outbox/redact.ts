/**
 * What the outbox keeps of a sent email holds no personal link. The message that leaves carries
 * the real links; the copy kept for the organiser mail page (and the local mailbox) has a marker
 * in their place: `…/r/[personal link]`, `…/join/[personal link]`, `…/poll/[personal link]`, `…/calls/[personal link]`,
 * `?prefill=[personal link]`. A person who needs the link again asks for it on the session page.
 *
 * Two nets: every personal path under the public URL is replaced by pattern, and every token the
 * renderer declared (`RenderedEmail.personalTokens`) is replaced wherever it still appears. The
 * calendar copy is unfolded first (a link may be folded across lines) and folded again after.
 */
import { foldLine, unfold } from '../calendar/index.js';
import { Lru } from '../lru.js';
import { escapeRegExp } from '../text.js';

export const PERSONAL_LINK_MARKER = '[personal link]';

/** The path prefixes of personal links (each followed by a token). */
const PERSONAL_PATHS = ['r', 'join', 'poll', 'v', 'calls'];

/** The patterns for one public URL, made once (a process has one public URL; tests make a few). */
const patternsByUrl = new Lru<string, RegExp[]>(16);
function patterns(publicUrl: string): RegExp[] {
  return patternsByUrl.getOrSet(publicUrl, () => {
    const base = escapeRegExp(publicUrl.replace(/\/+$/, ''));
    return [new RegExp(`(${base}/(?:${PERSONAL_PATHS.join('|')})/)[A-Za-z0-9_.~%-]+`, 'g'), /([?&](?:amp;)?(?:prefill|token|t)=)[A-Za-z0-9_.~%-]+/g];
  });
}

/** The text with every personal link replaced by the marker. */
export function redactPersonalLinks(text: string, publicUrl: string, tokens: readonly string[] = []): string {
  let out = text;
  for (const re of patterns(publicUrl)) out = out.replace(re, `$1${PERSONAL_LINK_MARKER}`);
  for (const token of tokens) if (token.length >= 8) out = out.split(token).join(PERSONAL_LINK_MARKER);
  return out;
}

/**
 * The same for an iCalendar object: unfolded, redacted, folded again to 75 octets, CRLF. Redacted as
 * one text: neither a link nor a token spans a line once unfolded.
 */
export function redactCalendar(ical: string, publicUrl: string, tokens: readonly string[] = []): string {
  const lines = redactPersonalLinks(unfold(ical), publicUrl, tokens).split(/\r\n|\n|\r/);
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  return lines.map((l) => foldLine(l)).join('\r\n') + (trailing ? '\r\n' : '');
}

/** A rendered email as it may be kept or shown to an organiser: every personal link replaced by the marker. */
export function redactRendered<T extends { subject: string; text: string; html: string; icalEvent?: { content: string }; personalTokens?: string[] }>(
  r: T,
  publicUrl: string,
): T {
  const tokens = r.personalTokens ?? [];
  return {
    ...r,
    subject: redactPersonalLinks(r.subject, publicUrl, tokens),
    text: redactPersonalLinks(r.text, publicUrl, tokens),
    html: redactPersonalLinks(r.html, publicUrl, tokens),
    ...(r.icalEvent ? { icalEvent: { ...r.icalEvent, content: redactCalendar(r.icalEvent.content, publicUrl, tokens) } } : {}),
    personalTokens: [],
  };
}

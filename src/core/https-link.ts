/**
 * Addresses people paste for others to follow (slides, a recording, a case study's materials):
 * absolute https only, read as the browser would read them.
 */
import { hasControl } from './text.js';

/** The codes a caller gives the two ways a link is refused: not a whole https address, and plain http. */
export interface LinkCodes {
  invalid: string;
  http: string;
}

/**
 * The address as the browser reads it, or the code of the reason it is refused: `too_long` past
 * `max` characters, `codes.http` for plain http, `codes.invalid` for anything else that is not a
 * whole https address (`javascript:`, `data:`, spaces, credentials in it).
 */
export function checkHttpsLink(raw: string, max: number, codes: LinkCodes): { url: string } | { code: string; params?: Record<string, number> } {
  const value = raw.trim();
  if (value.length > max) return { code: 'too_long', params: { max } };
  if (hasControl(value) || /\s/.test(value)) return { code: codes.invalid };
  if (/^http:/i.test(value)) return { code: codes.http };
  if (!/^https:\/\//i.test(value)) return { code: codes.invalid };
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { code: codes.invalid };
  }
  if (u.protocol !== 'https:' || !u.hostname || u.username || u.password) return { code: codes.invalid };
  return u.href.length > max ? { code: 'too_long', params: { max } } : { url: u.href };
}

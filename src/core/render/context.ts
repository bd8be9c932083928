/**
 * Per-request context for pages: language, the viewer's zone, the signed-in organiser, and the
 * common data every template receives. Kept in WeakMaps rather than request decorators.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGES, LANGUAGE_NAMES, hasKey, isLanguage, negotiate, t, translator, type Language } from '../i18n/index.js';
import { isValidZone } from '../time/index.js';
import { errorSummaryOf } from './error-summary.js';
import { requestField } from './request-field.js';
import { CSRF_PLACEHOLDER, rendersCsrfPlaceholder } from './csrf-placeholder.js';

export const SESSION_COOKIE = 'kairos_sid';
export const LANG_COOKIE = 'kairos_lang';
export const ZONE_COOKIE = 'kairos_tz';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Who is signed in, for the page layout (name, role): decorated by the organisers module, which
     * owns logins. Core knows only that a page may have a signed-in viewer.
     */
    signedInViewer: (req: FastifyRequest) => object | undefined;
  }
}

/** The page language: ?lang=, then the remembered choice, then Accept-Language. */
export function langOf(req: FastifyRequest): Language {
  const q = requestField(req.query, 'lang');
  if (isLanguage(q)) return q;
  const c = req.cookies[LANG_COOKIE];
  if (isLanguage(c)) return c;
  return negotiate(req.headers['accept-language']);
}

/** The language asked for with ?lang=, if any. */
export function langChosen(req: FastifyRequest): Language | undefined {
  const q = requestField(req.query, 'lang');
  return isLanguage(q) ? q : undefined;
}

/** A personal page speaks its owner's language unless the visitor picks another with ?lang=. */
export function personalLang(req: FastifyRequest, ownerLanguage: string): Language {
  return langChosen(req) ?? (isLanguage(ownerLanguage) ? ownerLanguage : langOf(req));
}

/** Personal pages: never cached, never indexed (the referrer policy is no-referrer site-wide). */
export function personalPage(reply: FastifyReply): void {
  reply.header('Cache-Control', 'no-store, private').header('X-Robots-Tag', 'noindex, nofollow');
}

/** Remembers an explicit ?lang= choice for later pages. */
export function rememberLanguage(req: FastifyRequest, reply: FastifyReply): void {
  const q = requestField(req.query, 'lang');
  if (isLanguage(q) && req.cookies[LANG_COOKIE] !== q) {
    reply.setCookie(LANG_COOKIE, q, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400, secure: req.server.config.secureCookies });
  }
}

/** Whether the viewer's zone is known: their browser told it (a small script sets a cookie). */
export function viewerZoneKnown(req: FastifyRequest): boolean {
  const z = req.cookies[ZONE_COOKIE];
  return Boolean(z && isValidZone(z));
}

/** The viewer's zone: the browser's (sent by a small script as a cookie), else `fallback`. */
export function viewerZoneOf(req: FastifyRequest, fallback: string): string {
  const z = req.cookies[ZONE_COOKIE];
  return z && isValidZone(z) ? z : fallback;
}

/** Renders a page with what every template needs. */
export async function render(req: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown> = {}, status = 200): Promise<string> {
  rememberLanguage(req, reply);
  // A page may speak a language of its own (a personal page speaks its owner's language).
  const lang = isLanguage(data.lang) ? data.lang : langOf(req);
  const organiser = req.server.hasDecorator('signedInViewer') ? req.server.signedInViewer(req) : undefined;
  // A page kept for every visitor carries a stand-in, replaced by each visitor's own token as it is sent.
  const csrfToken = rendersCsrfPlaceholder.has(req) ? CSRF_PLACEHOLDER : new LazyCsrfToken(reply);
  reply.code(status).header('Cache-Control', 'no-store');
  return reply.viewAsync(template, {
    languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    organiser,
    csrfToken,
    path: switchPath(req),
    langKeep: keptQuery(req),
    title: '',
    flash: flashOf(req, lang),
    ...data,
    lang,
    t: translator(lang),
    errorSummary: errorSummaryOf,
  });
}

/**
 * Where the language switcher asks for the page again: this address; for a page that answers a form
 * posted to an address with no page of its own (an item's change, say), the nearest address above it
 * that has one (the list), rather than an address that would answer "not found".
 */
function switchPath(req: FastifyRequest): string {
  const path = req.url.split('?')[0] ?? '/';
  if (req.method === 'GET' || req.method === 'HEAD') return path;
  const pattern = req.routeOptions.url;
  if (pattern === undefined) return path;
  let route = pattern.split('/');
  let here = path.split('/');
  if (route.length !== here.length) return path;
  while (route.length > 1) {
    if (req.server.hasRoute({ method: 'GET', url: route.join('/') || '/' })) return here.join('/') || '/';
    route = route.slice(0, -1);
    here = here.slice(0, -1);
  }
  return '/';
}

/**
 * What the language switcher sends again with the language: the other parameters of the page's
 * address (a filter, a page number), so that the page comes back the same in another language. Never
 * its notice (`msg`), nor anything of a page that answers a form.
 */
function keptQuery(req: FastifyRequest): { name: string; value: string }[] {
  if (req.method !== 'GET' && req.method !== 'HEAD') return [];
  const query = req.query;
  if (query === null || typeof query !== 'object') return [];
  const kept: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    if (name === 'lang' || name === 'msg') continue;
    // A parameter its route's schema read as a number is sent back as it came, as text.
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' || typeof v === 'number') kept.push({ name, value: String(v) });
  }
  return kept;
}

/**
 * The CSRF token of a page, made when a template first writes it (`<%= it.csrfToken %>`): a page
 * without a form sets no CSRF cookie and spends nothing on it. One token per page, however often
 * it is written.
 */
class LazyCsrfToken {
  private value: string | undefined;
  constructor(private readonly reply: FastifyReply) {}
  toString(): string {
    this.value ??= this.reply.generateCsrf();
    return this.value;
  }
}

/** A short notice after a redirect (?msg=org.saved): only known catalogue keys, never free text. */
function flashOf(req: FastifyRequest, lang: Language): string | undefined {
  const msg = requestField(req.query, 'msg');
  return typeof msg === 'string' && hasKey('en', msg) ? t(lang, msg) : undefined;
}

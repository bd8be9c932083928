/**
 * The signed-in organiser of a request (from the session cookie), looked up once per request, and the
 * preHandler that sends a visitor without one to the login page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../core/render/context.js';
import type { Organiser } from './repository.js';
import { LOGIN_TTL_MS } from './service.js';

const organisers = new WeakMap<FastifyRequest, Organiser | null>();

export function organiserOf(req: FastifyRequest): Organiser | undefined {
  if (!organisers.has(req)) {
    organisers.set(req, req.server.services.auth.organiserForSession(req.cookies[SESSION_COOKIE]) ?? null);
  }
  return organisers.get(req) ?? undefined;
}

/**
 * The organiser of a request that `requireOrganiser` let through. Without one, the route forgot
 * the hook: a programming error, answered as a server error rather than served to nobody.
 */
export function signedInOrganiser(req: FastifyRequest): Organiser {
  const o = organiserOf(req);
  if (!o) throw new Error('signedInOrganiser on a route without the requireOrganiser hook');
  return o;
}

export function requireOrganiser(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  if (organiserOf(req)) return done();
  const next = encodeURIComponent(req.url);
  void reply.redirect(`/login?next=${next}`, 303);
}

/** Signs the browser in: the login session's cookie (its id; the database keeps only its hash). */
export function setLoginCookie(reply: FastifyReply, sid: string): void {
  reply.setCookie(SESSION_COOKIE, sid, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.server.config.secureCookies,
    maxAge: LOGIN_TTL_MS / 1000,
  });
}

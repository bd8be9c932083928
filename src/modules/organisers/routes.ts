import { isIP } from 'node:net';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../core/i18n/index.js';
import { langOf, render, SESSION_COOKIE } from '../../core/render/context.js';
import { organiserOf, setLoginCookie } from './signed-in.js';
import Type from 'typebox';
import { ActionForm, Query, Text } from '../../core/render/boundary.js';
import { LoginForm } from './schemas.js';


/** Login posts accepted per client address per minute (failed or not). */
export const LOGIN_PER_ADDRESS_PER_MINUTE = 10;

/**
 * The client address a login limit counts against: an IPv4 address as it is, an IPv6 address by
 * its /64 (one subscriber usually has a whole /64, and could otherwise change address per post).
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return mapped;
  if (isIP(ip) !== 6) return ip;
  const [address = ''] = ip.split('%');
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/** Only same-site relative paths are followed after login. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/organiser';
}

export default function authRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/login', { schema: { querystring: Query({ next: Type.Optional(Text) }) } }, async (req, reply) => {
    if (organiserOf(req)) return reply.redirect(safeNext(req.query.next), 303);
    return render(req, reply, 'pages/login', { title: t(langOf(req), 'login.title'), next: safeNext(req.query.next), email: '', error: undefined });
  });

  // Two limits: per client address (this route's rate limit; the address is the proxy's client only
  // when TRUST_PROXY says which proxies to believe) and per account (failed attempts on one email,
  // in the auth service), so that no single address can lock every organiser out.
  app.post(
    '/login',
    { config: { rateLimit: { max: LOGIN_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => clientKey(req.ip) } }, schema: { body: LoginForm } },
    async (req, reply) => {
      const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '';
      const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 1000) : '';
      const result = email && password ? await app.services.auth.login(email, password) : null;
      const lang = langOf(req);
      const title = t(lang, 'login.title');
      if (result && !result.ok && result.reason === 'locked') {
        req.log.info('login refused: too many failed attempts on this account');
        const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
        reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
        return render(req, reply, 'pages/login', { title, next: safeNext(req.body?.next), email, error: t(lang, 'login.locked', { minutes }) }, 429);
      }
      if (!result || !result.ok) {
        req.log.info('login failed');
        return render(req, reply, 'pages/login', { title, next: safeNext(req.body?.next), email, error: t(lang, 'login.failed') }, 401);
      }
      req.log.info({ organiserId: result.organiser.id }, 'login');
      setLoginCookie(reply, result.sid);
      return reply.redirect(safeNext(req.body?.next), 303);
    },
  );

  app.post('/logout', { schema: { body: ActionForm } }, async (req, reply) => {
    app.services.auth.logout(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?msg=login.loggedOut', 303);
  });
}

import type { FastifyInstance } from 'fastify';
import { t } from '../i18n/index.js';
import { LOGIN_TTL_MS } from '../services/auth.js';
import { langOf, organiserOf, render, SESSION_COOKIE } from './context.js';
import Type from 'typebox';
import { ActionForm, Form, Query, Text } from './boundary.js';

const LoginForm = Form({ email: Type.Optional(Text), password: Type.Optional(Text), next: Type.Optional(Text) });

/** Only same-site relative paths are followed after login. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/organiser';
}

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { next?: string } }>('/login', { schema: { querystring: Query({ next: Type.Optional(Text) }) } }, async (req, reply) => {
    if (organiserOf(req)) return reply.redirect(safeNext(req.query.next), 303);
    return render(req, reply, 'pages/login', { title: t(langOf(req), 'login.title'), next: safeNext(req.query.next), email: '', error: undefined });
  });

  app.post<{ Body: { email?: string; password?: string; next?: string } }>(
    '/login',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } }, schema: { body: LoginForm } },
    async (req, reply) => {
      const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '';
      const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 1000) : '';
      const result = email && password ? await app.services.auth.login(email, password) : null;
      const lang = langOf(req);
      if (!result) {
        req.log.info('login failed');
        return render(req, reply, 'pages/login', { title: t(lang, 'login.title'), next: safeNext(req.body?.next), email, error: t(lang, 'login.failed') }, 401);
      }
      req.log.info({ organiserId: result.organiser.id }, 'login');
      reply.setCookie(SESSION_COOKIE, result.sid, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.secureCookies,
        maxAge: LOGIN_TTL_MS / 1000,
      });
      return reply.redirect(safeNext(req.body?.next), 303);
    },
  );

  app.post('/logout', { schema: { body: ActionForm } }, async (req, reply) => {
    app.services.auth.logout(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?msg=login.loggedOut', 303);
  });
}

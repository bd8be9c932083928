/**
 * The core plugin: what every page and API call goes through before a feature sees it. Security
 * headers, cookies, web forms, CSRF, rate limits, Eta views and static files; the request boundary
 * (forms for pages, JSON for the API); the one error handler (HTML error pages in the visitor's
 * language, JSON for the API) and the not-found answer. Feature modules declare it as `core`.
 */
import path from 'node:path';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import apiDocs from './api-docs.js';
import { ROOT, type Config } from './config.js';
import { AppError, ValidationError } from './errors.js';
import { errorKey, t } from './i18n/index.js';
import { langOf, render } from './render/context.js';
import { messageOf } from './render/form.js';
import { drawCsrfSecretsFromPool } from './render/csrf-secret.js';
import { enforceBodyTypes, invalidFields, isApiUrl } from './render/boundary.js';
import { redactUrl } from './render/redact-url.js';
import { requestField } from './render/request-field.js';
import { responseMemo } from './render/response-memo.js';
import type { DB } from './db/open.js';
import type { Clock } from './clock.js';

export interface CoreOptions {
  config: Config;
  /** Signs cookies: the server secret. */
  cookieSecret: string;
  /** For the answers kept until the data changes (response-memo.ts). */
  db: DB;
  clock: Clock;
}

/**
 * The security headers of every answer: a strict Content-Security-Policy (own scripts only, inline
 * styles allowed, no framing, forms post only here), no referrer, no MIME sniffing, isolation from
 * other origins; HSTS and upgrade-insecure-requests when the public URL is https.
 */
export function securityHeaders(config: Pick<Config, 'secureCookies'>): [string, string][] {
  const csp = [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    ...(config.secureCookies ? ['upgrade-insecure-requests'] : []),
  ].join(';');
  return [
    ['Content-Security-Policy', csp],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Origin-Agent-Cluster', '?1'],
    ['Referrer-Policy', 'no-referrer'],
    ...(config.secureCookies ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Frame-Options', 'SAMEORIGIN'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
  ];
}

export default fp<CoreOptions>(
  async (app, opts) => {
    const { config } = opts;
    // Security headers: the same on every answer, so written out once here rather than rebuilt per
    // request (they are what helmet's defaults give with this policy; tests hold them byte for byte).
    const headers = securityHeaders(config);
    app.addHook('onRequest', (_req, reply, done) => {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
      done();
    });
    // Public answers are made once per change of the data (off under `npm run dev`, where templates
    // change). Its hook that fills in each visitor's CSRF token comes before the cookie plugin's,
    // which writes the cookie that token may set; the look-up comes after cookies are read.
    const memo = process.env.NODE_ENV === 'development' ? undefined : responseMemo(app, { db: opts.db, clock: opts.clock, alwaysSet: headers.map(([name]) => name) });
    await app.register(fastifyCookie, { secret: opts.cookieSecret });
    if (memo) app.addHook('onRequest', memo.lookUp);
    await app.register(fastifyFormbody);
    drawCsrfSecretsFromPool();
    await app.register(fastifyCsrf, {
      cookieKey: 'kairos_csrf',
      cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: config.secureCookies },
      getToken: (req) => {
        const field = requestField(req.body, '_csrf');
        const header = req.headers['x-csrf-token'];
        return (typeof field === 'string' ? field : undefined) ?? (typeof header === 'string' ? header : undefined);
      },
    });
    await app.register(fastifyRateLimit, { global: false });
    // Templates are read and compiled once, except under `npm run dev` (NODE_ENV=development), where
    // an edited template shows on the next request. @fastify/view turns Eta's cache off unless told
    // `production`, whatever Eta was given.
    const compileOnce = process.env.NODE_ENV !== 'development';
    // No route uses `reply.locals`: declared here, so the view plugin adds no hook to every request to fill it.
    app.decorateReply('locals', null);
    await app.register(fastifyView, {
      engine: { eta: new Eta({ views: path.join(ROOT, 'views'), autoEscape: true, cache: compileOnce }) },
      root: path.join(ROOT, 'views'),
      viewExt: 'eta',
      production: compileOnce,
    });
    await app.register(fastifyStatic, { root: path.join(ROOT, 'public'), prefix: '/public/', cacheControl: true, maxAge: 3600_000 });
    // The API's documentation (/api/docs) collects the tagged routes registered after it.
    await app.register(fastifySwagger, {
      // Only the API is documented: pages take web forms, not the JSON an OpenAPI client would send.
      hideUntagged: true,
      openapi: {
        info: { title: 'Kairos API', version: '1', description: 'Sessions across time zones. Write calls need `Authorization: Bearer <token>`.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
    });

    // Pages take web forms, the API takes JSON: any other body is refused before it is read.
    enforceBodyTypes(app);

    // Every state-changing form post is checked for its CSRF token. The JSON API is exempt: it is
    // authorised by bearer tokens (or is public), and only accepts application/json.
    app.addHook('preHandler', (req, reply, done) => {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done();
      if (req.url.startsWith('/api/')) return done();
      app.csrfProtection(req, reply, done);
    });

    // Every answer of 5xx is logged with its request id: by the error handler for what was thrown,
    // and here for what a route answered directly (e.g. readiness).
    const serverErrorsLogged = new WeakSet<object>();
    app.addHook('onResponse', (req, reply, done) => {
      if (reply.statusCode >= 500 && !serverErrorsLogged.has(req)) {
        req.log.error({ statusCode: reply.statusCode, method: req.method, url: redactUrl(req.url) }, 'answered with a server error');
      }
      done();
    });

    app.setErrorHandler(async (err: FastifyError | AppError, req, reply) => {
      const isApi = isApiUrl(req.url);
      const lang = langOf(req);
      const errorPage = (message: string, status: number, help?: string) => render(req, reply, 'pages/error', { title: t(lang, 'error.title'), message, help }, status);
      if (err instanceof ValidationError) {
        if (!isApi) return errorPage(err.errors.map((e) => `${e.field}: ${messageOf(lang, e)}`).join(' '), 400);
        return reply.code(400).send({
          error: 'validation',
          message: err.message,
          fields: err.errors.map((e) => ({ field: e.field, code: e.code, message: e.message })),
        });
      }
      if (err instanceof AppError && err.status < 500) {
        if (isApi) return reply.code(err.status).send({ error: err.code, message: err.message, field: err.field });
        if (err.status === 403) return errorPage(t(lang, 'error.forbidden'), 403, t(lang, 'error.forbiddenHelp'));
        return errorPage(t(lang, err.status === 404 ? 'error.notFound' : errorKey(err.code), err.params), err.status);
      }
      const fe = err as FastifyError;
      if (fe.code === 'FST_CSRF_INVALID_TOKEN' || fe.code === 'FST_CSRF_MISSING_SECRET') {
        if (isApi) return reply.code(403).send({ error: 'csrf', message: 'missing or invalid CSRF token' });
        return errorPage(t(lang, 'error.csrf'), 403);
      }
      if (fe.validation) {
        // A page answers with a page naming the fields; only the API answers JSON.
        if (!isApi) return errorPage(t(lang, 'error.invalidFields', { fields: invalidFields(fe).join(', ') }), 400);
        const fields = fe.validation.map((v) => {
          const p = v.params as { missingProperty?: string; additionalProperty?: string };
          const named = p?.additionalProperty ?? p?.missingProperty;
          const base = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
          const field = [base, named].filter(Boolean).join('.') || fe.validationContext || 'body';
          const message = p?.additionalProperty ? `unknown field "${p.additionalProperty}"` : (v.message ?? 'invalid');
          return { field, code: v.keyword, message };
        });
        return reply.code(400).send({ error: 'validation', message: fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields });
      }
      if (fe.statusCode === 429) {
        if (isApi) return reply.code(429).send({ error: 'rate_limited', message: 'too many requests' });
        return errorPage(t(lang, 'error.tooMany'), 429);
      }
      if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
        if (!isApi) return errorPage(t(lang, 'error.badRequest'), fe.statusCode);
        return reply.code(fe.statusCode).send({ error: fe.code ?? 'bad_request', message: fe.message });
      }
      // Every 5xx is logged (the request logger carries the reqId); the answer says no more than "internal".
      req.log.error({ err, statusCode: (err as AppError).status ?? fe.statusCode ?? 500 }, 'unhandled error');
      serverErrorsLogged.add(req);
      if (isApi) return reply.code(500).send({ error: 'internal', message: 'internal error' });
      return errorPage(t(lang, 'error.title'), 500);
    });

    app.setNotFoundHandler(async (req, reply) => {
      if (isApiUrl(req.url)) return reply.code(404).send({ error: 'not_found', message: 'no such route' });
      const lang = langOf(req);
      return render(req, reply, 'pages/error', { title: t(lang, 'error.notFound'), message: t(lang, 'error.notFound') }, 404);
    });

    // The documentation's pages, loaded on the first visit rather than at start (api-docs.ts); after
    // the error handler, which its routes take when they are registered.
    await app.register(apiDocs);
  },
  { name: 'core' },
);

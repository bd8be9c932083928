import path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { Clock } from './clock.js';
import { ROOT, type Config } from './config.js';
import type { DB } from './db/open.js';
import { AppError, ValidationError } from './errors.js';
import { errorKey, errorMessage, t } from './i18n/index.js';
import { createServices, type Services } from './services/index.js';
import { MaintenanceService } from './services/maintenance.js';
import { langOf, render } from './routes/context.js';
import { enforceBodyTypes, invalidFields, isApiUrl } from './routes/boundary.js';
import publicRoutes from './routes/public.js';
import calendarRoutes from './routes/calendar.js';
import registrationRoutes from './routes/registration.js';
import attendanceRoutes from './routes/attendance.js';
import personalCalendarRoutes from './routes/personal-calendar.js';
import followupRoutes from './routes/followups.js';
import authRoutes from './routes/auth.js';
import organiserRoutes from './routes/organiser.js';
import organiserRegistrationRoutes from './routes/organiser-registrations.js';
import organiserMailRoutes from './routes/organiser-mail.js';
import { Dispatcher, redactPaths, type MailTransport } from './email/index.js';
import { registerPersonalEmailKinds } from './email/personal.js';
import { registerPollEmailKinds } from './email/poll.js';
import pollRoutes from './routes/polls.js';
import apiRoutes from './routes/api.js';
import healthRoutes from './routes/health.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    services: Services;
  }
}

export interface AppDeps {
  config: Config;
  db: DB;
  clock: Clock;
  /** Pino options or false; tests pass false. */
  logger?: FastifyServerOptions['logger'];
  services?: Services;
  /** Where mail goes: default from SMTP_URL (a pooled relay) or kept locally; tests pass an SMTP sink. */
  mailer?: MailTransport;
  /** Told of every route as it is registered (the access tests walk them all). */
  onRoute?: (route: RouteOptions) => void;
}


/** /r/<token>/… and ?token=… never reach a log line. */
export function redactUrl(url: string): string {
  return url.replace(/\/(r|v|join|poll)\/[^/?#]+/g, '/$1/[token]').replace(/([?&](?:token|t|prefill)=)[^&#]*/g, '$1[token]');
}

/** Trusts the `hops` nearest proxies: the client is the address `hops` steps back in X-Forwarded-For. */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, clock } = deps;
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: redactPaths,
      serializers: {
        // Personal links carry a token in the path: log the route shape, never the token.
        req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      },
    },
    // Which proxies may tell the client's address (X-Forwarded-For): TRUST_PROXY, nobody by default.
    // A number of hops is given as the function Fastify builds for it (its types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Never log full URLs with personal tokens: the request serializer keeps the route only.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);

  const services = deps.services ?? createServices({ db, clock, config });
  app.decorate('config', config);
  app.decorate('services', services);


  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: config.secureCookies,
  });
  await app.register(fastifyCookie, { secret: services.secret });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    cookieKey: 'kairos_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: config.secureCookies },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? (req.headers['x-csrf-token'] as string | undefined);
    },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: path.join(ROOT, 'views'), autoEscape: true, cache: process.env.NODE_ENV !== 'development' }) },
    root: path.join(ROOT, 'views'),
    viewExt: 'eta',
  });
  await app.register(fastifyStatic, { root: path.join(ROOT, 'public'), prefix: '/public/', cacheControl: true, maxAge: 3600_000 });
  await app.register(fastifySwagger, {
    // Only the API is documented: pages take web forms, not the JSON an OpenAPI client would send.
    hideUntagged: true,
    openapi: {
      info: { title: 'Kairos API', version: '1', description: 'Sessions across time zones. Write calls need `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

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
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 500 && !serverErrorsLogged.has(req)) {
      req.log.error({ statusCode: reply.statusCode, method: req.method, url: redactUrl(req.url) }, 'answered with a server error');
    }
  });

  app.setErrorHandler(async (err: FastifyError | AppError, req, reply) => {
    const isApi = isApiUrl(req.url);
    const lang = langOf(req);
    const errorPage = (message: string, status: number) => render(req, reply, 'pages/error', { title: t(lang, 'error.title'), message }, status);
    if (err instanceof ValidationError) {
      if (!isApi) return errorPage(err.errors.map((e) => `${e.field}: ${errorMessage(lang, e.code, e.params)}`).join(' '), 400);
      return reply.code(400).send({
        error: 'validation',
        message: err.message,
        fields: err.errors.map((e) => ({ field: e.field, code: e.code, message: e.message })),
      });
    }
    if (err instanceof AppError && err.status < 500) {
      if (isApi) return reply.code(err.status).send({ error: err.code, message: err.message, field: err.field });
      return errorPage(t(lang, err.status === 404 ? 'error.notFound' : err.status === 403 ? 'error.forbidden' : errorKey(err.code), err.params), err.status);
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

  await app.register(healthRoutes);
  await app.register(publicRoutes);
  await app.register(calendarRoutes);
  await app.register(registrationRoutes);
  await app.register(personalCalendarRoutes, { db, clock });
  await app.register(attendanceRoutes);
  await app.register(followupRoutes);
  await app.register(authRoutes);
  await app.register(organiserRoutes);
  await app.register(organiserRegistrationRoutes);
  await app.register(pollRoutes);
  await app.register(organiserMailRoutes, { db, clock });
  await app.register(apiRoutes, { prefix: '/api/v1' });

  // Email: every kind is registered before the dispatcher claims its first row.
  registerPersonalEmailKinds();
  registerPollEmailKinds();
  if (config.dispatcherEnabled) {
    const dispatcher = new Dispatcher({ db, clock, config, transport: deps.mailer, logger: app.log.child({ module: 'email' }) });
    app.addHook('onReady', async () => dispatcher.start());
    app.addHook('onClose', async () => dispatcher.stop());
  }

  if (config.maintenanceIntervalMs > 0) {
    const maintenance = new MaintenanceService(services.registrations, clock, app.log.child({ module: 'maintenance' }));
    app.addHook('onReady', async () => maintenance.start(config.maintenanceIntervalMs));
    app.addHook('onClose', async () => maintenance.stop());
  }

  return app;
}

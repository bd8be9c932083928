/**
 * buildApp(deps): the table of contents. Core first (security, forms, views, errors), then each
 * feature module by name; each module is a fastify-plugin that declares the modules it needs.
 * Dependencies are passed in (config, database, clock, mailer), never taken from module globals.
 */
import ajvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { Clock } from './core/clock.js';
import type { Config } from './core/config.js';
import type { DB } from './core/db/open.js';
import core from './core/plugin.js';
import { startOptimizing, type Optimizer } from './core/db/optimize.js';
import { Dispatcher, redactPaths, type EmailKindRegistry, type MailTransport } from './core/outbox/index.js';
import { redactUrl } from './core/render/redact-url.js';
import { requestLogger } from './core/request-logger.js';
import { createEmailKinds } from './email-kinds.js';
import { createServices, type Services } from './services.js';
import health from './modules/health/index.js';
import organisers from './modules/organisers/index.js';
import sessions from './modules/sessions/index.js';
import registrations from './modules/registrations/index.js';
import attendance from './modules/attendance/index.js';
import followups from './modules/followups/index.js';
import materials from './modules/materials/index.js';
import agenda from './modules/agenda/index.js';
import calls from './modules/calls/index.js';
import polls from './modules/polls/index.js';
import mail from './modules/mail/index.js';
import api from './modules/api/index.js';
import inbound from './modules/inbound/index.js';
import audit from './modules/audit/index.js';

export { redactUrl };

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    services: Services;
    /** The email kinds this app renders (owned by the app, handed to its dispatcher). */
    emailKinds: EmailKindRegistry;
    /** The periodic PRAGMA optimize of this app's database, stopped when the app closes. */
    dbOptimizer: Optimizer;
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

/** Trusts the `hops` nearest proxies: the client is the address `hops` steps back in X-Forwarded-For. */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * Gives routes whose request schemas say the same thing one and the same schema object. The
 * validator compiler keeps what it compiled per object, so the many routes that take the same
 * parameters or query (`:id`, `?lang=&msg=`…) share one compiled validator: fewer compilations
 * at start-up (34 instead of 58), nothing else changes.
 */
function shareRouteSchemas(app: FastifyInstance): void {
  const seen = new Map<string, unknown>();
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    for (const part of ['body', 'querystring', 'params', 'headers']) {
      const value = schema[part];
      if (value === undefined || value === null || typeof value !== 'object') continue;
      const key = JSON.stringify(value);
      const shared = seen.get(key);
      if (shared === undefined) seen.set(key, value);
      else schema[part] = shared;
    }
  });
}

/**
 * Fastify's own validator compiler (ajv), compiling each route's validator when the route is first
 * called rather than all of them at start-up: a start is ready sooner, and a route nobody calls
 * costs nothing. Ajv itself (with its formats) is likewise made for the first route called. The same
 * validators, the same errors.
 */
function lazyValidators(): (externalSchemas: Record<string, unknown>, options?: AjvCompilerOptions) => (route: RouteDefinition) => LazyValidate {
  const build = ajvCompiler();
  return (externalSchemas, options) => {
    let compile: ReturnType<typeof build> | undefined;
    return (route) => {
      let compiled: ReturnType<ReturnType<typeof build>> | undefined;
      const validate: LazyValidate = (data: unknown) => {
        compiled ??= (compile ??= build(externalSchemas as never, options))(route);
        const result = compiled(data);
        validate.errors = compiled.errors;
        return result;
      };
      return validate;
    };
  };
}
/**
 * Fastify's own response serializers (fast-json-stringify), likewise built when a route first answers
 * with that status rather than all at start-up (building them was a tenth of a cold start). The same
 * serializers, the same bytes.
 */
function lazySerializers(): (externalSchemas: unknown, options?: unknown) => (route: SerializerRoute) => (data: unknown) => string {
  const build = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options as never);
    return (route) => {
      let compiled: ((data: unknown) => string) | undefined;
      return (data) => (compiled ??= compile(route))(data);
    };
  };
}
type SerializerRoute = Parameters<ReturnType<ReturnType<typeof SerializerSelector>>>[0];
type AjvCompilerOptions = Parameters<ReturnType<typeof ajvCompiler>>[1];
type RouteDefinition = Parameters<ReturnType<ReturnType<typeof ajvCompiler>>>[0];
type LazyValidate = ((data: unknown) => unknown) & { errors?: unknown };

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
    // A request's logger (bound to its id) is made when the request first logs: most never do.
    childLoggerFactory: requestLogger,
    // Which proxies may tell the client's address (X-Forwarded-For): TRUST_PROXY, nobody by default.
    // A number of hops is given as the function Fastify builds for it (its types take no number).
    // Per-request log lines only when asked for (REQUEST_LOG), never for readiness probes; errors are logged either way.
    logController: new LogController({ disableRequestLogging: config.requestLog ? (req) => req.url === '/healthz' : true }),
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    schemaController: { compilersFactory: { buildValidator: lazyValidators() as never, buildSerializer: lazySerializers() as never } },
  });

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  shareRouteSchemas(app);

  const services = deps.services ?? createServices({ db, clock, config });
  app.decorate('config', config);
  app.decorate('services', services);
  app.decorate('emailKinds', createEmailKinds());

  await app.register(core, { config, cookieSecret: services.secret, db, clock });

  await app.register(health);
  await app.register(organisers);
  await app.register(sessions);
  await app.register(registrations);
  await app.register(attendance);
  await app.register(followups);
  await app.register(materials);
  await app.register(agenda);
  await app.register(calls);
  await app.register(polls);
  await app.register(mail);
  await app.register(api);
  await app.register(inbound);
  await app.register(audit);

  // The planner's statistics stay current while the app runs; refreshed once more when it closes.
  const optimizer = startOptimizing(db, { onError: (err) => app.log.warn({ err }, 'PRAGMA optimize failed') });
  app.decorate('dbOptimizer', optimizer);
  app.addHook('onClose', (_instance, done) => {
    optimizer.stop();
    done();
  });

  // Email: every kind is registered (above) before the dispatcher claims its first row.
  if (config.dispatcherEnabled) {
    const dispatcher = new Dispatcher({ db, clock, config, registry: app.emailKinds, transport: deps.mailer, logger: app.log.child({ module: 'email' }) });
    app.addHook('onReady', () => dispatcher.start());
    app.addHook('onClose', async () => dispatcher.stop());
  }

  return app;
}

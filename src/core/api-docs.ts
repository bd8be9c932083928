/**
 * The API's documentation under /api/docs: @fastify/swagger-ui's page, its scripts and styles, and
 * the spec as JSON and YAML. Loading that package (its own static-file server, a YAML library, a
 * file matcher) was a tenth of every start, for pages few people visit. So the app answers under
 * /api/docs through a small Fastify instance of its own, built with @fastify/swagger-ui on the first
 * visit and asked through `inject`. Its `swagger()` is the app's, so the spec is the one of the
 * app's routes. A visitor gets what the package answers when registered in the app: the same status,
 * headers (its Content-Security-Policy included) and bytes; a file it does not have is the app's
 * not-found answer, and an error (a path out of its folder) goes to the app's error handler.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import fp from 'fastify-plugin';

/** Where the documentation lives, and the package's options (its own CSP on every answer). */
const PREFIX = '/api/docs';
const UI_OPTIONS = { routePrefix: PREFIX, staticCSP: true } as const;

/** What the documentation's instance answered instead of a page: not found, or an error thrown. */
type Outcome = { notFound: true } | { error: unknown };

/** A request passed to the documentation's instance: its URL as sent (`inject` would resolve `..`), and how it ended. */
interface Call {
  url: string;
  outcome?: Outcome;
}

/** Names each request passed to the documentation's instance, so that its call is found there. */
const CALL_HEADER = 'x-kairos-docs-call';

/** Headers of the documentation's answer that the app's own answer sets itself. */
const NOT_COPIED = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** Builds the documentation's instance: @fastify/swagger-ui over the app's spec. */
async function buildDocs(app: FastifyInstance, calls: Map<string, Call>): Promise<FastifyInstance> {
  const { default: fastifySwaggerUi } = await import('@fastify/swagger-ui');
  const callOf = (headers: IncomingHttpHeaders) => calls.get(String(headers[CALL_HEADER]));
  // Routed by the URL as the visitor sent it, so that a path out of the package's folder is refused as before.
  const docs = Fastify({ logger: false, rewriteUrl: (req) => callOf(req.headers)?.url ?? req.url ?? '/' });
  docs.setNotFoundHandler((req, reply) => {
    const call = callOf(req.headers);
    if (call) call.outcome = { notFound: true };
    return reply.code(404).send();
  });
  docs.setErrorHandler((error, req, reply) => {
    const call = callOf(req.headers);
    if (call) call.outcome = { error };
    return reply.code(500).send();
  });
  // The package asks for @fastify/swagger by name; here it is the app's spec.
  await docs.register(
    fp(
      (instance, _opts, done) => {
        instance.decorate('swagger', app.swagger);
        done();
      },
      { name: '@fastify/swagger' },
    ),
  );
  await docs.register(fastifySwaggerUi, UI_OPTIONS);
  await docs.ready();
  return docs;
}

/** Answers every route of the documentation through its instance, built on the first request. */
export default fp(
  async (app) => {
    let docs: Promise<FastifyInstance> | undefined;
    const calls = new Map<string, Call>();
    let called = 0;
    app.addHook('onClose', async () => {
      await docs?.then(
        (instance) => instance.close(),
        () => undefined,
      );
    });

    async function answer(req: FastifyRequest, reply: FastifyReply) {
      docs ??= buildDocs(app, calls).catch((err: unknown) => {
        docs = undefined;
        throw err;
      });
      const id = String(++called);
      const call: Call = { url: req.url };
      calls.set(id, call);
      // A HEAD is asked as a GET: the app leaves the body out itself, as it does for every GET route.
      const res = await (await docs).inject({ method: 'GET', url: req.url, headers: { ...req.headers, [CALL_HEADER]: id } }).finally(() => calls.delete(id));
      const { outcome } = call;
      const csp = res.headers['content-security-policy'];
      if (outcome) {
        if (csp !== undefined) reply.header('content-security-policy', csp);
        if ('notFound' in outcome) return reply.callNotFound();
        throw outcome.error;
      }
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined && !NOT_COPIED.has(name)) reply.header(name, value);
      reply.code(res.statusCode);
      return res.rawPayload.length > 0 ? reply.send(res.rawPayload) : reply.send();
    }

    // The routes @fastify/swagger-ui registers: its page (with and without the trailing slash), the
    // spec as JSON and YAML, and its static files (the setup script and index.html among them).
    await app.register(
      (scope, _opts, done) => {
        for (const url of ['/', '/json', '/yaml', '/static/*']) scope.get(url, { schema: { hide: true } }, answer);
        done();
      },
      { prefix: PREFIX },
    );
  },
  { name: 'api-docs', dependencies: ['@fastify/swagger'] },
);

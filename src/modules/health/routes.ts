import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

/** Readiness: the database answers and its schema is migrated. */
export default function healthRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      const schema = app.services.health.schemaVersion();
      if (schema < 1) return reply.code(503).send({ status: 'unavailable', database: 'not migrated', schema });
      return { status: 'ok', database: 'ok', schema };
    } catch (err) {
      app.log.error({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', database: 'error' });
    }
  });
}

/**
 * Health: readiness (`GET /healthz`).
 * Outside this folder, code imports only this file.
 */
export { HealthService } from './service.js';
import fp from 'fastify-plugin';
import routes from './routes.js';
export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'health', dependencies: ['core'] },
);

/**
 * Health: readiness (`GET /healthz`).
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { HealthService, READINESS_WINDOW_MS } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'health', dependencies: ['core'] },
);

/**
 * The JSON API under /api/v1 and its documentation at /api/docs.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

export default fp(
  async (app) => {
    await app.register(routes, { prefix: '/api/v1' });
  },
  { name: 'api', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);

/**
 * Mail: the organiser's view of the outbox (list, detail, retry, pause and resume).
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { MailService } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'mail', dependencies: ['core', 'organisers'] },
);

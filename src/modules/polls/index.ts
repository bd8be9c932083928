/**
 * Date polls: candidate slots, personal voting links, ranking, the pick that schedules the session.
 * Outside this folder, code imports only this file.
 */
export { registerPollEmailKinds } from './emails.js';
export { pollRepository } from './repository.js';
import fp from 'fastify-plugin';
export { PollRepository } from './repository.js';
export { DEFAULT_REMINDER_HOURS } from './rules.js';
export { PollService } from './service.js';
import routes from './routes.js';
export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'polls', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);

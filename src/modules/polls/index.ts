/**
 * Date polls: candidate slots, personal voting links, ranking, the pick that schedules the session.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { registerPollEmailKinds } from './emails.js';
export { pollRepository, PollRepository } from './repository.js';
export { DEFAULT_REMINDER_HOURS } from './rules.js';
export { PollService } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'polls', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);

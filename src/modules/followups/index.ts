/**
 * Follow-ups: the messages sent after a session to attendees, absentees or everyone.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { followupRepository, FollowupRepository } from './repository.js';
export { FollowupService } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'followups', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);

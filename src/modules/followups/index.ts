/**
 * Follow-ups: the messages sent after a session to attendees, absentees or everyone.
 * Outside this folder, code imports only this file.
 */
export { followupRepository } from './repository.js';
import fp from 'fastify-plugin';
export { FollowupRepository } from './repository.js';
export { FollowupService } from './service.js';
import routes from './routes.js';
export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'followups', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);

/**
 * Calls for case studies: the owning hub of a session opens a call with a deadline in its zone;
 * organisers of every hub, and people invited by email through a personal link, propose case studies;
 * the owning hub accepts, declines or asks for changes, and each proposer hears of it by email.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { registerCallEmailKinds } from './emails.js';
export { callRepository, CallRepository, type Call, type Presenter, type Proposal } from './repository.js';
export { CallService, callState, type AcceptedProposal, type CallState } from './service.js';
export { openCallNotice } from './present.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'calls', dependencies: ['core', 'organisers', 'sessions'] },
);

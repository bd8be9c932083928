/**
 * Organisers: accounts, login and logout, their API tokens, server-side login sessions, API tokens, the signed-in organiser of a request.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';
import tokenRoutes from './tokens-routes.js';
import { organiserOf } from './signed-in.js';

// What other modules may use.
export { organiserRepository, OrganiserRepository, type Organiser, type TokenScope } from './repository.js';
export { AuthService } from './service.js';
export { organiserOf, requireOrganiser, signedInOrganiser } from './signed-in.js';

export default fp(
  async (app) => {
    // The page layout shows who is signed in (core/render asks through this decorator).
    app.decorate('signedInViewer', organiserOf);
    await app.register(routes);
    await app.register(tokenRoutes);
  },
  { name: 'organisers', dependencies: ['core'] },
);

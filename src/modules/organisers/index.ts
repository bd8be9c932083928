/**
 * Organisers: accounts, login and logout, server-side login sessions, API tokens, the signed-in organiser of a request.
 * Outside this folder, code imports only this file.
 */
export { organiserRepository } from './repository.js';
import fp from 'fastify-plugin';
export { OrganiserRepository, type Organiser } from './repository.js';
export { AuthService } from './service.js';
export { organiserOf, requireOrganiser } from './signed-in.js';
import routes from './routes.js';
import { organiserOf } from './signed-in.js';
export default fp(
  async (app) => {
    // The page layout shows who is signed in (core/render asks through this decorator).
    app.decorate('signedInViewer', organiserOf);
    await app.register(routes);
  },
  { name: 'organisers', dependencies: ['core'] },
);

/**
 * Organisers: accounts (people and roles, invitations, password change and reset, hub details), login and logout, their API tokens, server-side login sessions, API tokens, the signed-in organiser of a request.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';
import tokenRoutes from './tokens-routes.js';
import peopleRoutes from './people-routes.js';
import accountRoutes from './account-routes.js';
import linkRoutes from './link-routes.js';
import hubRoutes from './hubs-routes.js';
import { organiserOf } from './signed-in.js';

// What other modules may use.
export { organiserRepository, OrganiserRepository, type Organiser, type TokenScope } from './repository.js';
export { AuthService } from './service.js';
export { accountRepository, AccountRepository, type Invitation, type PasswordReset } from './accounts-repository.js';
export { AccountService } from './accounts-service.js';
export { ACCOUNT_EMAIL } from './account-links.js';
export { registerAccountEmailKinds } from './emails.js';
export { organiserOf, requireOrganiser, signedInOrganiser } from './signed-in.js';

export default fp(
  async (app) => {
    // The page layout shows who is signed in (core/render asks through this decorator).
    app.decorate('signedInViewer', organiserOf);
    await app.register(routes);
    await app.register(tokenRoutes);
    await app.register(peopleRoutes);
    await app.register(accountRoutes);
    await app.register(linkRoutes);
    await app.register(hubRoutes);
  },
  { name: 'organisers', dependencies: ['core'] },
);

/**
 * Audit: the organiser's page of the audit log (`/organiser/audit`), who did what and when. The
 * entries are written by every module through core/audit; this module only reads them.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { AuditService } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'audit', dependencies: ['core', 'organisers'] },
);

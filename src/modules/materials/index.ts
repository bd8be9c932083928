/**
 * Materials: links attached to a session (slides, recording, report, other), each for the public,
 * registered people or attendees, kept in order by its organisers.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { materialBlocks } from './emails.js';
export { shown as shownMaterials, type ShownMaterial } from './present.js';
export { materialRepository, MaterialRepository, type Material, type MaterialKind, type Visibility } from './repository.js';
export { MaterialService, visibilitiesFor, type Reader } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'materials', dependencies: ['core', 'organisers', 'sessions'] },
);

/**
 * Attendance: personal join links, marking by hand, the meeting tool's participants CSV.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { AttendanceService } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'attendance', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);

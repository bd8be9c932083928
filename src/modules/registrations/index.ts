/**
 * Registrations: the form and the API's registration, personal pages and calendar (invite, feed), confirmations, reminders, invites on change, the organiser's registration lists.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import calendarRoutes from './calendar-routes.js';
import organiserRoutes from './organiser-routes.js';
import routes from './routes.js';
import { MaintenanceService } from './maintenance.js';

// What other modules may use.
export { registerPersonalEmailKinds } from './emails.js';
export { InviteService } from './invites.js';
export { QuestionService } from './questions.js';
export { ReminderService } from './reminders.js';
export { registrationRepository, RegistrationRepository, type Registration, type RsvpAnswer } from './repository.js';
export { RegistrationService } from './service.js';
export { joinMac, joinToken, replyToken } from './tokens.js';
export { MaintenanceService, type MaintenanceResult, type Retention, type RetentionTask } from './maintenance.js';

export default fp(
  async (app) => {
    await app.register(routes);
    await app.register(calendarRoutes);
    await app.register(organiserRoutes);

    // Retention and the other periodic chores of registrations.
    const { config } = app;
    if (config.maintenanceIntervalMs > 0) {
      const maintenance = new MaintenanceService(
        app.services.registrations,
        app.services.clock,
        app.log.child({ module: 'maintenance' }),
        {
          retentionDays: config.retentionDays,
          audit: app.services.repos.audit,
          // Proposers of case studies, and the people invited to propose, under the same period.
          others: [(before) => app.services.calls.anonymiseExpired(before)],
        },
      );
      app.addHook('onReady', () => maintenance.start(config.maintenanceIntervalMs));
      app.addHook('onClose', () => maintenance.stop());
    }
  },
  { name: 'registrations', dependencies: ['core', 'organisers', 'sessions'] },
);

/**
 * Sessions: hubs, series and sessions (wall time + zone as the truth), the public pages and calendar files, the organiser's session forms, the 'notice' email.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import calendarRoutes from './calendar-routes.js';
import publicRoutes from './public-routes.js';
import routes from './routes.js';

// What other modules may use.
export { hasFixedTime, sessionToEvent } from './calendar-event.js';
export { calendarLinks, FEED_WINDOW_DAYS, feedWindowStart, logLeftOut, plausibleInstant, versionEtag } from './calendar-routes.js';
export { countryName, countryOptions, isCountryCode } from './countries.js';
export { greeting, registerNoticeEmailKind, sessionFacts, standardFooter } from './emails.js';
export { hubRepository, HubRepository, type Hub } from './hubs-repository.js';
export { sessionTimes, tentativeLabel } from './present.js';
export { sessionRepository, SessionRepository, type ListKey, type Session } from './repository.js';
export { mayOn } from './routes.js';
export { seriesRepository, SeriesRepository } from './series-repository.js';
export { INVITE_FIELDS, SessionService, type SessionChange, type SessionInput } from './service.js';
export { roomProvider, type RoomProvider } from './rooms.js';
export { DEMO_SETTING, DEMO_SLUG_PREFIX, demoState, removeDemo, type DemoState } from './demo.js';

export default fp(
  async (app) => {
    await app.register(publicRoutes);
    await app.register(calendarRoutes);
    await app.register(routes);
  },
  { name: 'sessions', dependencies: ['core', 'organisers'] },
);

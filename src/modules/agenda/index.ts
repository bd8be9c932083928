/**
 * Agenda: the items of a session in order (welcome, case study, talk, discussion, break, other),
 * each with a duration and its speakers; their times follow from the session's start, so moving the
 * session moves its agenda. Kept by the owning hub's organisers; shown on the public session page,
 * a printable page and in personal invites.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import routes from './routes.js';

// What other modules may use.
export { agendaView, calendarAgenda, type AgendaView, type ShownItem } from './present.js';
export { agendaRepository, AgendaRepository, type AgendaItem, type AgendaKind, type Speaker } from './repository.js';
export { AgendaService, type AgendaItemInput, type SessionRef as AgendaSessionRef, type SpeakerInput } from './service.js';

export default fp(
  async (app) => {
    await app.register(routes);
  },
  { name: 'agenda', dependencies: ['core', 'organisers', 'sessions'] },
);

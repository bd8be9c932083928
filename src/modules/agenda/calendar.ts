/**
 * The agenda of a session as a personal invite carries it (the registrations module fills the
 * event's `agenda` with it): read at send time, in the recipient's language and zone.
 */
import type { CalendarAgenda } from '../../core/calendar/index.js';
import type { DB } from '../../core/db/open.js';
import { calendarAgenda, type AgendaSession } from './present.js';
import { agendaRepository, type AgendaItem } from './repository.js';

export function agendaForInvite(db: DB, session: AgendaSession & { id: number }, lang: string, zone: string): CalendarAgenda | undefined {
  return agendaOfItems(session, agendaRepository(db).list(session.id), lang, zone);
}

/** The same from the session's items as already read (`agendaRepository(db).list`). */
export function agendaOfItems(session: AgendaSession, items: readonly AgendaItem[], lang: string, zone: string): CalendarAgenda | undefined {
  return calendarAgenda(session, items, zone, lang);
}

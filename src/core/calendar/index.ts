/**
 * Calendar module: personal invites (REQUEST / CANCEL), public files and feeds, add-to-calendar
 * links and plain-text times. The only module of Kairos that imports the `ics` package.
 */
export type { CalendarAgenda, CalendarAgendaItem, CalendarEvent, CalendarPerson, EventStatus, InviteMethod, InviteOptions, PublicCalendarOptions } from './types.js';
export { buildInvite, buildPublicCalendar, PRODID } from './build.js';
export { googleCalendarLink, googleSubscribeLink, outlookCalendarLink, OUTLOOK_HOSTS } from './links.js';
export { agendaText, plainTextWhen, whenInZone, eventDescription } from './describe.js';
export { cleanLine, cleanText, cleanParam } from './text.js';
export { foldLine, unfold } from './fold.js';
export { calendarStrings } from './strings.js';

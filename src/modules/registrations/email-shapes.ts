/**
 * What the emails about one session say alike to every registrant who reads them in the same
 * language and zone: the facts rows (title, times, duration), the add-to-calendar buttons and the
 * agenda (its lines in the email and its list in the invite). Made once per version of what they are
 * made of (the session's row, its hub's row, its agenda items, the public URL) and kept per database;
 * the renderers add each registrant's own parts (greeting, links, tokens, the invite's attendee).
 *
 * The version is the rows themselves, read as every email reads them: any change to the session, its
 * hub or its agenda gives another key, so an email never shows an old title, time or agenda.
 */
import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { Lru } from '../../core/lru.js';
import { agendaText, type CalendarAgenda } from '../../core/calendar/index.js';
import type { EmailBlock } from '../../core/outbox/layout.js';
import type { EmailConfig } from '../../core/outbox/types.js';
import { t } from '../../core/i18n/index.js';
import { agendaRepository, calendarAgenda } from '../agenda/index.js';
import { calendarLinks, hasFixedTime, sessionFacts, type Hub, type Session } from '../sessions/index.js';

export interface SessionShape {
  facts: { label: string; value: string }[];
  /** Google, Outlook.com and Microsoft 365 buttons of the public event (no join URL); none without a fixed time or once cancelled. */
  calendarButtons: EmailBlock[];
  /** The agenda in the recipient's zone, as the invite lists it (undefined when there is none). */
  agenda: CalendarAgenda | undefined;
  /** The same as the email's lines ('' when there is none). */
  agendaText: string;
}

const shapes = perDatabase(() => new Lru<string, SessionShape>(500));

export function sessionShape(db: DB, config: Pick<EmailConfig, 'publicUrl'>, session: Session, hub: Hub, lang: string, zone: string): SessionShape {
  const items = agendaRepository(db).list(session.id);
  const key = JSON.stringify([config.publicUrl, lang, zone, session, hub, items]);
  return shapes(db).getOrSet(key, () => {
    const calendarButtons: EmailBlock[] = [];
    if (hasFixedTime(session) && session.status !== 'cancelled') {
      // The public event in the recipient's language: the same links as the session page's.
      const links = calendarLinks(config, session, hub, { language: lang });
      if (links.google) calendarButtons.push({ type: 'button', href: links.google, label: t(lang, 'cal.google') });
      if (links.outlook) calendarButtons.push({ type: 'button', href: links.outlook, label: t(lang, 'cal.outlook') });
      if (links.outlook365) calendarButtons.push({ type: 'button', href: links.outlook365, label: t(lang, 'cal.outlook365') });
    }
    const agenda = calendarAgenda(session, items, zone, lang);
    return { facts: sessionFacts(session, lang, zone), calendarButtons, agenda, agendaText: agendaText(agenda, lang) };
  });
}

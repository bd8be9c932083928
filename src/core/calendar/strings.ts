/**
 * The few words the calendar module writes itself (description labels, plain-text times).
 * Kept here rather than in the shared catalogues so that invites never depend on a key being
 * present there. English and Greek are complete; the other languages of the network too;
 * anything else falls back to English.
 */

export interface CalendarStrings {
  /** Label before the session's time in the description. */
  when: string;
  /** Label before the join URL. */
  join: string;
  /** Label before the session page URL. */
  page: string;
  /** First line of a cancellation. */
  cancelled: string;
  /** Label before the time in the recipient's zone (plain text). */
  yourTime: string;
  /** Label before the time in the session's zone (plain text). */
  sessionTime: string;
  /** Title used when a session has none. */
  untitled: string;
  /** Heading of the agenda in the description (followed by the zone its times are in). */
  agenda: string;
}

const en: CalendarStrings = {
  when: 'When',
  join: 'Join online',
  page: 'Session page',
  cancelled: 'This session has been cancelled.',
  yourTime: 'Your time',
  sessionTime: 'Session time',
  untitled: 'Session',
  agenda: 'Agenda',
};

const STRINGS: Record<string, CalendarStrings> = {
  en,
  el: {
    when: 'Πότε',
    join: 'Σύνδεση online',
    page: 'Σελίδα της εκδήλωσης',
    cancelled: 'Αυτή η εκδήλωση ακυρώθηκε.',
    yourTime: 'Η ώρα σας',
    sessionTime: 'Ώρα της εκδήλωσης',
    untitled: 'Εκδήλωση',
    agenda: 'Πρόγραμμα',
  },
  ro: {
    when: 'Când',
    join: 'Participați online',
    page: 'Pagina sesiunii',
    cancelled: 'Această sesiune a fost anulată.',
    yourTime: 'Ora dumneavoastră',
    sessionTime: 'Ora sesiunii',
    untitled: 'Sesiune',
    agenda: 'Agenda',
  },
  lt: {
    when: 'Kada',
    join: 'Prisijungti internetu',
    page: 'Renginio puslapis',
    cancelled: 'Šis renginys atšauktas.',
    yourTime: 'Jūsų laikas',
    sessionTime: 'Renginio laikas',
    untitled: 'Renginys',
    agenda: 'Darbotvarkė',
  },
  it: {
    when: 'Quando',
    join: 'Partecipi online',
    page: 'Pagina della sessione',
    cancelled: 'Questa sessione è stata annullata.',
    yourTime: 'Il Suo orario',
    sessionTime: 'Orario della sessione',
    untitled: 'Sessione',
    agenda: 'Programma',
  },
  es: {
    when: 'Cuándo',
    join: 'Unirse en línea',
    page: 'Página de la sesión',
    cancelled: 'Esta sesión ha sido cancelada.',
    yourTime: 'Su hora',
    sessionTime: 'Hora de la sesión',
    untitled: 'Sesión',
    agenda: 'Programa',
  },
  pl: {
    when: 'Kiedy',
    join: 'Udział online',
    page: 'Strona sesji',
    cancelled: 'Ta sesja została odwołana.',
    yourTime: 'Państwa czas',
    sessionTime: 'Czas sesji',
    untitled: 'Sesja',
    agenda: 'Program',
  },
  bg: {
    when: 'Кога',
    join: 'Включване онлайн',
    page: 'Страница на сесията',
    cancelled: 'Тази сесия е отменена.',
    yourTime: 'Вашето време',
    sessionTime: 'Време на сесията',
    untitled: 'Сесия',
    agenda: 'Програма',
  },
};

/** Base language of a tag ("el-GR" → "el"); unknown languages get English. */
export function calendarLanguage(lang: string | undefined): string {
  const [base = ''] = (lang ?? 'en').toLowerCase().split(/[-_]/);
  return base in STRINGS ? base : 'en';
}

export function calendarStrings(lang: string | undefined): CalendarStrings {
  return STRINGS[calendarLanguage(lang)] ?? en;
}

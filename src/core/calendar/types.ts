/** Plain inputs of the calendar module: no database rows, no Fastify, only what a file needs. */

export type EventStatus = 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';

export interface CalendarPerson {
  name: string;
  email: string;
}

/** One item of a session's agenda, as an invite lists it: its times and its words (already in the event's language). */
export interface CalendarAgendaItem {
  /** UTC instants, epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** "Case study: title — Name (Affiliation)": one line, in the event's language. */
  text: string;
}

/** A session's agenda in one reader's zone: the times are written in `zone`, which is named once. */
export interface CalendarAgenda {
  zone: string;
  items: readonly CalendarAgendaItem[];
}

export interface CalendarEvent {
  /** Stable per session, e.g. "session-12-abc@kairos.example"; stored, never regenerated. */
  uid: string;
  /** Goes up on every change that is sent. */
  sequence: number;
  /** UTC instants, epoch milliseconds (whole seconds are kept; milliseconds are dropped). */
  startMs: number;
  endMs: number;
  /** The session's IANA zone, used for the human-readable time in the description. */
  zone: string;
  title: string;
  description: string;
  /** Join URL of the online meeting. */
  url?: string | null;
  /** The session's public page. */
  pageUrl?: string;
  status: EventStatus;
  /** The organising hub's mailbox (never a registrant). */
  organizer: CalendarPerson;
  /**
   * Language of the generated text (description labels and dates, link text, the "Cancelled:" title
   * prefix in feeds): the recipient's for personal invites and feeds, the session's for public files.
   * Default 'en'.
   */
  language?: string;
  createdMs?: number;
  lastModifiedMs?: number;
  /** The session's agenda (personal invites: in the recipient's zone); none, or empty, writes nothing. */
  agenda?: CalendarAgenda;
}

export type InviteMethod = 'REQUEST' | 'CANCEL';

export interface InviteOptions {
  method: InviteMethod;
  /** DTSTAMP: when this message was created (the injected clock, not Date.now()). */
  stampMs: number;
  /**
   * Where calendar replies go: the ORGANIZER's mailbox (`email`, a per-registration reply address)
   * and the message's sender (`sentBy`, written as SENT-BY when it differs). Given, the ATTENDEE is
   * asked RSVP=TRUE; without it the hub's mailbox is the ORGANIZER and RSVP=FALSE.
   */
  replyTo?: { email: string; sentBy?: string };
}

export interface PublicCalendarOptions {
  /** Shown by calendar clients as the calendar's name (X-WR-CALNAME). */
  name: string;
  /** DTSTAMP of every event. */
  stampMs: number;
  /**
   * 'PUBLISH' makes the file an iTIP publication (then RFC 5546 wants an ORGANIZER, which is the
   * hub's mailbox). Without it the file is a plain iCalendar object with no METHOD and no ORGANIZER.
   */
  method?: 'PUBLISH';
  /** For subscribed feeds: how often clients should refresh (REFRESH-INTERVAL and X-PUBLISHED-TTL), in minutes. */
  refreshMinutes?: number;
  /**
   * Given, an event that cannot be written is left out and reported here, and the rest of the
   * calendar is still built; without it, such an event makes the whole call throw.
   */
  onEventError?: (event: CalendarEvent, error: unknown) => void;
}

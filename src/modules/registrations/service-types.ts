/** What the registration service promises its callers and listeners. */
import type { Registration } from './repository.js';
import type { Session } from '../sessions/index.js';

/** Email kinds the registration flow sends (renderers in ./emails.ts). */
export const REG_EMAIL = {
  received: 'registration.received',
  confirmed: 'registration.confirmed',
  waitlisted: 'registration.waitlisted',
  promoted: 'registration.promoted',
  cancelled: 'registration.cancelled',
  link: 'registration.link',
} as const;

export type RegisterOutcome = 'pending' | 'confirmed' | 'waitlisted' | 'duplicate';

export interface RegisterResult {
  registration: Registration;
  outcome: RegisterOutcome;
  /**
   * Whether the registration holds a seat now (confirmed, or pending within the share of seats
   * unconfirmed registrations may hold). A pending registration without one gets a seat when it is
   * confirmed, if one is still free.
   */
  seatHeld?: boolean;
}


/** Called inside the transaction that changed a registration (reminders, invites…). */
export interface RegistrationHooks {
  /** The registration now holds a confirmed seat; `session` is its session as just read, when the caller has it. */
  confirmed?: (reg: Registration, session?: Session) => void;
  /** Its language or time zone changed. */
  preferencesChanged?: (reg: Registration) => void;
  /**
   * Its personal data was erased: on request (`email` is the address it had, so that every record
   * made from it goes too) or by retention (`email` null: only what hangs on this registration).
   */
  erased?: (registrationId: number, email: string | null) => void;
  /** More records about the same person for a data export (e.g. date-poll votes), keyed by section. */
  exporting?: (reg: Registration) => Record<string, unknown>;
}

/** What a person gets when they download their data (right of access): everything kept about their registration. */
import type { PersonalMail } from '../../core/outbox/personal-data.js';
import type { Session } from '../sessions/index.js';
import type { Registration } from './repository.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function personalDataExport(d: { reg: Registration; session: Session; hub: string | null; questions: Map<string, string>; emails: PersonalMail[]; now: number }): Record<string, unknown> {
  const { reg: r, hub, questions } = d;
  return {
    exportedAt: iso(d.now),
    session: { id: d.session.id, title: d.session.title, start: iso(d.session.startUtc), zone: d.session.zone },
    registration: {
      status: r.status,
      name: r.name,
      email: r.email,
      organisation: r.organisation,
      organisationType: r.orgType,
      hub,
      country: r.country,
      language: r.language,
      timeZone: r.zone,
      privacyNoticeVersion: r.consentVersion,
      privacyConsentAt: iso(r.consentAt),
      followUpEmails: r.followupConsent,
      followUpConsentAt: iso(r.followupConsentAt),
      answers: Object.fromEntries(Object.entries(r.answers).map(([k, v]) => [questions.get(k) ?? k, v])),
      registeredAt: iso(r.createdAt),
      emailConfirmedAt: iso(r.emailVerifiedAt),
      confirmedAt: iso(r.confirmedAt),
      waitlistedAt: iso(r.waitlistedAt),
      cancelledAt: iso(r.cancelledAt),
    },
    emails: d.emails,
  };
}

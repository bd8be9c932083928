/** A registration as the rest of Kairos sees it, and as a row of the registrations table. */
export type RegistrationStatus = 'pending' | 'confirmed' | 'waitlisted' | 'cancelled' | 'expired';
export type OrgType = 'public' | 'sme' | 'large' | 'research' | 'ngo' | 'other';
export const ORG_TYPES: OrgType[] = ['public', 'sme', 'large', 'research', 'ngo', 'other'];
export type RegistrationSource = 'form' | 'api' | 'organiser' | 'invitation';

export interface Registration {
  id: number;
  sessionId: number;
  status: RegistrationStatus;
  name: string;
  email: string | null;
  organisation: string;
  orgType: OrgType;
  hubId: number | null;
  country: string;
  language: string;
  zone: string;
  consentVersion: string;
  consentAt: number;
  followupConsent: boolean;
  followupConsentAt: number | null;
  answers: Record<string, string>;
  tokenNonce: string;
  emailVerifiedAt: number | null;
  holdUntil: number | null;
  waitlistedAt: number | null;
  confirmedAt: number | null;
  cancelledAt: number | null;
  cycle: number;
  source: RegistrationSource;
  anonymisedAt: number | null;
  attendedAt: number | null;
  attendanceSource: 'link' | 'manual' | 'import' | null;
  /** The answer to the invite that came back by mail (a DECLINED cancels instead), and when. */
  rsvp: RsvpAnswer | null;
  rsvpAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type RsvpAnswer = 'ACCEPTED' | 'TENTATIVE';

export interface RegistrationRow {
  id: number;
  session_id: number;
  status: RegistrationStatus;
  name: string;
  email: string | null;
  email_norm: string;
  organisation: string;
  org_type: OrgType;
  hub_id: number | null;
  country: string;
  language: string;
  zone: string;
  consent_version: string;
  consent_at: number;
  followup_consent: number;
  followup_consent_at: number | null;
  answers: string;
  token_nonce: string;
  token_hash: string;
  email_verified_at: number | null;
  hold_until: number | null;
  waitlisted_at: number | null;
  confirmed_at: number | null;
  cancelled_at: number | null;
  cycle: number;
  source: RegistrationSource;
  anonymised_at: number | null;
  attended_at: number | null;
  attendance_source: 'link' | 'manual' | 'import' | null;
  rsvp?: RsvpAnswer | null;
  rsvp_at?: number | null;
  created_at: number;
  updated_at: number;
}

export const toRegistration = (r: RegistrationRow): Registration => ({
  id: r.id,
  sessionId: r.session_id,
  status: r.status,
  name: r.name,
  email: r.email,
  organisation: r.organisation,
  orgType: r.org_type,
  hubId: r.hub_id,
  country: r.country,
  language: r.language,
  zone: r.zone,
  consentVersion: r.consent_version,
  consentAt: r.consent_at,
  followupConsent: r.followup_consent === 1,
  followupConsentAt: r.followup_consent_at,
  answers: JSON.parse(r.answers) as Record<string, string>,
  tokenNonce: r.token_nonce,
  emailVerifiedAt: r.email_verified_at,
  holdUntil: r.hold_until,
  waitlistedAt: r.waitlisted_at,
  confirmedAt: r.confirmed_at,
  cancelledAt: r.cancelled_at,
  cycle: r.cycle,
  source: r.source,
  anonymisedAt: r.anonymised_at,
  attendedAt: r.attended_at,
  attendanceSource: r.attendance_source,
  rsvp: r.rsvp ?? null,
  rsvpAt: r.rsvp_at ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A registration as it is first written: the fields of Registration it sets, with an address and a token hash. */
export interface NewRegistration
  extends Pick<
    Registration,
    | 'sessionId' | 'status' | 'name' | 'organisation' | 'orgType' | 'hubId' | 'country' | 'language' | 'zone'
    | 'consentVersion' | 'followupConsent' | 'answers' | 'tokenNonce' | 'emailVerifiedAt' | 'holdUntil'
    | 'waitlistedAt' | 'confirmedAt' | 'source'
  > {
  email: string;
  tokenHash: string;
}

/** Columns a status change may set; anything else is not changed by `transition`. */
export interface Transition {
  status: RegistrationStatus;
  holdUntil?: number | null;
  waitlistedAt?: number | null;
  confirmedAt?: number | null;
  cancelledAt?: number | null;
  emailVerifiedAt?: number | null;
}

export interface RegistrationFilter {
  status?: RegistrationStatus;
  hubId?: number | 'none';
  country?: string;
  orgType?: OrgType;
}

export interface Question {
  id: number;
  sessionId: number;
  label: string;
  kind: 'text' | 'choice';
  options: string[];
  required: boolean;
  position: number;
}

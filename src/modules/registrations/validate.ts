/**
 * A registration as a person typed it (form or API), checked field by field: every refusal names
 * its field, and all of them are reported at once. Pure: the session's questions and the known hubs
 * are given.
 */
import { validateEmailAddress } from '../../core/email-address.js';
import { FieldErrors } from '../../core/errors.js';
import { isLanguage } from '../../core/i18n/index.js';
import { hasControl, singleLine, str } from '../../core/text.js';
import { validateZone } from '../../core/time/index.js';
import { isCountryCode, type Session } from '../sessions/index.js';
import { ORG_TYPES, type NewRegistration, type OrgType, type Question } from './repository.js';

/** The privacy notice in force; each registration records the version it accepted. */
export const PRIVACY_VERSION = '2026-11';

export interface RegistrationInput {
  name?: unknown;
  email?: unknown;
  organisation?: unknown;
  orgType?: unknown;
  hubId?: unknown;
  country?: unknown;
  language?: unknown;
  zone?: unknown;
  consent?: unknown;
  followupConsent?: unknown;
  answers?: unknown;
}

/** A checked registration, ready to be stored (with the consent that was given). */
export type ValidRegistration = Omit<NewRegistration, 'sessionId' | 'status' | 'tokenNonce' | 'tokenHash' | 'emailVerifiedAt' | 'holdUntil' | 'waitlistedAt' | 'confirmedAt' | 'source'> & { consent: boolean };

/** A checkbox or flag sent by a form or as JSON. */
export const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1' || v === 1 || v === 'yes';

export function validateRegistration(session: Session, input: RegistrationInput, known: { questions: Question[]; hubExists: (id: number) => boolean }): ValidRegistration {
  const errs = new FieldErrors();
  const rawName = str(input.name);
  const name = singleLine(rawName);
  if (!name) errs.add('name', 'required', 'your name is required');
  else if (name.length > 120) errs.add('name', 'too_long', 'at most 120 characters', { max: 120 });
  const email = errs.catch('email', () => validateEmailAddress(input.email, 'email')) ?? '';
  const rawOrg = str(input.organisation);
  const organisation = singleLine(rawOrg);
  if (organisation.length > 200) errs.add('organisation', 'too_long', 'at most 200 characters', { max: 200 });
  const orgType = str(input.orgType) as OrgType;
  if (!ORG_TYPES.includes(orgType)) errs.add('orgType', 'org_type_invalid', `one of ${ORG_TYPES.join(', ')}`);
  let hubId: number | null = null;
  const rawHub = input.hubId;
  if (rawHub !== undefined && rawHub !== null && rawHub !== '' && rawHub !== 'none') {
    hubId = Number(rawHub);
    if (!Number.isInteger(hubId) || !known.hubExists(hubId)) errs.add('hubId', 'hub_unknown', 'choose a hub from the list, or none');
  }
  const country = str(input.country).toUpperCase();
  if (!isCountryCode(country)) errs.add('country', 'country_invalid', 'choose a country from the list');
  const language = str(input.language) || session.language;
  if (!isLanguage(language)) errs.add('language', 'language_invalid', 'unsupported language');
  const zone = errs.catch('zone', () => validateZone(input.zone, 'zone')) ?? 'UTC';
  const consent = truthy(input.consent);
  if (!consent) errs.add('consent', 'consent_required', 'please accept the privacy notice to register');
  const followupConsent = truthy(input.followupConsent);

  const answers: Record<string, string> = {};
  const given = (input.answers && typeof input.answers === 'object' ? input.answers : {}) as Record<string, unknown>;
  for (const q of known.questions) {
    const field = `q${q.id}`;
    const value = singleLine(str(given[field] ?? given[String(q.id)])).slice(0, 500);
    if (q.required && !value) errs.add(field, 'required', 'this answer is required');
    else if (value && q.kind === 'choice' && !q.options.includes(value)) errs.add(field, 'choice_invalid', 'choose one of the options');
    if (value) answers[String(q.id)] = value;
  }
  // Control characters and line breaks are stripped above; a name made only of them is empty.
  if (hasControl(rawName) && !name) errs.add('name', 'required', 'your name is required');
  errs.throwIfAny();
  return { name, email, organisation, orgType, hubId, country, language, zone, consentVersion: PRIVACY_VERSION, followupConsent, answers, consent };
}

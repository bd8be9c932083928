/**
 * The checks of a call's and a proposal's fields: what a form sends, the limits, the link rules.
 */
import { FieldErrors } from '../../core/errors.js';
import { checkHttpsLink } from '../../core/https-link.js';
import { isLanguage } from '../../core/i18n/index.js';
import { validateEmailAddress } from '../../core/outbox/index.js';
import { multiLine, singleLine, str } from '../../core/text.js';
import { CALL_COUNTRIES, type CallCountry, type Presenter, type ProposalData } from './repository.js';

export const INTRO_MAX = 2000;
export const TITLE_MAX = 200;
export const SUMMARY_MAX = 1500;
export const NAME_MAX = 200;
export const PRESENTERS_MAX = 5;
export const URL_MAX = 2000;
export const MESSAGE_MAX = 2000;

/** What a form gives for a call: text, checked here. */
export interface CallInput {
  deadlineDate?: unknown;
  deadlineTime?: unknown;
  intro?: unknown;
}

export interface InviteInput {
  name?: unknown;
  email?: unknown;
  language?: unknown;
  zone?: unknown;
}

export interface DecisionInput {
  decision?: unknown;
  message?: unknown;
}

/** A proposal's fields as a form sends them (presenters as presenterName1…5 and presenterAffiliation1…5). */
export type ProposalInput = Record<string, unknown>;

/**
 * An absolute https address, as the browser would read it, or the code of the reason it is refused
 * (`javascript:`, `data:`, plain http and anything that is not a whole https address).
 */
export function checkLink(raw: string): { url: string } | { code: string; params?: Record<string, number> } {
  return checkHttpsLink(raw, URL_MAX, { invalid: 'link_url', http: 'link_url_http' });
}

/** Checks a proposal's fields; every refused field is named at once. `hubExists` says whether a hub id is one of the hubs. */
export function validateProposal(input: ProposalInput, hubExists: (id: number) => boolean): ProposalData {
  const errs = new FieldErrors();
  const title = singleLine(str(input.title));
  if (!title) errs.add('title', 'required', 'a title is required');
  else if (title.length > TITLE_MAX) errs.add('title', 'too_long', `at most ${TITLE_MAX} characters`, { max: TITLE_MAX });
  const summary = multiLine(str(input.summary));
  if (!summary) errs.add('summary', 'required', 'a summary is required');
  else if (summary.length > SUMMARY_MAX) errs.add('summary', 'too_long', `at most ${SUMMARY_MAX} characters`, { max: SUMMARY_MAX });
  const presenters: Presenter[] = [];
  for (let i = 1; i <= PRESENTERS_MAX; i++) {
    const name = singleLine(str(input[`presenterName${i}`]));
    const affiliation = singleLine(str(input[`presenterAffiliation${i}`]));
    if (!name && !affiliation) continue;
    if (!name) errs.add(`presenterName${i}`, 'required', 'a name is required');
    else if (name.length > NAME_MAX) errs.add(`presenterName${i}`, 'too_long', `at most ${NAME_MAX} characters`, { max: NAME_MAX });
    if (!affiliation) errs.add(`presenterAffiliation${i}`, 'required', 'an affiliation is required');
    else if (affiliation.length > NAME_MAX) errs.add(`presenterAffiliation${i}`, 'too_long', `at most ${NAME_MAX} characters`, { max: NAME_MAX });
    presenters.push({ name, affiliation });
  }
  if (!presenters.length) errs.add('presenterName1', 'presenter_missing', 'name at least one presenter');
  const hubId = /^\d{1,12}$/.test(str(input.hubId)) ? Number(str(input.hubId)) : 0;
  if (!hubExists(hubId)) errs.add('hubId', 'hub_choice', 'choose one of the hubs');
  const country = str(input.country);
  if (!(CALL_COUNTRIES as readonly string[]).includes(country)) errs.add('country', 'country_choice', 'choose one of the countries, or other');
  const language = str(input.language);
  if (!isLanguage(language)) errs.add('language', 'language_invalid', 'choose one of the languages');
  const rawUrl = str(input.materialsUrl).trim();
  let materialsUrl: string | null = null;
  if (rawUrl) {
    const checked = checkLink(rawUrl);
    if ('code' in checked) errs.add('materialsUrl', checked.code, 'an absolute https:// address is required', checked.params ?? {});
    else materialsUrl = checked.url;
  }
  const proposerName = singleLine(str(input.proposerName));
  if (!proposerName) errs.add('proposerName', 'required', 'a name is required');
  else if (proposerName.length > NAME_MAX) errs.add('proposerName', 'too_long', `at most ${NAME_MAX} characters`, { max: NAME_MAX });
  const proposerEmail = errs.catch('proposerEmail', () => validateEmailAddress(input.proposerEmail, 'proposerEmail')) ?? '';
  const proposerLanguage = str(input.proposerLanguage);
  if (!isLanguage(proposerLanguage)) errs.add('proposerLanguage', 'language_invalid', 'choose one of the languages');
  errs.throwIfAny();
  return { title, summary, presenters, hubId, country: country as CallCountry, language, materialsUrl, proposerName, proposerEmail, proposerLanguage };
}

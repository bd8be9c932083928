/** View models of calls for case studies: the call, its proposals, the counts, the form's choices. */
import { LANGUAGES, LANGUAGE_NAMES, t } from '../../core/i18n/index.js';
import { formatDate, formatInZone, formatTime, zoneLabel } from '../../core/time/index.js';
import { countryName, type Hub } from '../sessions/index.js';
import { CALL_COUNTRIES, DECISIONS, type Call, type Proposal } from './repository.js';
import type { CallState, Tally } from './service.js';

/** A country of a proposal in the reader's language ("Other" for anywhere outside the network). */
export function countryLabel(code: string, lang: string): string {
  return code === 'other' ? t(lang, 'call.country.other') : countryName(code, lang);
}

const languageName = (code: string) => (LANGUAGE_NAMES as Record<string, string>)[code] ?? code;

/** The call as a page shows it: its deadline in the call's zone (and the reader's, when another), open or closed since when. */
export function shownCall(call: Call, state: CallState, lang: string, zone: string) {
  const inCallZone = formatInZone(call.deadlineUtc, call.zone, lang);
  return {
    ...call,
    open: state.open,
    deadline: zone === call.zone ? inCallZone : `${formatInZone(call.deadlineUtc, zone, lang)} — ${inCallZone}`,
    deadlineInCallZone: inCallZone,
    closedEarly: call.closedAt !== null && call.closedAt < call.deadlineUtc,
    closedOn: formatInZone(state.closesAt, zone, lang),
  };
}

/** A proposal in a list: its hub, country, language and status in words. */
export function shownProposal(p: Proposal, hubName: (id: number) => string, lang: string) {
  return {
    ...p,
    hubName: hubName(p.hubId),
    countryLabel: countryLabel(p.country, lang),
    languageName: languageName(p.language),
    proposerLanguageName: languageName(p.proposerLanguage),
    anonymised: p.anonymisedAt !== null,
    statusLabel: t(lang, `call.status.${p.status}`),
    presentersText: p.presenters.map((x) => `${x.name} (${x.affiliation})`).join('; '),
  };
}

/** The counts per country or per hub, labelled. */
export function shownTallies(list: Tally[], label: (key: string) => string) {
  return list.map((r) => ({ ...r, label: label(r.key) }));
}

/** The choices of the proposal form, labelled in the page's language. */
export function proposalChoices(hubs: Hub[], lang: string) {
  return {
    hubs: [{ value: '', label: t(lang, 'call.choose') }, ...hubs.map((h) => ({ value: String(h.id), label: h.name }))],
    countries: [{ value: '', label: t(lang, 'call.choose') }, ...CALL_COUNTRIES.map((c) => ({ value: c, label: countryLabel(c, lang) }))],
    langChoices: [{ value: '', label: t(lang, 'call.choose') }, ...LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_NAMES[code] }))],
    presenterRows: [1, 2, 3, 4, 5],
  };
}

/** The decisions an organiser takes, labelled. */
export function decisionChoices(lang: string) {
  return DECISIONS.map((d) => ({ value: d, label: t(lang, `call.decide.${d}`) }));
}

/** A proposal's fields as the form shows them again. */
export function proposalValues(p: Proposal): Record<string, string> {
  const out: Record<string, string> = {
    title: p.title,
    summary: p.summary,
    hubId: String(p.hubId),
    country: p.country,
    language: p.language,
    materialsUrl: p.materialsUrl ?? '',
    proposerName: p.proposerName,
    proposerEmail: p.proposerEmail,
    proposerLanguage: p.proposerLanguage,
  };
  p.presenters.forEach((x, i) => {
    out[`presenterName${i + 1}`] = x.name;
    out[`presenterAffiliation${i + 1}`] = x.affiliation;
  });
  return out;
}

/**
 * "Call for case studies open until …" for the public session page: the deadline's date and time in
 * the call's zone, named, the same for every visitor (no offset: a page about an undated meeting
 * shows no instant that could pass for its time); nothing when the session has no open call.
 */
export function openCallNotice(call: Call | undefined, state: CallState | undefined, lang: string): string | undefined {
  if (!call || !state?.open) return undefined;
  const deadline = `${formatDate(call.deadlineUtc, call.zone, lang)}, ${formatTime(call.deadlineUtc, call.zone)} (${zoneLabel(call.zone)})`;
  return t(lang, 'call.publicNotice', { deadline });
}

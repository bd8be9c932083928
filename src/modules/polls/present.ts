/**
 * What a date poll looks like to one reader: each slot in the reader's zone and the slot's zone, with
 * every place's local time and working-hours marks; and the results (counts per slot, per country and
 * per hub, the heat map's scale, the ranking). Counts only: no names or addresses.
 */
import { t, tKey } from '../../core/i18n/index.js';
import { PLACES, formatInZone, formatTime, placeTimes, toIsoUtc, type PlaceTime } from '../../core/time/index.js';
import { countryName, type Hub } from '../sessions/index.js';
import type { AnswerCount, PollSlot, PollVoter } from './repository.js';

/** The countries of the network, in the order of PLACES (Spain once, for Madrid and the Canary Islands). */
export const NETWORK_COUNTRIES: readonly string[] = [...new Set(PLACES.map((p) => p.countryCode))];

/** What the results are computed from (read by the service from the repositories). */
export interface ResultsData {
  slots: PollSlot[];
  counts: AnswerCount[];
  voters: PollVoter[];
  totals: { voters: number; answered: number };
  hubs: Hub[];
}

/** How a slot looks to one reader: its wall time, the reader's time, every place with working-hours marks. */
export interface SlotView {
  id: number;
  startDate: string;
  startTime: string;
  zone: string;
  durationMinutes: number;
  startUtc: number;
  startIso: string;
  /** In the slot's (organiser's) zone, naming it. */
  inSlotZone: string;
  endInSlotZone: string;
  /** In the reader's zone, naming it. */
  inViewerZone: string;
  endInViewerZone: string;
  /** Shorter, for table rows: "14 Sept 2021, 11:00 (Europe/Athens, UTC+03:00)". */
  shortInViewerZone: string;
  viewerZone: string;
  sameZone: boolean;
  places: readonly PlaceTime[];
  /** Places where the slot falls outside working hours. */
  outside: PlaceTime[];
  /** Countries of the network where every place is within working hours. */
  countriesInHours: number;
  countriesTotal: number;
}

export interface AnswerTally {
  yes: number;
  maybe: number;
  no: number;
}

export interface SlotResult extends SlotView, AnswerTally {
  /** Keyed by country code. */
  byCountry: Record<string, AnswerTally>;
  /** Keyed by hub id, or 'none'. */
  byHub: Record<string, AnswerTally>;
  rank: number;
}

export interface PollResults {
  /** Chronological. */
  slots: SlotResult[];
  /** Best first. */
  ranking: SlotResult[];
  countries: { code: string; label: string }[];
  hubs: { key: string; label: string; country: string }[];
  voters: number;
  answered: number;
  /** Highest yes + if-need-be count in any heat-map cell (for shading). */
  maxCell: number;
}

/** A slot as one reader sees it. */
export function slotView(slot: PollSlot, viewerZone: string, lang: string): SlotView {
  const places = placeTimes(slot.startUtc, slot.durationMinutes, slot.zone);
  const countries = new Map<string, boolean>();
  for (const p of places) countries.set(p.place.countryCode, (countries.get(p.place.countryCode) ?? true) && p.workingHours);
  return {
    id: slot.id,
    startDate: slot.startDate,
    startTime: slot.startTime,
    zone: slot.zone,
    durationMinutes: slot.durationMinutes,
    startUtc: slot.startUtc,
    startIso: toIsoUtc(slot.startUtc),
    inSlotZone: formatInZone(slot.startUtc, slot.zone, lang),
    endInSlotZone: formatTime(slot.endUtc, slot.zone),
    inViewerZone: formatInZone(slot.startUtc, viewerZone, lang),
    endInViewerZone: formatTime(slot.endUtc, viewerZone),
    shortInViewerZone: formatInZone(slot.startUtc, viewerZone, lang, 'medium'),
    viewerZone,
    sameZone: viewerZone === slot.zone,
    places,
    outside: places.filter((p) => !p.workingHours),
    countriesInHours: [...countries.values()].filter(Boolean).length,
    countriesTotal: countries.size,
  };
}


/** Counts per slot, per country and per hub, and the ranking. No names or addresses. */
export function pollResults(data: ResultsData, viewerZone: string, lang: string): PollResults {
  const { slots, counts, hubs, totals } = data;
  const voterList = data.voters;
  const empty = (): AnswerTally => ({ yes: 0, maybe: 0, no: 0 });
  const extraCountries = [...new Set(voterList.map((v) => v.country).filter((c) => !NETWORK_COUNTRIES.includes(c)))].sort();
  const countryCodes = [...NETWORK_COUNTRIES, ...extraCountries];
  const hubKeys = hubs.map((h) => String(h.id));
  const hasNoHub = voterList.some((v) => v.hubId === null);
  const results: SlotResult[] = slots.map((s) => ({
    ...slotView(s, viewerZone, lang),
    ...empty(),
    byCountry: Object.fromEntries(countryCodes.map((c) => [c, empty()])),
    byHub: Object.fromEntries([...hubKeys, ...(hasNoHub ? ['none'] : [])].map((k) => [k, empty()])),
    rank: 0,
  }));
  const bySlot = new Map(results.map((r) => [r.id, r]));
  for (const c of counts) {
    const r = bySlot.get(c.slotId);
    if (!r) continue;
    r[c.answer] += c.n;
    (r.byCountry[c.country] ??= empty())[c.answer] += c.n;
    (r.byHub[c.hubId === null ? 'none' : String(c.hubId)] ??= empty())[c.answer] += c.n;
  }
  const ranking = [...results].sort((a, b) => b.yes - a.yes || b.maybe - a.maybe || b.countriesInHours - a.countriesInHours || a.startUtc - b.startUtc);
  ranking.forEach((r, i) => (r.rank = i + 1));
  let maxCell = 0;
  for (const r of results) {
    for (const v of [...Object.values(r.byCountry), ...Object.values(r.byHub)]) maxCell = Math.max(maxCell, v.yes + v.maybe);
  }
  return {
    slots: results,
    ranking,
    countries: countryCodes.map((code) => ({ code, label: NETWORK_COUNTRIES.includes(code) ? tKey(lang, `country.${code}`, 'country.other') : countryName(code, lang) })),
    hubs: [
      ...hubs.map((h) => ({ key: String(h.id), label: h.name, country: NETWORK_COUNTRIES.includes(h.countryCode) ? tKey(lang, `country.${h.countryCode}`, 'country.other') : countryName(h.countryCode, lang) })),
      ...(hasNoHub ? [{ key: 'none', label: t(lang, 'poll.results.noHub'), country: '' }] : []),
    ],
    voters: totals.voters,
    answered: totals.answered,
    maxCell,
  };
}

/**
 * Turns sessions into what people read: times in a viewer's zone and the session's zone, each
 * naming its zone, the rough time of a tentative session, and the time in every participating place.
 */
import { t } from '../../core/i18n/index.js';
import type { Session } from './repository.js';
import { formatInZone, formatMonth, formatTime, placeTimes, toIsoInZone, toIsoUtc, type PlaceTime } from '../../core/time/index.js';

export interface SessionTimes {
  /** False while the date is not fixed. */
  fixed: boolean;
  /** The rough time of a tentative session, e.g. "mid September 2021, date to be announced". */
  tentativeLabel?: string;
  /** In the session's (organiser's) zone, naming it. */
  inSessionZone?: string;
  /** In the viewer's zone, naming it. */
  inViewerZone?: string;
  endInViewerZone?: string;
  viewerZone: string;
  sameZone: boolean;
  places: readonly PlaceTime[];
  startIso?: string;
  endIso?: string;
  startIsoLocal?: string;
}

/** The dates of a repeat as the organiser checks them: in their own zone and in the session's, each naming its zone. */
export function repeatPreview(items: readonly { date: string; startUtc: number }[], zone: string, viewerZone: string, lang: string) {
  return items.map((i) => ({ date: i.date, startIso: toIsoUtc(i.startUtc), inViewerZone: formatInZone(i.startUtc, viewerZone, lang), inSessionZone: formatInZone(i.startUtc, zone, lang) }));
}

export function tentativeLabel(s: Pick<Session, 'approxMonth' | 'approxPart'>, lang: string): string | undefined {
  if (!s.approxMonth) return undefined;
  const [y = NaN, m = NaN] = s.approxMonth.split('-').map(Number);
  const month = formatMonth(y, m, lang, !!s.approxPart);
  const part = s.approxPart ? t(lang, `session.part.${s.approxPart}`) : '';
  return t(lang, 'session.tentative', { part, month });
}

// Times of a session change only when it does: pages ask for the same ones again and again, and the
// nine-place table is the costliest part of a page. Keyed by everything the result depends on.
const cache = new Map<string, SessionTimes>();
const CACHE_MAX = 2000;

export function sessionTimes(s: Session, viewerZone: string, lang: string): SessionTimes {
  const key = `${s.id}|${s.updatedAt}|${s.status}|${s.startUtc}|${s.durationMinutes}|${s.zone}|${s.approxMonth}|${s.approxPart}|${viewerZone}|${lang}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const value = computeTimes(s, viewerZone, lang);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

function computeTimes(s: Session, viewerZone: string, lang: string): SessionTimes {
  if (s.startUtc === null || s.endUtc === null) {
    return { fixed: false, tentativeLabel: tentativeLabel(s, lang), viewerZone, sameZone: viewerZone === s.zone, places: [] };
  }
  return {
    fixed: true,
    tentativeLabel: s.status === 'tentative' ? tentativeLabel(s, lang) : undefined,
    inSessionZone: formatInZone(s.startUtc, s.zone, lang),
    inViewerZone: formatInZone(s.startUtc, viewerZone, lang),
    endInViewerZone: formatTime(s.endUtc, viewerZone),
    viewerZone,
    sameZone: viewerZone === s.zone,
    places: placeTimes(s.startUtc, s.durationMinutes, s.zone),
    startIso: toIsoUtc(s.startUtc),
    endIso: toIsoUtc(s.endUtc),
    startIsoLocal: toIsoInZone(s.startUtc, s.zone),
  };
}

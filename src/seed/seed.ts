/**
 * Seed data: the facts of the source press release (GRNET / GR DigiGOV-InnoHUB, 15 July 2021).
 * Idempotent: running it again changes nothing that already exists.
 *
 * - The 9 European Digital Innovation Hubs of 8 countries that held the discussion, with the
 *   standard IANA zone and national language of each country (not in the release itself).
 * - The series "Next generation of public services".
 * - The webinar of Thursday 15 July 2021, completed. The release gives NO start time: 11:00
 *   Europe/Athens (08:00 UTC) is an assumption, chosen because it falls inside working hours in
 *   every participating country; the session is stored with time_stated = 0, and its page says
 *   "time not stated in the source".
 * - The follow-up case-study meeting, promised for "mid-September" 2021: tentative, no date; its
 *   call for case studies is open for 28 days from the first seeding (seed-call.ts).
 *
 * Contact addresses are placeholders under the reserved .example domain: the release gives none.
 */
import type { Clock } from '../core/clock.js';
import type { Services } from '../services.js';
import type { DB } from '../core/db/open.js';
import { immediate } from '../core/db/open.js';
import { wallToInstant } from '../core/time/index.js';
import { seedCall } from './seed-call.js';
import { seedPoll } from './seed-poll.js';
import { FOLLOW_UP_SLUG, SERIES_SLUG, WEBINAR_SLUG } from './slugs.js';
import { mustExist } from '../core/errors.js';

export const SEED_HUBS = [
  { slug: 'gr-digigov-innohub', name: 'GR DigiGOV-InnoHUB', fullName: 'Innovation Hub for Digital Governance', country: 'Greece', countryCode: 'GR', zone: 'Europe/Athens', language: 'el', coordinator: 'GRNET – National Infrastructures for Research and Technology (ΕΔΥΤΕ Α.Ε.)' },
  { slug: 'dih4society', name: 'DIH4Society', fullName: null, country: 'Romania', countryCode: 'RO', zone: 'Europe/Bucharest', language: 'ro', coordinator: null },
  { slug: 'govtech-lab-vilnius', name: 'GOVTech Lab – EDIH Vilnius', fullName: null, country: 'Lithuania', countryCode: 'LT', zone: 'Europe/Vilnius', language: 'lt', coordinator: null },
  { slug: 'edih4dt', name: 'EDIH4DT', fullName: null, country: 'Italy', countryCode: 'IT', zone: 'Europe/Rome', language: 'it', coordinator: null },
  { slug: 'maxxi-cdih', name: 'MAXXI CDIH EDIH', fullName: null, country: 'Italy', countryCode: 'IT', zone: 'Europe/Rome', language: 'it', coordinator: null },
  { slug: 'connected-mobility-hub', name: 'Connected Mobility HUB EDIH', fullName: null, country: 'Spain', countryCode: 'ES', zone: 'Europe/Madrid', language: 'es', coordinator: null },
  { slug: 'smart-secure-cities', name: 'Smart Secure Cities', fullName: null, country: 'Poland', countryCode: 'PL', zone: 'Europe/Warsaw', language: 'pl', coordinator: null },
  { slug: 'innovation-amp', name: 'Innovation Amp EDIH', fullName: null, country: 'Bulgaria', countryCode: 'BG', zone: 'Europe/Sofia', language: 'bg', coordinator: null },
  { slug: 'diginn-cyprus', name: 'DiGiNN Cyprus EDIH', fullName: null, country: 'Cyprus', countryCode: 'CY', zone: 'Asia/Nicosia', language: 'el', coordinator: null },
] as const;

export { SERIES_SLUG, WEBINAR_SLUG, FOLLOW_UP_SLUG } from './slugs.js';

export const WEBINAR_TITLE =
  'Next generation of public services – International discussion on the digital transformation of public services and its benefits for communities and citizens';
export const WEBINAR_TITLE_EL =
  'Επόμενη γενιά δημόσιων υπηρεσιών – Διεθνής συζήτηση για τον ψηφιακό μετασχηματισμό των δημόσιων υπηρεσιών και τα οφέλη του για τις κοινότητες και τους πολίτες';

/** Assumed start of the 2021 webinar: the source states the date only. */
export const WEBINAR_ASSUMED = { date: '2021-07-15', time: '11:00', zone: 'Europe/Athens', durationMinutes: 120 };

const WEBINAR_DESCRIPTION = `${WEBINAR_TITLE_EL}

An online discussion of 9 European Digital Innovation Hubs from 8 countries (Greece, Romania, Lithuania, Italy, Spain, Poland, Bulgaria, Cyprus). GR DigiGOV-InnoHUB, the Innovation Hub for Digital Governance coordinated by GRNET (National Infrastructures for Research and Technology), took the initiative to co-organise it.

The hubs shared their experience of contributing to the digital transformation of public administration in their countries and presented success stories. They discussed common needs across countries and regions, the challenges they met and the solutions they offered.

Next steps they want: further exchange on digitisation solutions for the public sector (infrastructure, business models for return on investment, success stories); best practice in using artificial intelligence in public services; informing and activating the digital-innovation ecosystem.`;

const FOLLOW_UP_DESCRIPTION = `The follow-up the hubs committed to at the webinar of 15 July 2021: the next online meeting, in mid-September, to share and study specific case studies of the "Next Generation of Public Services". No exact date or time has been set yet.`;

export interface SeedResult {
  hubs: number;
  created: string[];
}

export function seed(db: DB, services: Services, clock: Clock): SeedResult {
  const { repos } = services;
  const created: string[] = [];
  immediate(db, () => {
    const now = clock.now();
    for (const h of SEED_HUBS) {
      if (!repos.hubs.getBySlug(h.slug)) {
        repos.hubs.save({ ...h, contactEmail: `contact@${h.slug}.example` }, now);
        created.push(`hub:${h.slug}`);
      }
    }
    const gr = mustExist(repos.hubs.getBySlug('gr-digigov-innohub'), 'hub');
    const others = SEED_HUBS.filter((h) => h.slug !== gr.slug).map((h) => mustExist(repos.hubs.getBySlug(h.slug), 'hub').id);
    let series = repos.series.getBySlug(SERIES_SLUG);
    if (!series) {
      series = repos.series.save(
        {
          slug: SERIES_SLUG,
          title: 'Next generation of public services',
          description: 'International discussions of European Digital Innovation Hubs on the digital transformation of public services.',
        },
        now,
      );
      created.push(`series:${SERIES_SLUG}`);
    }
    if (!repos.sessions.getBySlug(WEBINAR_SLUG)) {
      const startUtc = wallToInstant(WEBINAR_ASSUMED);
      services.sessions.insertTrusted({
        slug: WEBINAR_SLUG,
        seriesId: series.id,
        hubId: gr.id,
        coHostIds: others,
        title: WEBINAR_TITLE,
        description: WEBINAR_DESCRIPTION,
        status: 'completed',
        startDate: WEBINAR_ASSUMED.date,
        startTime: WEBINAR_ASSUMED.time,
        zone: WEBINAR_ASSUMED.zone,
        durationMinutes: WEBINAR_ASSUMED.durationMinutes,
        startUtc,
        endUtc: startUtc + WEBINAR_ASSUMED.durationMinutes * 60_000,
        timeStated: false,
        approxMonth: null,
        approxPart: null,
        joinUrl: null,
        capacity: null,
        language: 'en',
        doubleOptIn: true,
        calendarUid: services.sessions.newCalendarUid(),
      });
      created.push(`session:${WEBINAR_SLUG}`);
    }
    if (!repos.sessions.getBySlug(FOLLOW_UP_SLUG)) {
      services.sessions.insertTrusted({
        slug: FOLLOW_UP_SLUG,
        seriesId: series.id,
        hubId: gr.id,
        coHostIds: others,
        title: 'Next generation of public services: case studies',
        description: FOLLOW_UP_DESCRIPTION,
        status: 'tentative',
        startDate: null,
        startTime: null,
        zone: 'Europe/Athens',
        durationMinutes: 120,
        startUtc: null,
        endUtc: null,
        timeStated: true,
        approxMonth: '2021-09',
        approxPart: 'mid',
        joinUrl: null,
        capacity: null,
        language: 'en',
        doubleOptIn: true,
        calendarUid: services.sessions.newCalendarUid(),
      });
      created.push(`session:${FOLLOW_UP_SLUG}`);
    }
  });
  created.push(...seedPoll(db, services, clock).created);
  created.push(...seedCall(db, services, clock).created);
  return { hubs: repos.hubs.list().length, created };
}

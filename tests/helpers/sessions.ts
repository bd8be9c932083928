/** A session organised in Vilnius for tests to register for; `extra` overrides any field. */
import type { Session } from '../../src/modules/sessions/repository.js';
import { ADMIN, type TestApp } from './app.js';

export function newSession(t: TestApp, extra: Record<string, unknown> = {}): Session {
  const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  return t.services.sessions.create(
    {
      title: 'Open data for municipalities',
      hubId: t.services.repos.hubs.getBySlug('govtech-lab-vilnius')!.id,
      date: '2026-04-15',
      time: '11:00',
      zone: 'Europe/Vilnius',
      durationMinutes: 60,
      joinUrl: 'https://meet.example.org/vilnius',
      ...extra,
    },
    admin,
  );
}

/** The organiser's session form filled in as a person would (a 90-minute Athens session with two co-hosts); `extra` overrides any field. */
export function sessionForm(t: TestApp, extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const hubId = (slug: string) => t.services.repos.hubs.getBySlug(slug)!.id;
  return {
    title: 'Case study: e-invoicing in Cyprus',
    description: 'A look at the rollout.',
    hubId: String(hubId('gr-digigov-innohub')),
    coHostIds: [String(hubId('diginn-cyprus')), String(hubId('innovation-amp'))],
    seriesId: '',
    status: 'scheduled',
    date: '2026-03-30',
    time: '10:00',
    zone: 'Europe/Athens',
    durationMinutes: '90',
    approxMonth: '',
    approxPart: '',
    joinUrl: 'https://meet.example.org/einvoicing',
    capacity: '50',
    language: 'en',
    doubleOptIn: 'on',
    ...extra,
  };
}

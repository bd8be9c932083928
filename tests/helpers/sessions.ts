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

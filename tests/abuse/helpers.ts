/** Shared pieces of the abuse tests: a session to register for, a person, and HTTP from a chosen client address. */
import http from 'node:http';
import type { Session } from '../../src/modules/sessions/repository.js';
import { ADMIN, type TestApp } from '../helpers/app.js';

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

/** A registration as the API takes it. */
export const apiPerson = (email: string, name = 'Rūta Petraitė') => ({ name, email, orgType: 'public', country: 'LT', zone: 'Europe/Vilnius', language: 'en', consent: true });

/** A registration as the form sends it. */
export const formPerson = (email: string, name = 'Rūta Petraitė') => ({ name, email, organisation: 'Municipality', orgType: 'public', hubId: '', country: 'LT', language: 'en', zone: 'Europe/Vilnius', consent: 'on' });

/**
 * A JSON POST over a real connection from `localAddress` (any 127.x.y.z is this machine), so that
 * the server sees several client addresses, as it would from several people.
 */
export function postJsonFrom(base: string, localAddress: string, path: string, data: unknown): Promise<{ statusCode: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(base + path);
  const payload = JSON.stringify(data);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: Number(url.port), path: url.pathname, method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

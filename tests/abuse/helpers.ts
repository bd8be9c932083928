/** Shared pieces of the abuse tests: a session to register for, a person, and HTTP from a chosen client address. */
import http from 'node:http';
export { newSession } from '../helpers/sessions.js';

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

/**
 * Public answers kept for every visitor are sent compressed to clients that accept it, as browsers
 * and calendar apps do. What a visitor would notice if that went wrong: a page that does not unpack
 * or differs from the plain one, a form whose token is refused, a calendar app that fetches the whole
 * feed again, or a client that cannot unpack getting compressed bytes.
 */
import zlib from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, makeApp, type TestApp } from '../../helpers/app.js';
import { newSession } from '../../helpers/sessions.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => {
  await t?.close();
});

const unpack = (res: LightMyRequestResponse): string => {
  const coding = res.headers['content-encoding'];
  if (coding === 'gzip') return zlib.gunzipSync(res.rawPayload).toString('utf8');
  if (coding === 'br') return zlib.brotliDecompressSync(res.rawPayload).toString('utf8');
  expect(coding).toBeUndefined();
  return res.body;
};
const withoutTokens = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""');
const BROWSER = 'gzip, deflate, br, zstd';

describe('kept answers, compressed', () => {
  it('send the session page gzipped, the same page as the plain one, with a token the form posts with', async () => {
    const s = newSession(t, { doubleOptIn: false, capacity: 5, title: 'Compressed page' });
    const plain = await new Browser(t.app).get(`/sessions/${s.id}`);
    const visitor = new Browser(t.app);
    for (const round of [1, 2]) {
      // The first answer is made and kept, the second replayed: both compressed.
      const res = await visitor.get(`/sessions/${s.id}`, { 'accept-encoding': BROWSER });
      expect(res.statusCode).toBe(200);
      // A page with a form has each visitor's token in it: gzip, built around the token.
      expect(res.headers['content-encoding'], `answer ${round}`).toBe('gzip');
      expect(String(res.headers.vary)).toMatch(/Accept-Encoding/);
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
      const html = unpack(res);
      expect(withoutTokens(html)).toBe(withoutTokens(plain.body));
      visitor.lastPage = html;
    }
    const posted = await visitor.post(`/sessions/${s.id}/register`, { name: 'Eleni P', email: 'eleni.gz@example.org', organisation: 'Athens', orgType: 'public', country: 'GR', language: 'el', zone: 'Europe/Athens', consent: 'on' });
    expect(posted.statusCode).toBe(303);
  });

  it('send the API list and a hub feed in brotli when asked, and in gzip to a client that takes only gzip', async () => {
    const vilnius = t.services.repos.hubs.getBySlug('govtech-lab-vilnius')!.id;
    for (let i = 0; i < 6; i++) newSession(t, { title: `Listed ${i}` });
    for (const url of ['/api/v1/sessions', `/hubs/${vilnius}/calendar.ics`]) {
      const plain = await t.app.inject({ url });
      expect(plain.statusCode).toBe(200);
      expect(plain.rawPayload.length).toBeGreaterThan(2048);
      expect(plain.headers['content-encoding']).toBeUndefined();
      const br = await t.app.inject({ url, headers: { 'accept-encoding': BROWSER } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(unpack(br)).toBe(plain.body);
      expect(br.headers['content-type']).toBe(plain.headers['content-type']);
      const gz = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(unpack(gz)).toBe(plain.body);
      for (const refused of ['identity', 'br;q=0, gzip;q=0', 'zstd']) {
        const res = await t.app.inject({ url, headers: { 'accept-encoding': refused } });
        expect(res.headers['content-encoding'], refused).toBeUndefined();
        expect(res.body).toBe(plain.body);
      }
    }
  });

  it('answer a calendar app that has the compressed feed with 304, by its weak ETag', async () => {
    for (let i = 0; i < 6; i++) newSession(t, { title: `In the feed ${i}` });
    const url = `/hubs/${t.services.repos.hubs.getBySlug('govtech-lab-vilnius')!.id}/calendar.ics`;
    const plain = await t.app.inject({ url });
    const etag = String(plain.headers.etag);
    expect(etag).toMatch(/^"/);
    const gz = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.etag).toBe(`W/${etag}`);
    const again = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.headers.etag).toBe(`W/${etag}`);
    expect(again.rawPayload.length).toBe(0);
    // The plain copy's tag is good for the plain answer too.
    expect((await t.app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
  });

  it('send a short answer as it is', async () => {
    const s = newSession(t, { title: 'Short' });
    const res = await t.app.inject({ url: `/sessions/${s.id}/calendar.ics`, headers: { 'accept-encoding': BROWSER } });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(1024);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toContain('BEGIN:VCALENDAR');
  });

  it('never compress for someone signed in (their pages are not kept)', async () => {
    const organiser = new Browser(t.app);
    const s = newSession(t, { title: 'Signed in' });
    expect((await organiser.login(ADMIN.email, ADMIN.password)).statusCode).toBe(303);
    const res = await organiser.get(`/sessions/${s.id}`, { 'accept-encoding': BROWSER });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Signed in');
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});
